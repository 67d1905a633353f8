"""``flask listings import``: a portfolio file imported for an organisation."""
import click
from flask.cli import AppGroup

from ..services.errors import ServiceError
from ..unit_of_work import commit

listings_cli = AppGroup("listings", help="Listings: bulk import.")


@listings_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "credit_code", required=True, help="Credit code of the owning organisation.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows even if some are bad.")
def import_listings(path: str, credit_code: str, skip_invalid: bool) -> None:
    """Import a portfolio (CSV or XLSX) for an organisation, as the upload page does."""
    from pathlib import Path

    from sqlalchemy import select

    from ..extensions import db
    from ..models import Organisation
    from ..services import imports
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
