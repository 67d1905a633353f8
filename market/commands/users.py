"""``flask users create-centre EMAIL`` and ``flask users create-token EMAIL``: centre
accounts and their statistics API tokens."""
import click
from flask.cli import AppGroup

from .. import demo
from ..models import OrgKind
from ..services import accounts, api_tokens
from ..services.errors import ServiceError
from ..unit_of_work import commit

users_cli = AppGroup("users", help="Manage user accounts.")


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


@users_cli.command("create-token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for (shown in the audit log).")
def create_token(email: str, label: str) -> None:
    """Create a statistics API token for the centre user EMAIL and print it once."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    try:
        _, token = api_tokens.create(user, label)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from exc
    commit()
    click.echo(token)
