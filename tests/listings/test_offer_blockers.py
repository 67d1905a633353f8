"""No page offers an action its viewer cannot take: instead of the button, the listing says
why (and what to do), with the rule the deal services would apply on submit."""
from datetime import timedelta

import pytest

from market.extensions import db
from market.models import Deal, DealState, LicenceKind, OfferKind, OrgKind, OrgStatus
from market.models.base import utcnow
from tests.factories import EXCLUSIVE

pytestmark = pytest.mark.db

TAKE, REQUEST = "/deals/take/", "/deals/request/"  # the buttons' links


def _page(client, patent) -> str:
    return client.get(f"/patents/{patent.id}").get_data(as_text=True)


def test_a_verified_sme_sees_the_buttons(client, login_as, make_listing):
    login_as("sme")
    patent = make_listing(offers=[{"kind": OfferKind.OPEN_LICENCE}, EXCLUSIVE])
    html = _page(client, patent)
    assert TAKE in html and REQUEST in html and "offer-blocked" not in html


def test_a_pending_sme_is_told_why_and_where_to_look(client, login_as, make_listing):
    login_as("sme", status=OrgStatus.PENDING)
    html = _page(client, make_listing())
    assert TAKE not in html and "等待知识产权运营服务中心审核" in html
    assert 'href="/org/"' in html


def test_the_centre_is_offered_no_deal(client, login_as, make_listing):
    login_as("centre")
    html = _page(client, make_listing(offers=[{"kind": OfferKind.OPEN_LICENCE}, EXCLUSIVE]))
    assert TAKE not in html and REQUEST not in html and "不取得也不申请许可" in html


def test_a_university_may_take_an_open_licence_but_not_request_one(client, login_as,
                                                                    make_listing):
    login_as("university")
    html = _page(client, make_listing(offers=[{"kind": OfferKind.OPEN_LICENCE}, EXCLUSIVE]))
    assert TAKE in html and REQUEST not in html


def test_an_exclusive_licence_in_force_shows_until_when(client, login_as, make_org,
                                                        make_listing):
    patent = make_listing(offers=[{**EXCLUSIVE}, {**EXCLUSIVE}])
    holder = make_org(kind=OrgKind.SME)
    first = patent.offers[0]
    deal = Deal(patent_id=patent.id, offer_id=first.id, kind=OfferKind.LICENCE,
                licence_kind=LicenceKind.EXCLUSIVE, licensor_org_id=patent.owner_org_id,
                licensee_org_id=holder.id, state=DealState.CONCLUDED, term_years=5,
                concluded_at=utcnow() - timedelta(days=1))
    db.session.add(deal)
    db.session.commit()
    until = deal.in_force_until
    login_as("sme")
    html = _page(client, patent)
    assert REQUEST not in html
    assert f"有效至 {until.year}年{until.month}月{until.day}日" in html  # the last day in force


def test_an_open_licence_not_yet_announced_cannot_be_taken(client, login_as, make_listing):
    login_as("sme")
    patent = make_listing(offers=[{"kind": OfferKind.OPEN_LICENCE,
                                   "cnipa_announcement_number": None}])
    html = _page(client, patent)
    assert TAKE not in html and "尚待公告" in html
