"""``flask demands ...``: the clock of technology demands (run it daily)."""
import click
from flask.cli import AppGroup

from ..domain.dates import local_today
from ..services import demand_matching, demands
from ..unit_of_work import commit

demands_cli = AppGroup("demands", help="Technology demands: expire those past their deadline, "
                                       "match those the search index could not match yet.")


@demands_cli.command("daily", help="Expire open demands whose deadline has passed, then match "
                                   "published demands not matched yet (the index was down).")
def daily() -> None:
    expired = demands.expire_due(local_today())
    commit()
    matched = demand_matching.match_new_demands()
    click.echo(f"expired {expired}, matched {matched}")
