"""Flask commands: demo data, centre users, search."""
import click
from flask import Flask
from flask.cli import AppGroup

from . import demo, stats_cli
from .models import OrgKind
from .search.cli import search_cli
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
    orgs = demo.load()
    demo.load_listings(orgs)
    commit()
    click.echo(f"demo data loaded; every demo user's password is {demo.DEMO_PASSWORD}")


listings_cli = AppGroup("listings", help="Listings: bulk import.")


@listings_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "credit_code", required=True, help="Credit code of the owning organisation.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows even if some are bad.")
def import_listings(path: str, credit_code: str, skip_invalid: bool) -> None:
    """Import a portfolio (CSV or XLSX) for an organisation, as the upload page does."""
    from pathlib import Path

    from sqlalchemy import select

    from .extensions import db
    from .models import Organisation
    from .services import imports
    org = db.session.scalar(select(Organisation).where(Organisation.credit_code == credit_code))
    if org is None:
        raise click.ClickException(f"no organisation with credit code {credit_code}")
    user = next((u for u in org.users if u.is_org_admin), None)
    if user is None:
        raise click.ClickException("the organisation has no admin user to act as")
    file = Path(path)
    data = file.read_bytes()
    good = bad = 0
    try:
        for result in imports.checked_rows(file.name, data, org.id):  # every error, streamed
            good, bad = good + result.ok, bad + (not result.ok)
            for error in result.errors:
                click.echo(f"line {result.line}: {imports.column_label(error.field)}: {error.message}")
        if bad and not skip_invalid:
            click.echo(f"{bad} bad rows: nothing imported (use --skip-invalid to "
                       f"import the {good} good rows)")
            raise SystemExit(1)
        outcome = imports.import_file(user, file.name, data)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    commit()
    click.echo(f"imported {outcome.created} listings; {outcome.left_out} rows left out")


imports_cli = AppGroup("imports", help="Portfolio uploads awaiting confirmation.")


@imports_cli.command("clean")
def clean_imports() -> None:
    """Delete expired import previews (run it on deploy and daily)."""
    from .services import imports
    deleted = imports.clean_expired_previews()
    commit()
    click.echo(f"{deleted} expired import previews deleted")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    stats_cli.register(users_cli)
    app.cli.add_command(listings_cli)
    app.cli.add_command(imports_cli)
    app.cli.add_command(__import__("market.ops.backup", fromlist=["backup_cli"]).backup_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(__import__("market.deals.cli", fromlist=["deals_cli"]).deals_cli)
