"""Saved-search alerts when listings are published: the real patents of
$SHARED_DATA/patents_dev.csv (default ../shared/data) imported into a fresh SQLite database and index (as
bench/import.py does), SAVED saved searches of one SME (distinct jieba terms from the
imported titles), then the alert run for the NEW newest listings, as the sync after a
publishing request runs it. Prints one JSON line: the alert run, and for comparison every
saved search run as a ranked search page (how alerts were decided before).

    .venv/bin/python bench/alerts.py [--saved 2000] [--new 3] [--limit N]
    SHARED_DATA=/path/to/data .venv/bin/python bench/alerts.py   # from a worktree
"""
import argparse
import json
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saved", type=int, default=2000)
    parser.add_argument("--new", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    import importlib
    data, _ = importlib.import_module("import").build_csv(args.limit)
    workdir = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    os.environ["MARKET_INSTANCE"] = str(workdir)
    from sqlalchemy import delete, select

    from market import create_app
    from market.config import Config
    from market.extensions import db
    from market.models import (
        Notification,
        OrgKind,
        Patent,
        SavedSearch,
        SavedSearchMatch,
    )
    from market.search.analysis import segment
    from market.services import imports
    from market.services.saved_searches import alert_and_commit
    from market.unit_of_work import commit
    from tests.factories import make_user
    logging.disable(logging.INFO)
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
                     SEARCH_INDEX_DIR=str(workdir / "index"), SECRET_KEY="bench")
    with app.app_context():
        db.create_all()
        people = [make_user(db.session, kind=kind, name=name, email=f"{kind}@example.cn",
                            password=None)
                  for kind, name in ((OrgKind.UNIVERSITY, "基准测试大学"),
                                     (OrgKind.SME, "基准测试科技有限公司"))]
        db.session.commit()
        university, sme = people
        imports.import_file(university, "p.csv", data)
        commit()  # indexes everything (no saved searches yet)
        service = app.extensions["market.search"]
        service.compact()

        titles = db.session.scalars(select(Patent.title).order_by(Patent.id)).all()
        terms = sorted({t for title in titles for t in segment(title)
                        if len(t) >= 2 and not t.isascii()})
        random.Random(3).shuffle(terms)
        db.session.add_all([SavedSearch(user_id=sme.id, name=t, query=t, filters={})
                            for t in terms[:args.saved]])
        db.session.commit()
        new = db.session.scalars(select(Patent.id).order_by(Patent.id.desc())
                                 .limit(args.new)).all()

        start = time.perf_counter()
        alerts = alert_and_commit(service, new)
        alert_s = time.perf_counter() - start
        db.session.execute(delete(Notification))
        db.session.execute(delete(SavedSearchMatch))
        db.session.commit()

        start = time.perf_counter()  # the old way: one ranked search per saved search
        ranked = 0
        ids = [str(i) for i in new]
        for saved in db.session.scalars(select(SavedSearch)).all():
            ranked += len(service.search(saved.query, {"ids": ids}, per_page=len(ids),
                                         facets=False, highlight=False).hits)
        ranked_s = time.perf_counter() - start
    print(json.dumps({
        "listings": len(titles), "saved_searches": min(args.saved, len(terms)),
        "new_listings": len(new), "alerts": alerts, "alert_s": round(alert_s, 3),
        "ranked_search_alerts": ranked, "ranked_search_s": round(ranked_s, 3),
    }))


if __name__ == "__main__":
    main()
