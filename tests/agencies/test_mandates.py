"""Mandates and brokers on deals: a broker acts for its principal only under a live mandate
(none, revoked or ended: refused, at once), within its scope (negotiation only opens no
request), and never signs; the deal and its ledger row record the broker's agency."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    DealEvent,
    DealState,
    LedgerEntry,
    Mandate,
    MandateEvent,
    MandateScope,
    OrgKind,
    OrgStatus,
)
from market.services import agencies, agency_register, deals, mandates
from market.services.errors import NotFound, PermissionDenied, ServiceError
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, proposal_of, sign_contract

pytestmark = pytest.mark.db


@pytest.fixture()
def broker(make_user):
    """The admin of a verified IP service agency."""
    return make_user(kind=OrgKind.AGENCY, name="沈阳知桥知识产权服务有限公司",
                     user_name="赵经纪")


@pytest.fixture()
def offer(make_listing, university):
    return make_listing(university.org, offers=[EXCLUSIVE]).offers[0]


def grant(principal_admin, broker, scope=MandateScope.NEGOTIATE_AND_DRAFT, **fields):
    today = local_today()
    mandate = mandates.grant(principal_admin, broker.org, scope=scope,
                             valid_from=fields.pop("valid_from", today),
                             valid_until=fields.pop("valid_until", today + timedelta(days=90)),
                             **fields)
    commit()
    return mandate


def broker_request(broker, offer, principal, **changes):
    deal = deals.request_deal(broker, offer, proposal_of(offer, **changes), "代委托方申请。",
                              for_org=principal.org)
    commit()
    return deal


# --- granting and revoking ------------------------------------------------------------------

def test_grant_and_revoke_are_recorded_as_events(sme, broker):
    mandate = grant(sme, broker, fee_fen=500_000)
    mandates.revoke(sme, mandate, "改由自己谈判")
    commit()
    events = db.session.scalars(select(MandateEvent).where(
        MandateEvent.mandate_id == mandate.id).order_by(MandateEvent.id)).all()
    assert [(e.action, e.actor_user_id) for e in events] == [("granted", sme.id),
                                                               ("revoked", sme.id)]
    assert events[0].payload["fee_fen"] == 500_000
    assert events[1].payload["reason"] == "改由自己谈判"
    with pytest.raises(ServiceError):
        mandates.revoke(sme, mandate)  # once


def test_only_a_principals_admin_grants_to_a_verified_agency(sme, broker, make_user, make_org):
    colleague = make_user(sme.org, admin=False)
    with pytest.raises(PermissionDenied):
        grant(colleague, broker)
    with pytest.raises(PermissionDenied):  # an agency is no principal
        grant(make_user(kind=OrgKind.AGENCY), broker)
    pending = make_user(kind=OrgKind.AGENCY, status=OrgStatus.PENDING)
    with pytest.raises(ServiceError) as refused:
        grant(sme, pending)
    assert refused.value.field == "agency"
    with pytest.raises(ServiceError) as refused:
        grant(sme, broker, valid_from=local_today(), valid_until=local_today() - timedelta(1))
    assert refused.value.field == "valid_until"


def test_another_principal_cannot_revoke(sme, broker, make_user):
    mandate = grant(sme, broker)
    with pytest.raises(NotFound):
        mandates.revoke(make_user(kind=OrgKind.SME), mandate)


# --- opening a request for the principal ------------------------------------------------

def test_broker_opens_a_request_for_its_principal(sme, broker, offer):
    grant(sme, broker, fee_fen=300_000)
    deal = broker_request(broker, offer, sme)
    assert deal.state == DealState.REQUESTED
    assert (deal.licensee_org_id, deal.broker_org_id, deal.broker_user_id,
            deal.broker_fee_fen) == (sme.org_id, broker.org_id, broker.id, 300_000)
    event = db.session.scalars(select(DealEvent).where(DealEvent.deal_id == deal.id)).one()
    assert (event.actor_user_id, event.actor_role) == (broker.id, "licensee")
    assert event.payload["broker_org_id"] == broker.org_id


def test_without_a_mandate_the_broker_is_refused(sme, broker, offer):
    with pytest.raises(PermissionDenied):
        broker_request(broker, offer, sme)


@pytest.mark.parametrize("case", ["revoked", "ended", "not_started", "other_patent",
                                  "negotiate_only", "other_principal"])
def test_a_mandate_that_does_not_cover_the_request_refuses_it(
        case, sme, broker, offer, make_listing, university, make_user):
    today = local_today()
    fields = {
        "ended": dict(valid_from=today - timedelta(30), valid_until=today - timedelta(1)),
        "not_started": dict(valid_from=today + timedelta(1), valid_until=today + timedelta(30)),
        "other_patent": dict(patent_ids=[make_listing(university.org).id]),
        "negotiate_only": dict(scope=MandateScope.NEGOTIATE),
    }.get(case, {})
    if case == "ended":  # a mandate cannot be granted already ended: let it run out
        mandate = grant(sme, broker)
        mandate.valid_from, mandate.valid_until = fields["valid_from"], fields["valid_until"]
        commit()
    else:
        mandate = grant(make_user(kind=OrgKind.SME) if case == "other_principal" else sme,
                        broker, **fields)
    if case == "revoked":
        mandates.revoke(sme, mandate)
        commit()
    with pytest.raises(PermissionDenied):
        broker_request(broker, offer, sme)


def test_a_mandate_limited_to_the_patent_covers_it(sme, broker, offer):
    grant(sme, broker, patent_ids=[offer.patent_id])
    assert broker_request(broker, offer, sme).broker_org_id == broker.org_id


def test_a_broker_requests_only_for_an_sme(university, broker, make_listing, make_user):
    other_university = make_user(kind=OrgKind.UNIVERSITY)
    offer = make_listing(other_university.org, offers=[EXCLUSIVE]).offers[0]
    grant(university, broker)
    with pytest.raises(PermissionDenied):
        broker_request(broker, offer, university)


# --- negotiating, and never signing ------------------------------------------------------

def test_broker_negotiates_but_never_signs_and_the_principal_concludes(
        sme, broker, offer, university):
    grant(sme, broker, fee_fen=200_000)
    deal = broker_request(broker, offer, sme)
    deals.counter(deal, university, proposal_of(offer, royalty_bp=500), "提成 5%。")
    commit()
    assert deals.allowed_actions(deal, broker) == ["accept", "counter", "decline"]
    deals.accept(deal, broker)  # the broker agrees the terms for the SME
    commit()
    assert deal.state == DealState.ACCEPTED
    with pytest.raises(PermissionDenied):
        sign_contract(deal, broker)
    # the centre's register and the agency's own record count the same thing: deals
    # brought to conclusion (from the ledger), not requests still open
    assert agency_register.record_of(broker.org).get("deals_brokered") == 0
    sign_contract(deal, university, sme)
    commit()
    assert deal.state == DealState.CONCLUDED
    row = db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)).one()
    assert row.broker_org_id == broker.org_id
    assert agencies.record_of(broker.org_id).deals_brokered == 1
    assert agency_register.record_of(broker.org)["deals_brokered"] == 1


def test_a_negotiate_only_mandate_cannot_sign(sme, broker, offer, university):
    mandate = grant(sme, broker)
    deal = broker_request(broker, offer, sme)
    mandates.revoke(sme, mandate)
    grant(sme, broker, scope=MandateScope.NEGOTIATE)
    deals.accept(deal, university)
    commit()
    assert deals.broker_role(deal, broker) == "licensee"
    with pytest.raises(PermissionDenied):
        sign_contract(deal, broker)
    assert deal.state == DealState.ACCEPTED


def test_revocation_takes_effect_at_once(sme, broker, offer, university):
    mandate = grant(sme, broker)
    deal = broker_request(broker, offer, sme)
    deals.counter(deal, university, proposal_of(offer, royalty_bp=500), "")
    commit()
    mandates.revoke(sme, mandate)
    commit()
    assert deals.viewer_role(deal, broker) is None
    assert deals.allowed_actions(deal, broker) == []
    with pytest.raises(NotFound):
        deals.accept(deal, broker)
    assert deal.state == DealState.COUNTERED
    deals.accept(deal, sme)  # the principal carries on itself
    commit()
    assert deal.state == DealState.ACCEPTED


def test_another_agencys_member_is_a_stranger(sme, broker, offer, make_user):
    grant(sme, broker)
    deal = broker_request(broker, offer, sme)
    other = make_user(kind=OrgKind.AGENCY)
    grant(sme, other)  # a mandate of the same principal, but not this deal's broker
    assert deals.viewer_role(deal, other) is None
    with pytest.raises(NotFound):
        deals.withdraw(deal, other)


def test_the_agency_code_is_five_digits():
    assert agencies.check_agency_code(" ２１１０１ ") == "21101"
    assert agencies.check_agency_code("") is None
    for bad in ("2110", "211011", "21A01"):
        with pytest.raises(ServiceError) as refused:
            agencies.check_agency_code(bad)
        assert refused.value.field == "cnipa_agency_code"


def _notified(org, kind) -> list[str]:
    from market.models import Notification, User
    return list(db.session.scalars(select(Notification.title).join(
        User, User.id == Notification.user_id).where(User.org_id == org.id,
                                                     Notification.kind == kind)))


def test_broker_and_principal_hear_of_each_others_moves(sme, broker, offer, university):
    mandate = grant(sme, broker)
    deal = broker_request(broker, offer, sme)
    assert _notified(sme.org, "deal_broker")  # the broker's request, told to the SME
    deals.counter(deal, university, proposal_of(offer, royalty_bp=500), "")
    commit()
    assert _notified(broker.org, "deal_broker")  # the university's counter, told to the broker
    deals.post_message(deal, broker, "委托方考虑中。")
    commit()
    assert _notified(university.org, "deal_message") and not _notified(sme.org, "deal_message")
    deals.accept(deal, broker)
    commit()
    assert any("签署" in title or "signature" in title
               for title in _notified(sme.org, "deal_accepted"))
    before = len(_notified(broker.org, "deal_broker"))
    mandates.revoke(sme, mandate)
    sign_contract(deal, university)
    commit()
    assert len(_notified(broker.org, "deal_broker")) == before  # revoked: told nothing more


def test_the_patentees_broker_answers_a_request_for_it(sme, broker, offer, university):
    """A university mandates an agency on its patent: an SME's request records the agency,
    whose broker counters for the university; after revocation it is refused."""
    mandate = grant(university, broker, scope=MandateScope.NEGOTIATE,
                    patent_ids=[offer.patent_id])
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    assert (deal.broker_org_id, deal.broker_user_id) == (broker.org_id, None)
    assert deals.broker_role(deal, broker) == "licensor"
    deals.counter(deal, broker, proposal_of(offer, royalty_bp=600), "提成 6%。")
    commit()
    assert deal.state == DealState.COUNTERED and deal.proposed_by == "licensor"
    mandates.revoke(university, mandate)
    commit()
    with pytest.raises(NotFound):
        deals.withdraw(deal, broker)


def test_a_patent_outside_the_licensors_mandate_has_no_broker(sme, broker, offer, university,
                                                              make_listing):
    grant(university, broker, patent_ids=[make_listing(university.org).id])
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    assert deal.broker_org_id is None


def test_mandate_events_cannot_be_changed_or_deleted(sme, broker):
    mandate = grant(sme, broker)
    granted = mandate.events[0]
    granted.action = "revoked"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(MandateEvent, granted.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(MandateEvent, granted.id).action == "granted"


def test_the_same_grant_sent_twice_grants_once(sme, broker):
    """A double submit of the grant form makes one mandate; other terms make another."""
    first, again = grant(sme, broker), grant(sme, broker)
    other = grant(sme, broker, scope=MandateScope.NEGOTIATE)
    assert again.id == first.id and other.id != first.id
    assert len(db.session.scalars(select(Mandate).where(
        Mandate.principal_org_id == sme.org_id)).all()) == 2
