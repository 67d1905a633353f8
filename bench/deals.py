"""Conclude open-licence deals through the service layer, one unit of work (commit) per deal,
as the take-open page does, and print one JSON line: deals per second and ledger rows.

The database is a fresh SQLite file in a temporary folder (tables via db.create_all). Run:
    .venv/bin/python bench/deals.py [--deals 10000]
"""
import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def credit_code(n: int, prefix: str) -> str:
    from stdnum.cn import uscc
    body = f"{prefix}210100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def seed(db, n_patents: int, n_smes: int):
    from market.domain.patent_numbers import check_character
    from market.models import (
        LegalStatus,
        LicenceKind,
        ListingStatus,
        Offer,
        OfferKind,
        Organisation,
        OrgKind,
        OrgStatus,
        Patent,
        PatentType,
        User,
    )
    from market.models.base import utcnow

    def org(kind, n, name, prefix):
        o = Organisation(kind=kind, name=name, credit_code=credit_code(n, prefix),
                         district="浑南区", address=f"沈阳市浑南区创新路{n}号", contact_name="王",
                         contact_phone="024-1", contact_email=f"o{n}@example.cn",
                         status=OrgStatus.VERIFIED, verified_at=utcnow())
        db.session.add(o)
        return o

    uni = org(OrgKind.UNIVERSITY, 1, "东北测试大学", "12")
    db.session.add(User(email="tto@example.cn", name="李", password_hash="x", org=uni,
                        is_org_admin=True))
    smes = []
    for i in range(n_smes):
        sme = org(OrgKind.SME, 1000 + i, f"沈阳测试科技{i}有限公司", "91")
        smes.append(User(email=f"s{i}@example.cn", name="赵", password_hash="x", org=sme,
                         is_org_admin=True))
    db.session.add_all(smes)
    db.session.flush()
    offers = []
    for i in range(n_patents):
        digits = f"2019{1}{i:07d}"
        patent = Patent(owner_org_id=uni.id, application_number=f"{digits}.{check_character(digits)}",
                        title=f"一种测试材料的制备方法{i}", patent_type=PatentType.INVENTION,
                        legal_status=LegalStatus.GRANTED, filing_date=date(2019, 1, 1),
                        grant_date=date(2021, 1, 1), expiry_date=date(2039, 1, 1),
                        industry="new_materials", status=ListingStatus.PUBLISHED,
                        published_at=utcnow())
        offer = Offer(kind=OfferKind.OPEN_LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
                      upfront_mode="waived", royalty_bp=300, term_years=3)
        patent.offers.append(offer)
        db.session.add(patent)
        offers.append(offer)
    db.session.commit()
    return [o.id for o in offers], [u.id for u in smes]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    args = parser.parse_args()
    import logging

    from sqlalchemy import func, select

    from market import create_app
    from market.config import Config
    from market.extensions import db
    from market.models import Deal, DealState, LedgerEntry, Offer, User
    from market.services import deals
    from market.unit_of_work import commit

    logging.disable(logging.INFO)
    n_patents = 100
    n_smes = -(-args.deals // n_patents)
    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(workdir) / 'bench.sqlite'}",
                         SEARCH_INDEX_DIR=str(Path(workdir) / "index"), SECRET_KEY="bench")
        with app.app_context():
            db.create_all()
            offer_ids, user_ids = seed(db, n_patents, n_smes)
            jobs = [(offer_ids[i % n_patents], user_ids[i // n_patents]) for i in range(args.deals)]
            start = time.perf_counter()
            for offer_id, user_id in jobs:
                user, offer = db.session.get(User, user_id), db.session.get(Offer, offer_id)
                org = user.org
                deals.take_open(user, offer, {
                    "legal_name": org.name, "credit_code": org.credit_code, "address": org.address,
                    "field_of_use": "电池", "expected_start": date(2026, 1, 1)})
                commit()
                db.session.expunge_all()  # like separate requests: no identity map growth
            elapsed = time.perf_counter() - start
            concluded = db.session.scalar(select(func.count()).select_from(Deal).where(
                Deal.state == DealState.CONCLUDED))
            rows = db.session.scalar(select(func.count()).select_from(LedgerEntry))
            db.session.remove()
            db.engine.dispose()
    print(json.dumps({"deals": args.deals, "concluded": concluded, "ledger_rows": rows,
                      "seconds": round(elapsed, 2), "deals_per_s": round(args.deals / elapsed, 1)}))


if __name__ == "__main__":
    main()
