"""Conclude open-licence deals through the service layer as the pages do: the take-open page
(one unit of work), then the licensee's signature on the review page (re-authentication with
the password and full name, the signature, the conclusion: one unit of work). Print one JSON
line: deals per second, ledger rows and signatures.

The accounts' password hashes use a cheap scrypt (``scrypt:1024:8:1``, as the tests do): the
figure is the platform's, not the key-derivation function's (production's default scrypt adds
its own cost to each signature, as it does to each log-in).

The database is a fresh SQLite file in a temporary folder (tables via db.create_all). Run:
    .venv/bin/python bench/deals.py [--deals 10000]
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SIGNER, PASSWORD = "测试用户", "correct horse battery staple"


def seed(db, n_patents: int, n_smes: int):
    from market.models import LicenceKind, OfferKind, OrgKind
    from market.services.passwords import hash_password
    from tests.factories import make_listing, make_org, make_user

    uni = make_org(db.session, OrgKind.UNIVERSITY, name="东北测试大学")
    make_user(db.session, uni, email="tto@example.cn", password=None)
    smes = [make_user(db.session, kind=OrgKind.SME, name=f"沈阳测试科技{i}有限公司",
                      email=f"s{i}@example.cn", password=None) for i in range(n_smes)]
    offers = [make_listing(db.session, uni, title=f"一种测试材料的制备方法{i}", offers=[{
        "kind": OfferKind.OPEN_LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
        "upfront_mode": "waived", "royalty_bp": 300, "term_years": 3}]).offers[0]
        for i in range(n_patents)]
    password_hash = hash_password(PASSWORD)  # one hash for all: the seed stays quick
    for user in smes:
        user.password_hash, user.name = password_hash, SIGNER
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
    from market.models import Deal, DealState, LedgerEntry, Offer, Signature, User
    from market.services import deals, signing
    from market.unit_of_work import commit
    from tests.factories import details_of

    logging.disable(logging.INFO)
    n_patents = 100
    n_smes = -(-args.deals // n_patents)
    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(workdir) / 'bench.sqlite'}",
                         SEARCH_INDEX_DIR=str(Path(workdir) / "index"), SECRET_KEY="bench",
                         PASSWORD_HASH_METHOD="scrypt:1024:8:1")
        with app.app_context():
            db.create_all()
            offer_ids, user_ids = seed(db, n_patents, n_smes)
            jobs = [(offer_ids[i % n_patents], user_ids[i // n_patents]) for i in range(args.deals)]
            start = time.perf_counter()
            for offer_id, user_id in jobs:
                user, offer = db.session.get(User, user_id), db.session.get(Offer, offer_id)
                deal = deals.take_open(user, offer, details_of(user, field_of_use="电池"))
                commit()
                proof, errors = signing.reauthenticate(user, PASSWORD, SIGNER)
                assert not errors, errors
                deals.sign(deal, user, proof, sha256=signing.current_version(deal).data_sha256,
                           ip="127.0.0.1", user_agent="bench")
                commit()
                db.session.expunge_all()  # like separate requests: no identity map growth
            elapsed = time.perf_counter() - start
            concluded = db.session.scalar(select(func.count()).select_from(Deal).where(
                Deal.state == DealState.CONCLUDED))
            rows = db.session.scalar(select(func.count()).select_from(LedgerEntry))
            signatures = db.session.scalar(select(func.count()).select_from(Signature))
            db.session.remove()
            db.engine.dispose()
    print(json.dumps({"deals": args.deals, "concluded": concluded, "ledger_rows": rows,
                      "signatures": signatures, "seconds": round(elapsed, 2),
                      "deals_per_s": round(args.deals / elapsed, 1)}))


if __name__ == "__main__":
    main()
