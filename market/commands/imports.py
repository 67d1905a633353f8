"""``flask imports clean``: expired portfolio upload previews deleted."""
import click
from flask.cli import AppGroup

from ..unit_of_work import commit

imports_cli = AppGroup("imports", help="Portfolio uploads awaiting confirmation.")


@imports_cli.command("clean")
def clean_imports() -> None:
    """Delete expired import previews (run it on deploy and daily)."""
    from ..services import imports
    deleted = imports.clean_expired_previews()
    commit()
    click.echo(f"{deleted} expired import previews deleted")
