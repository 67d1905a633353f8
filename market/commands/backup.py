"""``flask backup create`` and ``flask backup restore`` (the work is ``market/ops/backup.py``)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..ops.backup import create_backup, database_url, restore_backup

backup_cli = AppGroup("backup", help="Back up and restore the database.")


@backup_cli.command("create")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write (default: instance/backups/market-<UTC time>.<ext>).")
def create_command(output: str | None) -> None:
    """Write a consistent copy of the database while the site runs."""
    path = create_backup(Path(output) if output else None)
    click.echo(f"backup written to {path} ({path.stat().st_size} bytes)")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database's content.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's content with the backup at PATH, then rebuild the index."""
    url = database_url()
    if not yes:
        click.confirm(f"Replace everything in {url.render_as_string(hide_password=True)} "
                      f"with {path}?", abort=True)
    restore_backup(Path(path))
    click.echo(f"database restored from {path}")
    service = current_app.extensions.get("market.search")
    if service is None:
        click.echo("the search index must be rebuilt: flask search reindex")
        return
    count = service.reindex()
    click.echo(f"search index rebuilt: {count} listings (run `flask search reindex` on every "
               f"other server too)")
