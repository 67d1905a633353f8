"""The pledge rules as services: the pledgor is the right-holder, the pledgee's consent
before an assignment or an exclusive or sole licence (at the request, the acceptance of
terms and the signature that concludes), the release, mixed pledges and their counts, and
the technology contract registration of a concluded deal."""
from datetime import date, timedelta

import pytest
from flask_babel import format_date
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    AuditEvent,
    DealState,
    OrgKind,
    PledgedPatent,
    TechContractRegistration,
)
from market.services import deals, indicator_tables, pledges, stats, tech_contracts
from market.services.deal_rules import PledgeeConsentMissing
from market.services.errors import NotFound, PermissionDenied, ServiceError
from market.services.periods import Period
from market.unit_of_work import commit

from ..factories import proposal_of, sign_contract
from .conftest import PDF

pytestmark = pytest.mark.db


def _offer(patent, kind):
    return next(o for o in patent.offers
                if (o.licence_kind.value if o.licence_kind else o.kind.value) == kind)


def _request(sme, patent, kind="exclusive"):
    offer = _offer(patent, kind)
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    return deal


def _audit(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# --- the pledgor is the right-holder ----------------------------------------------------------

def test_the_right_holder_pledges_its_patent_and_the_pledge_is_linked(patent, pledge):
    made = pledge(patent)
    assert [link.patent_id for link in made.patents] == [patent.id]
    assert _audit("pledge.recorded")[0].details["patents"] == [patent.id]


def test_an_sme_cannot_pledge_a_universitys_patent(patent, pledge, make_org):
    other = make_org(kind=OrgKind.SME, name="沈阳某科技有限公司")
    with pytest.raises(ServiceError) as caught:
        pledge(patent, pledgor=other.name)
    assert caught.value.code == "not_right_holder" and caught.value.field == "patents"
    assert patent.application_number in str(caught.value.message)
    assert "东北大学" in str(caught.value.message)
    db.session.rollback()
    assert db.session.scalars(select(PledgedPatent)).all() == []


def test_an_unregistered_pledgor_of_a_platform_patent_is_refused(patent, pledge):
    with pytest.raises(ServiceError, match=patent.application_number.replace(".", r"\.")):
        pledge(patent, pledgor="不存在的公司")


def test_patents_not_listed_here_cannot_be_checked_and_are_kept(centre):
    made = pledges.record(centre, pledgor="某个体工商户", bank="中国银行",
                          application_numbers=["201710601862.3"], amount_fen=100,
                          pledged_on=date(2025, 1, 2))
    assert made.patents == [] and made.application_numbers == ["201710601862.3"]


def test_a_pledge_dated_in_the_future_is_refused(patent, pledge):
    with pytest.raises(ServiceError) as caught:
        pledge(patent, pledged_on=local_today() + timedelta(days=1))
    assert caught.value.field == "pledged_on"


# --- trademarks: mixed pledges and the counts -------------------------------------------------

def test_mixed_pledges_keep_their_trademarks_and_are_counted_apart(patent, pledge, centre):
    pledge(patent, trademark_numbers=pledges.parse_trademark_numbers("第12345678号，23456789"))
    pledges.record(centre, pledgor="某公司", bank="中国银行", application_numbers=["97101765.4"],
                   amount_fen=100, pledged_on=date(2026, 2, 1))
    commit()
    mixed = [p for p in pledges.recent() if p.is_mixed]
    assert [p.trademark_numbers for p in mixed] == [["12345678", "23456789"]]
    assert pledges.mix_counts() == {"count": 2, "patent_only": 1, "mixed": 1, "registered": 2}
    year = stats._pledges(Period(date(2026, 1, 1), date(2026, 12, 31)),
                          Period(date(2025, 1, 1), date(2025, 12, 31)))
    assert (year["count"], year["patent_only_count"], year["mixed_count"]) == (2, 1, 1)
    payload = stats.indicators(Period(date(2026, 1, 1), date(2026, 12, 31)),
                               plan_start_year=2020)
    rows = {row[0]: row[2] for row in indicator_tables.summary_table(payload).rows}
    assert rows["其中：纯专利质押项目数"] == ("count", 1)
    assert rows["其中：专利与商标混合质押项目数"] == ("count", 1)


def test_a_bad_trademark_number_is_refused(app):
    from market.domain.trademark_numbers import InvalidTrademarkNumber
    with pytest.raises(InvalidTrademarkNumber):
        pledges.parse_trademark_numbers("12345678, TM-9")
    assert pledges.parse_trademark_numbers("") == []


# --- the pledgee's consent --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["exclusive", "assignment"])
def test_a_request_for_exclusivity_on_a_pledged_patent_is_refused(patent, pledge, sme, kind):
    pledge(patent)
    with pytest.raises(PledgeeConsentMissing) as caught:
        _request(sme, patent, kind)
    assert caught.value.code == "pledge_consent"
    message = str(caught.value.message)
    assert patent.application_number in message and "盛京银行" in message


def test_a_non_exclusive_licence_needs_no_consent(patent, pledge, sme):
    pledge(patent)
    assert _request(sme, patent, "non_exclusive").state == DealState.REQUESTED


@pytest.mark.parametrize("kind", ["exclusive", "assignment"])
def test_with_the_consent_recorded_the_request_is_allowed(patent, pledge, consent, sme,
                                                          university, kind):
    made = pledge(patent)
    first = _request(sme, patent, "non_exclusive")
    consent(first, made)
    assert _request(sme, patent, kind).state == DealState.REQUESTED


def test_a_released_pledge_no_longer_needs_consent(patent, pledge, sme, centre):
    made = pledges.release(pledge(patent), centre, released_on=date(2026, 3, 1))
    commit()
    assert made.is_released and made.released_by_user_id == centre.id
    assert _request(sme, patent).state == DealState.REQUESTED


def test_the_licensor_cannot_accept_after_a_pledge_until_the_consent(patent, pledge, consent,
                                                                     sme, university):
    deal = _request(sme, patent)  # before the pledge
    made = pledge(patent)
    with pytest.raises(PledgeeConsentMissing):
        deals.accept(deal, university)
    db.session.rollback()
    assert db.session.get(type(deal), deal.id).state == DealState.REQUESTED
    consent(deal, made)
    deals.accept(deal, university)
    assert deal.state == DealState.ACCEPTED


def test_the_licensee_cannot_accept_a_counter_offer_without_consent(patent, pledge, sme,
                                                                    university):
    offer = _offer(patent, "non_exclusive")
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    pledge(patent)
    deals.counter(deal, university, proposal_of(offer, licence_kind="sole"), "独占改排他")
    commit()
    with pytest.raises(PledgeeConsentMissing):
        deals.accept(deal, sme)


def test_the_last_signature_cannot_conclude_without_consent(patent, pledge, consent, sme,
                                                            university):
    deal = _request(sme, patent)
    deals.accept(deal, university)
    sign_contract(deal, sme)
    commit()
    made = pledge(patent)  # registered while the contract waited for signatures
    with pytest.raises(PledgeeConsentMissing):
        sign_contract(deal, university)
    db.session.rollback()
    consent(deal, made)
    sign_contract(deal, university)
    assert deal.state == DealState.CONCLUDED


def test_each_pledgee_must_consent(patent, pledge, consent, sme, university):
    first, second = pledge(patent), pledge(patent, pledged_on=date(2026, 2, 1))
    deal = _request(sme, patent, "non_exclusive")
    consent(deal, first)
    with pytest.raises(PledgeeConsentMissing) as caught:
        _request(sme, patent)
    assert format_date(date(2026, 2, 1)) in str(caught.value.message)
    db.session.rollback()
    consent(deal, second)
    assert _request(sme, patent).state == DealState.REQUESTED


def test_only_the_patent_holder_or_the_centre_records_consent(patent, pledge, consent, sme,
                                                              centre, make_user):
    made = pledge(patent)
    deal = _request(sme, patent, "non_exclusive")
    with pytest.raises(PermissionDenied):
        consent(deal, made, user=sme)
    db.session.rollback()
    with pytest.raises(NotFound):
        consent(deal, made, user=make_user(kind=OrgKind.UNIVERSITY))
    db.session.rollback()
    assert consent(deal, made, user=centre).uploaded_by_user_id == centre.id
    assert _audit("pledge.consent_recorded")[0].details["deal_id"] == deal.id


def test_the_consent_must_be_a_scan_or_pdf_of_a_registered_pledge(patent, pledge, sme,
                                                                  university, centre):
    made = pledge(patent)
    deal = _request(sme, patent, "non_exclusive")
    with pytest.raises(ServiceError) as caught:
        pledges.record_consent(deal, university, pledge_id=made.id, filename="a.pdf",
                               data=b"MZ not a pdf")
    assert caught.value.field == "consent"
    other = pledges.record(centre, pledgor="某公司", bank="中国银行",
                           application_numbers=["97101765.4"], amount_fen=100,
                           pledged_on=date(2026, 2, 1))
    with pytest.raises(ServiceError) as caught:
        pledges.record_consent(deal, university, pledge_id=other.id, filename="a.pdf", data=PDF)
    assert caught.value.code == "no_pledge"


# --- release ----------------------------------------------------------------------------------

def test_release_is_the_centres_once_and_not_before_the_pledge(patent, pledge, centre,
                                                               university):
    made = pledge(patent)
    with pytest.raises(PermissionDenied):
        pledges.release(made, university, released_on=date(2026, 3, 1))
    with pytest.raises(ServiceError) as caught:
        pledges.release(made, centre, released_on=date(2025, 12, 31))
    assert caught.value.field == "released_on"
    with pytest.raises(ServiceError):
        pledges.release(made, centre, released_on=local_today() + timedelta(days=1))
    pledges.release(made, centre, released_on=date(2026, 3, 1))
    with pytest.raises(ServiceError) as caught:
        pledges.release(made, centre, released_on=date(2026, 3, 2))
    assert caught.value.code == "released"
    rows = _audit("pledge.released")
    assert [(r.actor_user_id, r.details["released_on"]) for r in rows] == \
        [(centre.id, "2026-03-01")]


# --- technology contract registration ---------------------------------------------------------

@pytest.fixture()
def concluded(patent, sme, university):
    deal = _request(sme, patent, "non_exclusive")
    deals.accept(deal, university)
    sign_contract(deal, sme, university)
    commit()
    return deal


def test_either_party_records_the_registration_after_conclusion(concluded, sme, university):
    today = local_today()
    tech_contracts.record(concluded, sme, number="2026 2101 0300 0123", registered_on=today)
    row = tech_contracts.record(concluded, university, number="2026210103000124",
                                registered_on=today)
    assert db.session.scalars(select(TechContractRegistration)).all() == [row]
    assert (row.number, row.recorded_by_user_id) == ("2026210103000124", university.id)
    audits = _audit("deal.tech_contract_registered")
    assert audits[-1].details["before"]["number"] == "2026210103000123"


def test_registration_refusals(concluded, patent, sme, university, centre, make_user):
    today = local_today()
    with pytest.raises(PermissionDenied):
        tech_contracts.record(concluded, centre, number="2026210103000123", registered_on=today)
    with pytest.raises(NotFound):
        tech_contracts.record(concluded, make_user(kind=OrgKind.SME), number="2026210103000123",
                              registered_on=today)
    for number, day, field in (("12", today, "number"), ("登记号123456", today, "number"),
                               ("2026210103000123", today + timedelta(days=1), "registered_on"),
                               ("2026210103000123", date(2020, 1, 1), "registered_on")):
        with pytest.raises(ServiceError) as caught:
            tech_contracts.record(concluded, sme, number=number, registered_on=day)
        assert caught.value.field == field, number
    waiting = _request(sme, patent, "non_exclusive")
    with pytest.raises(ServiceError) as caught:
        tech_contracts.record(waiting, sme, number="2026210103000123", registered_on=today)
    assert caught.value.code == "not_concluded"


def test_the_relief_note_depends_on_the_kind_and_term(concluded, app):
    assert "5" in str(tech_contracts.relief_note(concluded))  # a 5-year licence: income tax too
    assert "企业所得税" in str(tech_contracts.relief_note(concluded)) or \
        "corporate income tax" in str(tech_contracts.relief_note(concluded))
    concluded.term_years = 3
    short = str(tech_contracts.relief_note(concluded))
    assert "5" in short and ("VAT" in short or "增值税" in short)


def test_the_centre_records_a_consent_before_any_deal(patent, pledge, centre, university, sme):
    made = pledge(patent)
    with pytest.raises(PermissionDenied):
        pledges.record_consent_by_centre(made, university, patent_id=patent.id,
                                         filename="同意书.pdf", data=PDF)
    with pytest.raises(ServiceError) as caught:
        pledges.record_consent_by_centre(made, centre, patent_id=patent.id + 999,
                                         filename="同意书.pdf", data=PDF)
    assert caught.value.code == "no_pledge"
    pledges.record_consent_by_centre(made, centre, patent_id=patent.id, filename="同意书.pdf",
                                     data=PDF)
    commit()
    assert _request(sme, patent, "assignment").state == DealState.REQUESTED
