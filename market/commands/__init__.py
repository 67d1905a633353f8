"""Every ``flask`` command group, registered in one place (one module per group; ``db`` comes
from Flask-Migrate)."""
from flask import Flask

from ..search.cli import search_cli
from .backup import backup_cli
from .deals import deals_cli
from .demands import demands_cli
from .demo import demo_cli
from .fees import fees_cli
from .imports import imports_cli
from .listings import listings_cli
from .mail import mail_cli
from .users import users_cli

GROUPS = (users_cli, demo_cli, listings_cli, imports_cli, backup_cli, search_cli, deals_cli,
          mail_cli, fees_cli, demands_cli)


def register(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
