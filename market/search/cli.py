"""``flask search ...`` commands.  ``eval`` needs no database."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Full-text search index: evaluation and maintenance.")


@search_cli.command("eval")
@click.option("--patents", "patents", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False), help="Patent CSV (repeatable).")
@click.option("--queries", "queries", required=True,
              type=click.Path(exists=True, dir_okay=False), help="Judged queries CSV.")
@click.option("--workdir", default=None, type=click.Path(file_okay=False),
              help="Where to build the temporary index (default: system temp dir).")
def eval_command(patents, queries, workdir):
    """Build a fresh index from PATENTS, run QUERIES, print one JSON line."""
    from .evaluate import evaluate

    result = evaluate(list(patents), queries, workdir)
    click.echo(json.dumps(result, ensure_ascii=False, sort_keys=True))


@search_cli.command("compounds")
@click.option("--patents", "patents", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False), help="Patent CSV (repeatable).")
@click.option("--min-count", type=click.IntRange(min=1), default=None,
              help="Keep pairs seen at least this often (default 3).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the list (default: market/search/compounds.txt, which the "
                   "demand matching reads).")
def compounds_command(patents, min_count, out):
    """Mine the technical compounds (adjacent noun pairs such as 热+管理) that demand matching
    keeps whole, from the titles and abstracts of PATENTS."""
    from pathlib import Path

    from .compounds import COMPOUNDS_FILE, MIN_COUNT, mine_compounds, write_compounds
    from .evaluate import load_patent_csv

    texts = (f"{d['title']}。{d['abstract']}" for path in patents for d in load_patent_csv(path))
    pairs = mine_compounds(texts, min_count or MIN_COUNT)
    target = Path(out) if out else COMPOUNDS_FILE
    write_compounds(pairs, target)
    click.echo(f"{len(pairs)} compounds written to {target}")


def _service():
    from flask import current_app
    return current_app.extensions["market.search"]


def _demand_service():
    from flask import current_app
    return current_app.extensions["market.demand_search"]


@search_cli.command("reindex")
def reindex_command():
    """Rebuild this server's indexes (listings, demands) from the database into new
    directories; swap them in."""
    count = _service().reindex()
    demands = _demand_service().reindex()
    click.echo(f"index rebuilt: {count} listings, {demands} demands")


@search_cli.command("sync")
@click.option("--loop", "interval", type=float, default=None,
              help="Keep syncing every INTERVAL seconds (for a service without a timer).")
@click.option("--max-segments", type=click.IntRange(min=1), default=None,
              help="Merge the index into one segment when it has more than this many "
                   "(default 3; bulk imports leave several and every query pays for each).")
def sync_command(interval, max_segments):
    """Apply listing and demand changes from the database's outboxes to this server's
    indexes, then merge their segments when there are too many."""
    import time

    from .index import MAX_SEGMENTS
    service, demand_service = _service(), _demand_service()
    while True:
        applied = service.sync()
        before, after = service.compact(max_segments or MAX_SEGMENTS)
        merged = f"; merged {before} index segments into {after}" if after < before else ""
        demand_events = demand_service.sync()
        demand_service.compact(max_segments or MAX_SEGMENTS)
        click.echo(f"applied {applied} outbox rows{merged}; {demand_events} demand events")
        if interval is None:
            return
        time.sleep(interval)


@search_cli.command("check")
def check_command():
    """Compare the index with the database and list the differences (exit 1 if any)."""
    report = _service().check()
    report["demands"] = _demand_service().check()
    click.echo(json.dumps(report, ensure_ascii=False))
    if not (report["consistent"] and report["demands"]["consistent"]):
        raise SystemExit(1)
