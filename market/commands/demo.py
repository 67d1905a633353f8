"""``flask demo load``: the demo organisations, users and listings."""
import click
from flask.cli import AppGroup

from .. import demo
from ..unit_of_work import commit

demo_cli = AppGroup("demo", help="Demo data for development.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
def load_demo(if_empty: bool) -> None:
    """Load the demo market: organisations, users, listings and five years of deals."""
    if not demo.is_empty():
        if if_empty:
            click.echo("database not empty: demo data not loaded")
            return
        raise click.ClickException("the database already has organisations")
    counts = demo.load_all()
    commit()
    click.echo("demo data loaded: {listings} listings, {deals} deals ({concluded} concluded), "
               "{payments} payments, {reports} royalty reports, {pledges} pledges, {agencies} "
               "agencies, {custody} custody agreements, {demands} demands, {exhibitions} "
               "exhibitions".format(**counts))
    click.echo(f"every demo user's password is {demo.DEMO_PASSWORD}")
