"""``flask users create-token EMAIL``: a statistics API token for a centre user."""
import click

from .services import accounts, api_tokens
from .services.errors import ServiceError
from .unit_of_work import commit


@click.command("create-token")
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


def register(users_group: click.Group) -> None:
    users_group.add_command(create_token)
