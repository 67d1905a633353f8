"""Who may take an open licence (any verified organisation, once CNIPA announced it), what
the ledger then records (the taker's kind: the SME counts stay right), the written notice
and contract that name the declaration and the royalty base, and negotiated terms above
the open-licence caps."""
from datetime import date

import pytest
from sqlalchemy import select

from market.domain.contract_text import clauses
from market.domain.dates import local_today
from market.extensions import db
from market.models import LedgerEntry, OfferKind, OrgKind
from market.services import deals, signing, stats
from market.services.errors import PermissionDenied, ServiceError
from market.services.stats import Period
from market.unit_of_work import commit

from ..factories import details_of, proposal_of

pytestmark = pytest.mark.db

FEE_25M = 2_500_000_000


def ledger_row(deal) -> LedgerEntry:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id))


@pytest.mark.parametrize("kind", [OrgKind.INSTITUTE, OrgKind.UNIVERSITY, OrgKind.SME])
def test_any_verified_organisation_takes_an_open_licence(make_listing, make_user, university,
                                                         take, kind):
    taker = make_user(kind=kind)
    deal = take(make_listing(university.org).offers[0], user=taker)
    assert deal.state == "concluded"
    row = ledger_row(deal)
    assert (row.licensee_kind, row.licensee_is_sme) == (kind.value, kind == OrgKind.SME)


def test_only_smes_count_as_smes_taking_university_patents(make_listing, make_user, university,
                                                           take):
    patent = make_listing(university.org)
    take(patent.offers[0], user=make_user(kind=OrgKind.INSTITUTE))
    take(patent.offers[0], user=make_user(kind=OrgKind.SME))
    year = local_today().year
    smes = stats.indicators(Period.for_year(year), plan_start_year=year)["smes"]
    assert (smes["cumulative"], smes["in_period"]) == (1, 1)


def test_centre_and_unverified_organisations_cannot_take(make_listing, make_user, university,
                                                         centre):
    from market.models import OrgStatus
    offer = make_listing(university.org).offers[0]
    for user in (centre, make_user(kind=OrgKind.INSTITUTE, status=OrgStatus.PENDING)):
        with pytest.raises(PermissionDenied):
            deals.take_open(user, offer, details_of(user))


def test_negotiated_deals_stay_with_smes(make_listing, make_user, university):
    from ..factories import EXCLUSIVE
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    institute = make_user(kind=OrgKind.INSTITUTE)
    with pytest.raises(PermissionDenied):
        deals.request_deal(institute, offer, proposal_of(offer))


@pytest.mark.parametrize("declared_on, number, message", [
    (date(2025, 1, 6), None, "尚待公告"),
    (None, None, "尚未登记"),
])
def test_open_licence_not_announced_cannot_be_taken(make_listing, university, sme, declared_on,
                                                    number, message):
    offer = make_listing(university.org, offers=[{
        "kind": OfferKind.OPEN_LICENCE, "declared_on": declared_on,
        "cnipa_announcement_number": number}]).offers[0]
    with pytest.raises(ServiceError) as info:
        deals.take_open(sme, offer, details_of(sme))
    assert info.value.code == "not_announced" and message in str(info.value.message)


def test_written_notice_and_contract_name_the_announcement(make_listing, university, sme):
    offer = make_listing(university.org).offers[0]
    deal = deals.take_open(sme, offer, details_of(sme))
    commit()
    notice = deal.events[0].payload["notice"]
    assert "开放许可声明日：2025-01-06" in notice and "国家知识产权局公告号：KF-TEST-0001" in notice
    data = signing.current_version(deal).data
    assert data["open_licence"]["announcement_number"] == "KF-TEST-0001"
    recitals = next(s for s in clauses(data, "zh") if s.key == "recitals")
    assert "公告号：KF-TEST-0001" in " ".join(recitals.paragraphs)


def test_reduced_upfront_open_licence_is_counted_as_a_fast_licence(make_listing, university,
                                                                   take):
    reduced, paid = (make_listing(university.org, offers=[{
        "kind": OfferKind.OPEN_LICENCE, "upfront_mode": mode, "upfront_fee_fen": 300_000}]
        ).offers[0] for mode in ("reduced", "due_at_signing"))
    rows = [ledger_row(take(offer)) for offer in (reduced, paid)]
    assert [(r.fast_licence, r.contract_value_fen) for r in rows] == [(True, 300_000),
                                                                     (False, 300_000)]


def test_profit_royalty_and_negotiated_fee_above_the_caps(make_listing, university, sme, agree):
    from ..factories import EXCLUSIVE
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    deal = deals.request_deal(sme, offer, proposal_of(
        offer, upfront_mode="due_at_signing", upfront_fee_fen=FEE_25M, royalty_base="profit",
        royalty_bp=2500))
    commit()
    assert (deal.upfront_fee_fen, deal.royalty_base, deal.royalty_bp) == (FEE_25M, "profit", 2500)
    agree(deal, university)
    data = signing.current_version(deal).data
    assert data["fees"]["royalty_base"] == "profit"
    fees = next(s for s in clauses(data, "zh") if "提成费：" in " ".join(s.paragraphs))
    assert "合同产品利润的25%" in " ".join(fees.paragraphs)
    english = " ".join(p for s in clauses(data, "en") for p in s.paragraphs)
    assert "25% of the profit on contract products" in english
    chinese = " ".join(p for s in clauses(data, "zh") for p in s.paragraphs)
    assert "净销售额、利润及其计算和应付提成费" in chinese
    assert "the profit on them and how it was calculated, and the royalty due" in english
    assert ledger_row(deal).contract_value_fen == FEE_25M
