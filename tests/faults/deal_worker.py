"""Child process of test_sigkill: conclude open-licence deals one unit of work at a time.

Usage: ``python tests/faults/deal_worker.py RUN_TAG COUNT`` with ``FAULT_DATABASE_URL`` and
``FAULT_INDEX_DIR`` in the environment. Prints ``ready`` after the set-up commit, then for
each deal ``begin N`` before the service call and ``committed DEAL_ID`` after the commit.
"""
import os
import sys

from market import create_app
from market.config import TestConfig
from market.extensions import db
from market.models import Offer, OrgKind, User
from market.services import deals
from market.unit_of_work import commit
from tests.factories import (
    details_of,
    make_listing,
    make_org,
    make_user,
    new_application_number,
    sign_contract,
)


def main(tag: int, count: int) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["FAULT_DATABASE_URL"],
                     SEARCH_INDEX_DIR=os.environ["FAULT_INDEX_DIR"],
                     SEARCH_SYNC_AFTER_COMMIT=False)  # deals don't touch the index; skip jieba
    base = tag * 1000  # each run's own numbers: the workers share one database
    with app.app_context():
        uni = make_org(db.session, OrgKind.UNIVERSITY, number=base, name=f"故障测试机构{tag}-{base}")
        patent = make_listing(db.session, uni, title=f"一种故障注入测试材料{tag}",
                              application_number=new_application_number(number=base))
        users = [make_user(db.session, kind=OrgKind.SME, number=base + i,
                           name=f"故障测试机构{tag}-{base + i}", email=f"fault{tag}-{i}@example.cn",
                           password=None) for i in range(1, count + 1)]
        commit()
        user_ids, offer_id = [u.id for u in users], patent.offers[0].id
        print("ready", flush=True)
        for n, user_id in enumerate(user_ids):
            print(f"begin {n}", flush=True)
            user, offer = db.session.get(User, user_id), db.session.get(Offer, offer_id)
            deal = deals.take_open(user, offer, details_of(user))
            sign_contract(deal, user)  # the licensee's signature concludes, in the same commit
            commit()
            print(f"committed {deal.id}", flush=True)
            db.session.expire_all()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
