"""``flask deals ...``: the clock of the deals (run it daily)."""
import click
from flask.cli import AppGroup

from ..domain.deadlines import EXPIRE_DAYS, STALE_DAYS
from ..services import deals
from ..unit_of_work import commit

deals_cli = AppGroup("deals", help="Deals: flag stale requests, expire old ones, end licences "
                                   "whose term is over.")


@deals_cli.command("flag-stale", help=(
    f"Flag requests unanswered for {STALE_DAYS} days (both sides and the centre), expire "
    f"those unanswered for {EXPIRE_DAYS}, end licences whose term is over, and report overdue "
    "payments."))
def flag_stale() -> None:
    counts = deals.flag_stale()
    commit()
    click.echo("flagged {flagged}, expired {expired}, licences ended {ended}, "
               "overdue payments {overdue}".format(**counts))


@deals_cli.command("remind", help=(
    "Remind both parties of assignments not yet registered with CNIPA as the deadline nears "
    "or passes, and licensees of royalty reports due or overdue and royalties unpaid (once "
    "each); run daily with flag-stale."))
def remind() -> None:
    from ..services import recording, royalty_reports
    registrations = recording.remind_registrations()
    royalties = royalty_reports.remind()
    commit()
    click.echo(f"registration reminders {registrations}, royalty reminders {royalties}")
