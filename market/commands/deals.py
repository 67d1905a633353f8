"""``flask deals ...``: the clock of the deals (run it daily)."""
import click
from flask.cli import AppGroup

from ..services import deals
from ..unit_of_work import commit

deals_cli = AppGroup("deals", help="Deals: flag stale requests, expire old ones, end licences "
                                   "whose term is over.")


@deals_cli.command("flag-stale")
def flag_stale() -> None:
    """Flag requests unanswered for 14 days (both sides and the centre), expire those
    unanswered for 30, end licences whose term is over, and report overdue payments."""
    counts = deals.flag_stale()
    commit()
    click.echo("flagged {flagged}, expired {expired}, licences ended {ended}, "
               "overdue payments {overdue}".format(**counts))
