"""``flask mail deliver``: deliver the outbox's due messages (for a timer, e.g. every minute;
safe on several servers at once: each run claims its rows)."""
import click
from flask.cli import AppGroup

from ..domain.dates import local_today
from ..mail_worker import deliver_due
from ..services import mail, mail_prefs
from ..unit_of_work import commit

mail_cli = AppGroup("mail", help="Deliver outgoing email and daily digests.")


@mail_cli.command("deliver")
@click.option("--batch", default=mail.DELIVERY_BATCH, show_default=True,
              help="Messages per transaction and SMTP connection.")
def deliver(batch: int) -> None:
    """Deliver every message that is due (new ones and retries whose time has come)."""
    claimed = deliver_due(batch)
    click.echo(f"mail: {claimed} message(s) handed to the transport")


@mail_cli.command("digest")
def digest() -> None:
    """Queue today's digest email for every user with held messages (for a daily timer;
    running it twice in a day sends one digest per user)."""
    queued = mail_prefs.send_digests(local_today())
    commit()
    click.echo(f"mail: {queued} digest(s) queued")
