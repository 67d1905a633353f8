"""Import the real patents of ../shared/data/patents_dev.csv through the same service as the
upload page (check every row, then import in one transaction) and print one JSON line:
the preview and the confirmation of the first 1,000 rows (``preview_1000_s``,
``confirm_1000_s``), then the whole file (``rows_per_s``), each into a fresh database.

Numbers, dates and terms are generated (the data has titles, abstracts and IPC codes);
each database is a fresh SQLite file in a temporary folder. Run:
    .venv/bin/python bench/import.py [--limit N]
"""
import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("SHARED_DATA") or (ROOT.parent / "shared" / "data"))


def build_csv(limit: int | None) -> tuple[bytes, int]:
    from market.domain.patent_numbers import check_character
    from market.services.imports import COLUMNS
    rng = random.Random(42)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([zh for _, zh, _ in COLUMNS])
    n = 0
    with (DATA / "patents_dev.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if limit and n >= limit:
                break
            type_digit = "2" if row["patent_type"] == "实用新型" else "1"
            year = rng.randint(2018 if type_digit == "2" else 2012, 2023)
            digits = f"{year}{type_digit}{i:07d}"
            granted = rng.random() < 0.85
            offer = rng.choice(["开放许可", "开放许可", "普通许可", "独占许可", "转让"])
            if not granted and offer == "开放许可":
                offer = "普通许可"
            values = {
                "application_number": f"{digits}.{check_character(digits)}",
                "title": row["title"], "abstract": row["abstract"],
                "ipc_codes": row["ipc"].replace(";", "; "),
                "legal_status": "有效" if granted else "审中",
                "filing_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "inventors": row["inventors"], "offer": offer,
                "upfront_fee_fen": str(rng.choice([0, 0, 20000, 50000])),
                "upfront_mode": rng.choice(["免除", "延期", "签约时支付"]),
                "deferral_months": "12", "royalty_bp": str(rng.choice([0, 2, 3, 5])),
                "term_years": "3", "asking_price_fen": "", "publish": "是",
            }
            if values["upfront_mode"] == "免除":
                values["upfront_fee_fen"] = "0"
            elif values["upfront_fee_fen"] == "0":
                values["upfront_mode"] = "免除"
            values["grant_date"] = f"{year + 2}-06-01" if granted else ""
            writer.writerow([values.get(key, "") for key, _, _ in COLUMNS])
            n += 1
    return out.getvalue().encode("utf-8-sig"), n


def make_app(workdir: Path):
    from market import create_app
    from market.config import Config
    from market.extensions import db
    from market.models import OrgKind
    from tests.factories import make_user
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
                     SEARCH_INDEX_DIR=str(workdir / "index"), SECRET_KEY="bench",
                     MAIL_DELIVERY="inline")
    with app.app_context():
        db.create_all()
        make_user(db.session, kind=OrgKind.UNIVERSITY, name="基准测试大学",
                  email="bench@example.cn", password=None)
        db.session.commit()
        # A running server has its index and jieba's dictionary already: build the (empty)
        # index and load the dictionary before the clock starts.
        app.extensions["market.search"].reindex()
        from market.search.analysis import ensure_jieba
        ensure_jieba()
    return app


def measure(app, data: bytes) -> dict:
    """Preview (check every row), then confirm (check again, import, commit and index)."""
    from sqlalchemy import select

    from market.extensions import db
    from market.models import User
    from market.services import imports
    from market.unit_of_work import commit
    with app.app_context():
        user = db.session.scalar(select(User))
        start = time.perf_counter()
        preview = imports.preview("patents.csv", data, user.org_id)
        checked = time.perf_counter()
        outcome = imports.import_file(user, "patents.csv", data)  # checks the rows again
        imported = time.perf_counter()
        commit()  # the after-commit work too: search indexing within the request's budget
        done = time.perf_counter()
    return {"imported": outcome.created, "rejected": preview.bad_count,
            "preview_s": checked - start, "confirm_s": done - checked,
            "commit_s": done - imported}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=None, help="rows of the full-file run")
    args = parser.parse_args()
    import logging
    logging.disable(logging.INFO)
    small, _ = build_csv(1000)
    data, n = build_csv(args.limit)
    # Two fresh databases: the runs import the same application numbers.
    first = measure(make_app(Path(tempfile.mkdtemp(prefix="bench-import-"))), small)
    full = measure(make_app(Path(tempfile.mkdtemp(prefix="bench-import-"))), data)
    total = full["preview_s"] + full["confirm_s"]
    print(json.dumps({
        "preview_1000_s": round(first["preview_s"], 2),
        "confirm_1000_s": round(first["confirm_s"], 2),
        # of which the commit with its search indexing (market.search, after commit)
        "confirm_1000_commit_s": round(first["commit_s"], 2),
        "rows": n, "imported": full["imported"], "rejected": full["rejected"],
        "check_s": round(full["preview_s"], 2), "import_s": round(full["confirm_s"], 2),
        "total_s": round(total, 2), "rows_per_s": round(n / total),
    }))


if __name__ == "__main__":
    main()
