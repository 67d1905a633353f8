"""``flask fees ...``: the clock of the annual fees (run it daily, like ``flask deals
flag-stale``)."""
import click
from flask.cli import AppGroup

from ..domain.annual_fees import GRACE_MONTHS, REMIND_DAYS
from ..services import annual_fees
from ..unit_of_work import commit

fees_cli = AppGroup("fees", help="Annual fees of listed patents: reminders and lapses.")


@fees_cli.command("remind", help=(
    f"Tell owners {REMIND_DAYS} days before a patent's annual fee falls due and once when it "
    f"is overdue (once per due date), and close the listings of patents whose {GRACE_MONTHS}-"
    "month grace period is over (their deals in progress end)."))
def remind() -> None:
    counts = annual_fees.remind()
    commit()
    click.echo("reminded {reminded}, overdue {overdue}, lapsed {lapsed}".format(**counts))
