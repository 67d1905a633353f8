"""The deal services: both paths, payments, the ledger, exclusivity, the clock, recording."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from market.domain.dates import local_date, local_today
from market.domain.terms import add_months
from market.extensions import db
from market.models import (
    DealEvent,
    DealState,
    LedgerEntry,
    LegalStatus,
    LicenceKind,
    ListingChange,
    ListingStatus,
    Notification,
    OfferKind,
    OrgKind,
    OrgStatus,
    OutboxEmail,
    ScheduleStatus,
)
from market.models.base import utcnow
from market.services import deals, ledger, listings, payments, recording
from market.services.deal_rules import ExclusivityConflict
from market.services.errors import FieldErrors, NotFound, PermissionDenied, ServiceError
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, PAID_OPEN, details_of, proposal_of, sign_contract
from .conftest import refetch

pytestmark = pytest.mark.db


def ledger_rows(deal):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)
                              .order_by(LedgerEntry.id)).all()


def test_free_open_licence_concludes_at_once(make_listing, university, take, sme):
    patent = make_listing(university.org)
    deal = refetch(take(patent.offers[0]))
    assert deal.state == DealState.CONCLUDED
    assert deal.contract_number.startswith("SYIP-") and deal.contract_number.endswith(f"{deal.id:06d}")
    assert [e.action for e in deal.events] == ["take_open", "sign", "conclude"]
    notice = deal.events[0].payload["notice"]
    assert sme.org.name in notice and patent.patent_number in notice and "第五十一条" in notice
    [row] = ledger_rows(deal)
    assert (row.sign, row.kind, row.open_licence, row.fast_licence, row.contract_value_fen) == (
        1, "licence", True, True, 0)
    assert row.licensee_is_sme and row.licensor_is_university and row.industry == "new_materials"
    assert row.district == sme.org.district and row.patent_ids == [patent.id]
    assert row.days_to_conclusion == 0
    # the patentee is told (inbox + email to its admins); the licensee learns of the conclusion
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == university.id)).all()
    assert "open_licence_notice" in kinds and "deal_concluded" in kinds
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.to_address == university.email)) >= 1


def test_paid_open_licence_is_concluded_by_the_signature_then_paid(make_listing, university,
                                                                   take):
    patent = make_listing(university.org, offers=[PAID_OPEN])
    unsigned = refetch(take(patent.offers[0], sign=False))
    assert unsigned.state == DealState.ACCEPTED and unsigned.contract_number is None
    assert unsigned.schedule == [] and ledger_rows(unsigned) == []  # nothing due before signing
    deals.withdraw(unsigned, unsigned.licensee.users[0])
    commit()
    deal = refetch(take(patent.offers[0]))
    assert deal.state == DealState.CONCLUDED and deal.contract_number
    [item] = deal.schedule
    assert (item.kind, item.amount_fen, item.status) == ("upfront", 1_000_000, ScheduleStatus.DUE)
    assert item.reference.startswith("SYIP-P-")
    assert item.due_on == local_date(deal.concluded_at)  # counted from the conclusion
    assert len(ledger_rows(deal)) == 1 and ledger_rows(deal)[0].contract_value_fen == 1_000_000
    with pytest.raises(ServiceError):
        deals.confirm_payment(item, amount_fen=999, currency="CNY", paid_at=utcnow(),
                              reference="bank-1")
    db.session.rollback()
    item = refetch(item)
    assert deals.confirm_payment(item, amount_fen=1_000_000, currency="CNY", paid_at=utcnow(),
                                 reference="bank-1")
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and deal.events[-1].action == "conclude"
    assert deal.schedule[0].status == ScheduleStatus.PAID and len(ledger_rows(deal)) == 1
    # a replayed confirmation changes nothing
    assert not deals.confirm_payment(deal.schedule[0], amount_fen=1_000_000, currency="CNY",
                                     paid_at=utcnow(), reference="bank-1")
    commit()
    assert len(ledger_rows(deal)) == 1


def test_request_counter_accept(requested, university, sme, agree):
    deal = requested()
    assert deal.state == DealState.REQUESTED and deal.messages[0].body == "我们希望获得许可。"
    deals.counter(deal, university, proposal_of(deal.offer, royalty_bp=500), "提成 5%。")
    commit()
    assert deal.state == DealState.COUNTERED and deal.royalty_bp == 500
    assert deal.proposed_by == "licensor"
    # the SME counters back: the ball is in the university's court again
    deals.counter(deal, sme, proposal_of(deal.offer, royalty_bp=400), "4% 如何？")
    commit()
    assert deal.state == DealState.REQUESTED
    deals.counter(deal, university, proposal_of(deal.offer, royalty_bp=450))
    commit()
    agree(deal, sme)
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and deal.royalty_bp == 450
    assert deal.licence_kind == LicenceKind.EXCLUSIVE
    assert [e.action for e in deal.events] == ["request", "counter", "counter", "counter",
                                               "accept", "sign", "sign", "conclude"]
    assert len(ledger_rows(deal)) == 1


def test_decline_needs_a_reason_and_withdraw(requested, university, sme):
    deal = requested()
    with pytest.raises(ServiceError):
        deals.decline(deal, university, "  ")
    db.session.rollback()
    deals.decline(deal, university, "已与他人洽谈")
    commit()
    assert deal.state == DealState.DECLINED and deal.events[-1].payload["reason"] == "已与他人洽谈"
    other = requested()
    with pytest.raises(deals.TransitionNotAllowed):
        deals.withdraw(other, university)  # the university did not propose
    db.session.rollback()
    deals.withdraw(refetch(other), sme)
    commit()
    assert refetch(other).state == DealState.WITHDRAWN


def test_terms_are_validated(requested):
    with pytest.raises(FieldErrors) as info:
        requested(royalty_bp=10001, term_years=0)  # above 100 % of its base
    assert {e.field for e in info.value.errors} >= {"royalty_bp", "term_years"}


def test_pending_sme_and_strangers_cannot_act(make_user, make_listing, university, requested):
    pending = make_user(kind="sme", status=OrgStatus.PENDING)
    offer = make_listing(university.org).offers[0]
    with pytest.raises(PermissionDenied):
        deals.take_open(pending, offer, details_of(pending))
    deal = requested()
    with pytest.raises(NotFound):
        deals.accept(deal, make_user(kind="university"))
    with pytest.raises(PermissionDenied):
        deals.take_open(university, offer, details_of(university))


def test_credit_code_must_match(make_listing, university, sme):
    offer = make_listing(university.org).offers[0]
    with pytest.raises(ServiceError) as info:
        deals.take_open(sme, offer, details_of(sme, credit_code="91210100MA0000000X"))
    assert info.value.field == "credit_code"


def test_double_accept_creates_one_event(countered, sme, university):
    deal = countered()
    stale = refetch(deal)  # the second tab, loaded before the first click
    deals.accept(deal, sme)
    sign_contract(deal, university, sme)
    commit()
    with pytest.raises(deals.TransitionNotAllowed) as info:
        deals.accept(stale, sme)
    db.session.rollback()
    assert "不再" in str(info.value.message) or "no longer" in str(info.value.message)
    deal = refetch(deal)
    assert [e.action for e in deal.events].count("accept") == 1
    assert len(ledger_rows(deal)) == 1


def test_stale_version_is_refused(countered, sme):
    deal = countered()
    db.session.execute(db.text("UPDATE deal SET version = version + 1 WHERE id = :id"),
                       {"id": deal.id})
    with pytest.raises(deals.TransitionNotAllowed):
        # skipping lock(): the version column still refuses the stale write
        deals.transition(deal, "accept", actor=sme, role="licensee")
    db.session.rollback()


def test_cancelled_concluded_deal_is_reversed(make_listing, university, take, centre, sme):
    patent = make_listing(university.org, offers=[{**PAID_OPEN, "upfront_fee_fen": 500_000}])
    # concluded by the signature (ledger row), then paid
    free = take(make_listing(university.org).offers[0])
    deal = take(patent.offers[0])
    deals.confirm_payment(deal.schedule[0], actor=centre, amount_fen=500_000, currency="CNY",
                          paid_at=utcnow(), reference="offline")
    commit()
    assert ledger.totals() == {"deals": 2, "value_fen": 500_000}
    with pytest.raises(deals.TransitionNotAllowed):
        deals.cancel(deal, sme)  # only the centre cancels a concluded contract
    db.session.rollback()
    deals.cancel(refetch(deal), centre, "合同无效")
    commit()
    original, reversal = ledger_rows(deal)
    assert (original.sign, original.contract_value_fen) == (1, 500_000)
    assert (reversal.sign, reversal.contract_value_fen, reversal.reverses_id) == (
        -1, -500_000, original.id)
    assert reversal.entry == "reversal" and reversal.contract_number == original.contract_number
    assert ledger.totals() == {"deals": 1, "value_fen": 0}
    assert len(ledger_rows(free)) == 1


def test_open_licence_rules_out_exclusive(make_listing, university, sme, make_user):
    patent = make_listing(university.org, offers=[{"kind": OfferKind.OPEN_LICENCE}, EXCLUSIVE])
    with pytest.raises(ExclusivityConflict):
        deals.request_deal(sme, patent.offers[1], proposal_of(patent.offers[1]))


def test_exclusive_in_force_blocks_other_licences(make_listing, university, sme, make_user,
                                                  countered):
    patent = make_listing(university.org, offers=[EXCLUSIVE, {
        "kind": OfferKind.LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE, "royalty_bp": 100}])
    deal = countered(patent.offers[0], field_of_use="电池")
    other = countered(patent.offers[1], make_user(kind="sme"), field_of_use="电池")
    deals.accept(deal, sme)
    commit()
    with pytest.raises(ExclusivityConflict):
        deals.accept(other, other.licensee.users[0])
    db.session.rollback()
    assert refetch(other).state == DealState.COUNTERED
    # another field of use is fine for a second exclusive licence
    third = countered(patent.offers[0], make_user(kind="sme"), field_of_use="医疗器械")
    deals.accept(third, third.licensee.users[0])
    commit()


def test_assignment_ends_licensing(make_listing, university, sme, make_user, take, agree):
    patent = make_listing(university.org, offers=[
        {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 0},
        {"kind": OfferKind.OPEN_LICENCE}])
    buyer = make_user(kind="sme")
    deal = deals.request_deal(buyer, patent.offers[0], {"price_fen": 100_000_00}, "收购")
    commit()
    deals.accept(deal, university)
    commit()
    assert deal.state == DealState.ACCEPTED and deal.schedule == []
    sign_contract(deal, buyer, university)
    commit()
    assert deal.state == DealState.CONCLUDED
    [item] = deal.schedule
    assert item.kind == "assignment_price"
    deals.confirm_payment(item, amount_fen=100_000_00, currency="CNY", paid_at=utcnow(),
                          reference="t")
    commit()
    [row] = ledger_rows(deal)
    assert row.kind == "assignment" and row.contract_value_fen == 100_000_00
    with pytest.raises(NotFound):  # the open licence was withdrawn with the sale
        deals.take_open(sme, patent.offers[1], details_of(sme))


def test_flag_stale_then_expire(requested, university, sme, centre):
    deal = requested()
    deal.state_changed_at = utcnow() - timedelta(days=15)  # the clock, not the state
    commit()
    assert deals.flag_stale() == {"flagged": 1, "expired": 0, "ended": 0, "overdue": 0}
    commit()
    assert deals.flag_stale()["flagged"] == 0  # once per state
    deal = refetch(deal)
    assert deal.state == DealState.REQUESTED and deal.events[-1].action == "flag_stale"
    for user in (university, sme, centre):
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.kind == "deal_stale")) == 1
    deal.state_changed_at = utcnow() - timedelta(days=31)
    commit()
    assert deals.flag_stale()["expired"] == 1
    commit()
    assert refetch(deal).state == DealState.EXPIRED


def test_overdue_payment_is_flagged_once(make_listing, university, take):
    deal = take(make_listing(university.org, offers=[PAID_OPEN]).offers[0])
    deal = refetch(deal)
    deal.schedule[0].due_on = local_today() - timedelta(days=3)
    commit()
    assert deal.schedule[0].is_overdue
    assert deals.flag_stale()["overdue"] == 1
    commit()
    assert deals.flag_stale()["overdue"] == 0


def test_flag_stale_cli(runner, requested):
    deal = requested()
    deal.state_changed_at = utcnow() - timedelta(days=20)
    commit()
    result = runner.invoke(args=["deals", "flag-stale"])
    assert result.exit_code == 0, result.output
    assert "flagged 1" in result.output
    assert refetch(deal).events[-1].action == "flag_stale"


def test_recording_checklist(make_listing, university, take, sme):
    patent = make_listing(university.org)
    deal = take(patent.offers[0])
    checks = recording.checklist(deal)
    assert checks.days_left >= 89 and not checks.recorded and checks.problems == []
    patent.legal_status = LegalStatus.TERMINATED
    commit()
    assert recording.checklist(deal).problems
    with pytest.raises(PermissionDenied):
        deals.mark_recorded(deal, sme, "X")
    deals.mark_recorded(deal, university, "2026990000123")
    commit()
    assert recording.checklist(refetch(deal)).recorded


def test_event_rows_written_with_every_change(requested, university):
    deal = requested()
    deals.decline(deal, university, "no")
    commit()
    events = db.session.scalars(select(DealEvent).where(DealEvent.deal_id == deal.id)).all()
    assert [(e.from_state, e.to_state, e.actor_user_id) for e in events] == [
        (None, "requested", deal.events[0].actor_user_id), ("requested", "declined", university.id)]


def test_emails_carry_full_links_on_the_public_address(app, make_listing, university, take):
    """A mail reader cannot open "/deals/7": links in emails are full addresses, on
    PUBLIC_URL when set, whether the email was written in a request or by a command."""
    app.config["PUBLIC_URL"] = "https://ipmarket.shenyang.example/"
    patent = make_listing(university.org)
    deal = take(patent.offers[0])
    body = db.session.scalars(select(OutboxEmail.body).where(
        OutboxEmail.to_address == university.email)).first()
    assert f"https://ipmarket.shenyang.example/deals/{deal.id}" in body


def test_licence_term_ends_and_frees_the_exclusivity(make_listing, make_user, university,
                                                      sme, requested, agree):
    """An exclusive licence for one year: while in force a second one is refused; once its
    term is over the daily clock ends it (event, both sides told, ledger kept) and the
    patent can be licensed exclusively again."""
    offer = make_listing(university.org, offers=[{**EXCLUSIVE, "term_years": 1}]).offers[0]
    first = requested(offer)
    agree(first, university)
    other = make_user(kind=OrgKind.SME)
    with pytest.raises(ExclusivityConflict):
        requested(offer, other)
    db.session.rollback()
    first = refetch(first)
    # a year from the Shenyang day it concluded, up to the day before the anniversary
    assert first.in_force_until == add_months(local_date(first.concluded_at), 12) - timedelta(days=1)
    assert deals.flag_stale()["ended"] == 0  # in force today

    first.concluded_at -= timedelta(days=366)  # a year on
    commit()
    assert deals.flag_stale()["ended"] == 1
    commit()
    first = refetch(first)
    assert first.state == DealState.ENDED and first.events[-1].action == "end_term"
    assert first.events[-1].payload["ended_on"] == first.term_ends_on.isoformat()
    for user in (university, sme):
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.kind == "deal_ended")) == 1
    assert len(ledger_rows(first)) == 1  # a concluded deal stays counted
    assert deals.flag_stale()["ended"] == 0  # once
    second = requested(offer, other)
    agree(second, university)
    assert refetch(second).state == DealState.CONCLUDED


def test_licence_ends_with_the_patent_and_assignments_never_end(make_listing, university,
                                                                 take, requested, agree):
    patent = make_listing(university.org)
    licence = take(patent.offers[0])
    start = local_date(licence.concluded_at)  # the expected start given (1 Jan 2026) is earlier
    assert licence.expected_start < start
    assert licence.in_force_until == min(
        add_months(start, 12 * patent.offers[0].term_years), patent.expiry_date) \
        - timedelta(days=1)
    later = take(make_listing(university.org).offers[0], expected_start=start.replace(
        year=start.year + 1))  # starts using it next year: the term runs from then
    assert later.in_force_until == min(add_months(later.expected_start, 12 * later.term_years),
                                       later.patent.expiry_date) - timedelta(days=1)
    sold = requested(make_listing(university.org, offers=[
        {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}]).offers[0])
    agree(sold, university)
    payments.confirm_receipt(sold.schedule[0], university, amount_fen=100_000_00,
                             received_on=local_today(), bank_reference="BANK-ASSIGN-1")
    commit()
    sold = refetch(sold)
    assert sold.state == DealState.CONCLUDED and sold.term_ends_on is None
    sold.concluded_at -= timedelta(days=3650)
    patent.expiry_date = local_today()  # the patent lapses today
    commit()
    assert deals.flag_stale()["ended"] == 1
    commit()
    assert (refetch(licence).state, refetch(sold).state) == (DealState.ENDED, sold.state)


def test_concluded_assignment_takes_the_listing_off_the_market(app, make_listing, university,
                                                               requested, agree):
    """Once the patent is sold its owner has nothing left to offer: every offer is withdrawn,
    the listing leaves the market and the search index, and it cannot be published again."""
    patent = make_listing(university.org, offers=[
        {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}, EXCLUSIVE])
    app.extensions["market.search"].sync()
    assert app.extensions["market.search"].search(patent.title).total == 1
    sold = requested(patent.offers[0])
    agree(sold, university)
    payments.confirm_receipt(sold.schedule[0], university, amount_fen=100_000_00,
                             received_on=local_today(), bank_reference="BANK-ASSIGN-2")
    commit()
    patent = refetch(patent)
    assert patent.status == ListingStatus.WITHDRAWN and patent.active_offers == []
    assert app.extensions["market.search"].search(patent.title).total == 0
    change = db.session.scalars(select(ListingChange).where(
        ListingChange.patent_id == patent.id, ListingChange.action == "assigned")).one()
    assert change.after == {"status": "withdrawn", "contract": refetch(sold).contract_number}
    with pytest.raises(ServiceError, match="已转让"):
        listings.publish(university, patent)


def test_every_deal_event_has_its_audit_row(make_listing, university, sme, take, countered,
                                            requested, centre, agree):
    """The audit log covers every deal action, the platform's too: one row per event."""
    from market.models import AuditEvent
    deal = countered()
    agree(deal, sme)
    take(make_listing(university.org).offers[0])
    declined = requested()
    deals.decline(declined, university, "已另行授权")
    stale = requested()
    stale.state_changed_at = utcnow() - timedelta(days=31)
    commit()
    deals.flag_stale()
    deals.cancel(refetch(deal), centre, "重复交易")
    commit()
    events = db.session.execute(select(DealEvent.deal_id, DealEvent.action)).all()
    audited = db.session.execute(select(AuditEvent.target_id, AuditEvent.action).where(
        AuditEvent.target_type == "Deal", AuditEvent.action.like("deal.%"))).all()
    assert {"counter", "accept", "sign", "conclude", "take_open", "decline", "expire",
            "cancel"} <= {
        action for _, action in events}
    assert sorted((d, f"deal.{a}") for d, a in events) == sorted(
        (d, a) for d, a in audited if a not in ("deal.payment", "deal.recorded"))


def test_assignment_closes_the_requests_still_waiting(make_listing, make_user, university,
                                                      requested, agree):
    """A licence request (and a counter-offer) still open when the patent is sold are closed
    with the sale, and both sides are told why; nothing else on the patent changes."""
    patent = make_listing(university.org, offers=[
        {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}, EXCLUSIVE])
    waiting = requested(patent.offers[1])
    countered = requested(patent.offers[1], make_user(kind=OrgKind.SME))
    deals.counter(countered, university, proposal_of(countered.offer), "提成 5%。")
    sold = requested(patent.offers[0], make_user(kind=OrgKind.SME))
    agree(sold, university)
    payments.confirm_receipt(sold.schedule[0], university, amount_fen=100_000_00,
                             received_on=local_today(), bank_reference="BANK-ASSIGN-3")
    commit()
    for deal in (waiting, countered):
        deal = refetch(deal)
        assert deal.state == DealState.DECLINED and deal.events[-1].action == "close"
        assert deal.events[-1].payload == {"assignment": refetch(sold).contract_number}
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "deal_closed",
            Notification.user_id.in_([u.id for u in deal.licensee.users]))) == 1
    assert refetch(sold).state == DealState.CONCLUDED
