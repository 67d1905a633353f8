"""Flask commands: demo data, centre users, search."""
import click
from flask import Flask
from flask.cli import AppGroup

from . import demo
from .models import OrgKind
from .services import accounts
from .services.errors import ServiceError
from .unit_of_work import commit

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data for development.")


@users_cli.command("create-centre")
@click.argument("email")
@click.option("--name", default="中心管理员", show_default=True)
@click.password_option(help="Asked for when not given (or set CENTRE_PASSWORD).",
                       envvar="CENTRE_PASSWORD")
def create_centre(email: str, name: str, password: str) -> None:
    """Create a centre account (and the centre organisation on first use)."""
    org_fields = {"name": "沈阳市知识产权运营服务中心",
                  "credit_code": demo.credit_code(999999, OrgKind.CENTRE),
                  "district": "浑南区", "address": "沈阳市浑南区", "contact_name": name,
                  "contact_phone": "024-00000000", "contact_email": email}
    try:
        user = accounts.create_centre_user(email, name, password, org_fields)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    commit()
    click.echo(f"centre user {user.email} created")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
def load_demo(if_empty: bool) -> None:
    """Load the demo organisations and users (README lists the log-ins)."""
    if not demo.is_empty():
        if if_empty:
            click.echo("database not empty: demo data not loaded")
            return
        raise click.ClickException("the database already has organisations")
    demo.load()
    commit()
    click.echo(f"demo data loaded; every demo user's password is {demo.DEMO_PASSWORD}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
