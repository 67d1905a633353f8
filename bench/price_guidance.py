"""Price guidance on a listing page: DEALS concluded licences booked in the ledger of a fresh
SQLite database (spread over IPC subclasses, industries and the three licence kinds), then
the guidance of a listing's offers as the listing page asks for it: once computed from the
ledger (cold), then RUNS times while the ledger has not grown (kept figures). Prints one JSON
line with the cold time and the p50 and p95 in milliseconds.

    .venv/bin/python bench/price_guidance.py [--deals 5000] [--runs 200]
"""
import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

SUBCLASSES = ["C01B 32/184", "C04B 35/00", "H01M 4/36", "A61K 9/00", "B23K 9/00", "G06F 17/30"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-price-guidance-"))
    os.environ["MARKET_INSTANCE"] = str(workdir)
    from market import create_app
    from market.config import Config
    from market.domain.ipc import industry_for_ipc
    from market.extensions import db
    from market.models import Deal, DealState, LicenceKind, OfferKind, OrgKind
    from market.services import ledger, price_guidance
    from tests.factories import NO_LOGIN, make_listing, make_user

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
                     SEARCH_INDEX_DIR=str(workdir / "index"), MAIL_DELIVERY="inline",
                     SECRET_KEY="bench")
    rng = random.Random(18)
    moment = datetime(2025, 3, 1, 4, tzinfo=UTC)
    with app.app_context():
        db.create_all()
        s = db.session
        licensor = make_user(s, kind=OrgKind.UNIVERSITY, password=NO_LOGIN)
        licensee = make_user(s, kind=OrgKind.SME, password=NO_LOGIN)
        kinds = list(LicenceKind)
        for n in range(args.deals):
            ipc = rng.choice(SUBCLASSES)
            patent = make_listing(s, licensor.org, ipc_codes=[ipc],
                                  industry=industry_for_ipc([ipc]))
            deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id,
                        kind=OfferKind.LICENCE, licence_kind=kinds[n % 3],
                        licensor_org_id=licensor.org_id, licensee_org_id=licensee.org_id,
                        state=DealState.CONCLUDED, contract_number=f"SY-B-{n}",
                        created_at=moment, concluded_at=moment, upfront_mode="due_at_signing",
                        upfront_fee_fen=rng.randrange(0, 50_000_000), term_years=5,
                        royalty_bp=rng.randrange(0, 1000))
            s.add(deal)
            s.flush()
            ledger.record_conclusion(deal)
            if n % 500 == 0:
                s.commit()
        listing = make_listing(s, licensor.org, offers=[
            {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.EXCLUSIVE},
            {"kind": OfferKind.OPEN_LICENCE}])
        s.commit()
        start = time.perf_counter()  # the first view computes (the ledger's last row is new)
        price_guidance.for_offers(listing, listing.active_offers)
        cold_ms = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(args.runs):  # later views until the ledger grows: kept figures
            start = time.perf_counter()
            guidance = price_guidance.for_offers(listing, listing.active_offers)
            times.append((time.perf_counter() - start) * 1000)
        shown = sum(g.shown for g in guidance.values())
    p95 = statistics.quantiles(times, n=20)[-1]
    print(json.dumps({"deals": args.deals, "runs": args.runs, "offers_with_guidance": shown,
                      "listing_guidance_cold_ms": round(cold_ms, 2),
                      "listing_guidance_p50_ms": round(statistics.median(times), 2),
                      "listing_guidance_p95_ms": round(p95, 2)}))


if __name__ == "__main__":
    main()
