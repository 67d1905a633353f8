"""Larger enterprises (大型企业, above the SME size standard): they register and are verified
like an SME, take open licences and request licences and assignments, and the ledger keeps
them out of the plan's SME counts; custody and technology demands stay the SMEs'."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    BusinessLicenceScan,
    LedgerEntry,
    MandateScope,
    OfferKind,
    Organisation,
    OrgKind,
    OrgStatus,
)
from market.services import (
    custody,
    deal_rules,
    deals,
    demands,
    mandates,
    orgs,
    questions,
    stats,
)
from market.services.errors import PermissionDenied
from market.services.stats import Period
from market.unit_of_work import commit

from ..conftest import post_form
from ..factories import CUSTODY_SCOPE, EXCLUSIVE, PAID_OPEN, proposal_of
from ..test_auth import registration

pytestmark = pytest.mark.db

ASSIGNMENT = {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 50_000_000}


@pytest.fixture()
def enterprise(make_user):
    return make_user(kind=OrgKind.ENTERPRISE, name="沈阳重型机械集团有限公司")


def ledger_row(deal) -> LedgerEntry:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id))


def this_year() -> dict:
    year = local_today().year
    return stats.indicators(Period.for_year(year), plan_start_year=year)


def test_an_enterprise_open_licence_counts_as_a_licence_but_not_as_an_sme(
        make_listing, university, enterprise, sme, take):
    patent = make_listing(university.org, offers=[PAID_OPEN])
    fee = PAID_OPEN["upfront_fee_fen"]
    deal = take(patent.offers[0], user=enterprise)
    assert deal.state == "concluded"
    row = ledger_row(deal)
    assert (row.licensee_kind, row.licensee_is_sme) == ("enterprise", False)
    figures = this_year()
    assert (figures["deals"]["licences"], figures["deals"]["value_fen"]) == (1, fee)
    assert (figures["smes"]["cumulative"], figures["smes"]["in_period"]) == (0, 0)
    take(patent.offers[0], user=sme)  # an SME taking the same licence is counted as one
    figures = this_year()
    assert (figures["deals"]["licences"], figures["deals"]["value_fen"]) == (2, 2 * fee)
    assert (figures["smes"]["cumulative"], figures["smes"]["in_period"]) == (1, 1)


@pytest.mark.parametrize("offer", [EXCLUSIVE, ASSIGNMENT], ids=["exclusive", "assignment"])
def test_an_enterprise_requests_and_concludes_a_negotiated_deal(make_listing, university,
                                                                enterprise, agree, offer):
    offer = make_listing(university.org, offers=[offer]).offers[0]
    assert deal_rules.offer_blocker(enterprise, offer) is None
    deal = deals.request_deal(enterprise, offer, proposal_of(offer))
    commit()
    agree(deal, university)
    assert deal.state == "concluded"
    row = ledger_row(deal)
    assert (row.kind, row.licensee_kind, row.licensee_is_sme) == (
        offer.kind.value, "enterprise", False)


def test_an_unverified_enterprise_cannot_request(make_listing, make_user, university):
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    pending = make_user(kind=OrgKind.ENTERPRISE, status=OrgStatus.PENDING)
    with pytest.raises(PermissionDenied):
        deals.request_deal(pending, offer, proposal_of(offer))
    assert "等待知识产权运营服务中心审核" in str(deal_rules.offer_blocker(pending, offer))


def test_an_enterprise_asks_about_a_listing(make_listing, university, enterprise):
    question = questions.ask(enterprise, make_listing(university.org), "能否提供样机测试？")
    assert question.asker_user_id == enterprise.id


def test_custody_and_demands_stay_with_smes(make_user, enterprise):
    agency = make_user(kind=OrgKind.AGENCY)
    today = local_today()
    with pytest.raises(PermissionDenied):
        custody.propose(enterprise, agency.org, starts_on=today,
                        ends_on=today + timedelta(days=365), fee_fen=100_000,
                        scope=CUSTODY_SCOPE)
    with pytest.raises(PermissionDenied):
        demands.create(enterprise, {"title": "大型铸件无损检测", "description": "需要检测技术。"})


def test_an_enterprise_registers_with_no_size_and_the_centre_verifies_it(client, centre):
    response = post_form(client, "/account/register", registration(
        kind="enterprise", sme_size="", name="沈阳重型机械集团有限公司",
        email="li@heavy.example.cn"))
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(
        Organisation.name == "沈阳重型机械集团有限公司"))
    assert (org.kind, org.status, org.sme_size) == (OrgKind.ENTERPRISE, OrgStatus.PENDING, None)
    scan = db.session.scalar(select(BusinessLicenceScan).where(
        BusinessLicenceScan.org_id == org.id))
    assert scan is not None  # the business licence the centre checks, as for an SME
    orgs.verify(centre, org)
    commit()
    assert org.is_verified and org.is_buyer_kind and not org.is_licensor_kind


def test_the_profile_names_the_kind_in_chinese(client, enterprise):
    page = client.get(f"/org/{enterprise.org_id}").get_data(as_text=True)
    assert "大型企业" in page and "企业规模" not in page


def test_a_broker_requests_for_an_enterprise_under_its_mandate(make_listing, university,
                                                               enterprise, make_user):
    broker = make_user(kind=OrgKind.AGENCY, name="沈阳知桥知识产权服务有限公司")
    today = local_today()
    mandates.grant(enterprise, broker.org, scope=MandateScope.NEGOTIATE_AND_DRAFT,
                   valid_from=today, valid_until=today + timedelta(days=180))
    commit()
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    deal = deals.request_deal(broker, offer, proposal_of(offer), "代委托方申请。",
                              for_org=enterprise.org)
    commit()
    assert (deal.licensee_org_id, deal.broker_org_id) == (enterprise.org_id, broker.org_id)
