"""Child process of test_sigkill: conclude open-licence deals one unit of work at a time.

Usage: ``python tests/faults/deal_worker.py RUN_TAG COUNT`` with ``FAULT_DATABASE_URL`` and
``FAULT_INDEX_DIR`` in the environment. Prints ``ready`` after the set-up commit, then for
each deal ``begin N`` before the service call and ``committed DEAL_ID`` after the commit.
"""
import os
import sys
from datetime import date

from stdnum.cn import uscc

from market import create_app
from market.config import TestConfig
from market.domain.patent_numbers import check_character
from market.extensions import db
from market.models import (
    LegalStatus,
    LicenceKind,
    ListingStatus,
    Membership,
    Offer,
    OfferKind,
    Organisation,
    OrgKind,
    OrgStatus,
    Patent,
    PatentType,
    SmeSize,
    User,
)
from market.models.base import utcnow
from market.services import deals
from market.unit_of_work import commit


def _org(kind, n, tag):
    body = ("91" if kind == OrgKind.SME else "12") + f"210100MA1{n:06d}"
    return Organisation(kind=kind, name=f"故障测试机构{tag}-{n}", credit_code=body + uscc.calc_check_digit(body),
                        district="浑南区", address=f"沈阳市浑南区测试路{n}号", contact_name="联系人",
                        contact_phone="024-12345678", contact_email=f"fault{n}@example.cn",
                        sme_size=SmeSize.SMALL if kind == OrgKind.SME else None,
                        status=OrgStatus.VERIFIED, verified_at=utcnow())


def main(tag: int, count: int) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["FAULT_DATABASE_URL"],
                     SEARCH_INDEX_DIR=os.environ["FAULT_INDEX_DIR"],
                     SEARCH_SYNC_AFTER_COMMIT=False)  # deals don't touch the index; skip jieba
    base = tag * 1000
    with app.app_context():
        uni = _org(OrgKind.UNIVERSITY, base, tag)
        digits = f"20191{base:07d}"
        patent = Patent(owner=uni, application_number=f"{digits}.{check_character(digits)}",
                        title=f"一种故障注入测试材料{tag}", abstract="测试。", ipc_codes=["C01B 32/184"],
                        patent_type=PatentType.INVENTION, legal_status=LegalStatus.GRANTED,
                        filing_date=date(2019, 3, 1), grant_date=date(2021, 6, 1),
                        expiry_date=date(2039, 3, 1), inventors="张三", industry="new_materials",
                        trl=5, keywords="测试", status=ListingStatus.PUBLISHED, published_at=utcnow())
        offer = Offer(kind=OfferKind.OPEN_LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
                      upfront_mode="waived", term_years=3)
        patent.offers.append(offer)
        users = []
        for i in range(1, count + 1):
            org = _org(OrgKind.SME, base + i, tag)
            users.append(User(email=f"fault{tag}-{i}@example.cn", name="测试用户", password_hash="x",
                              org=org, is_org_admin=True, membership=Membership.ACTIVE))
        db.session.add_all([uni, patent, *users])
        commit()
        user_ids, offer_id = [u.id for u in users], offer.id
        print("ready", flush=True)
        for n, user_id in enumerate(user_ids):
            print(f"begin {n}", flush=True)
            user, offer = db.session.get(User, user_id), db.session.get(Offer, offer_id)
            org = user.org
            deal = deals.take_open(user, offer, {
                "legal_name": org.name, "credit_code": org.credit_code, "address": org.address,
                "field_of_use": "新能源电池", "expected_start": date(2026, 1, 1)})
            commit()
            print(f"committed {deal.id}", flush=True)
            db.session.expire_all()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
