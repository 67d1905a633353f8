"""The append-only transaction record. One ``conclusion`` row per concluded deal; a cancelled
concluded deal gets one ``reversal`` row (sign -1, the deal's remaining value negated); a
refunded payment of a concluded deal a ``refund`` row (sign 0, the amount negated); a royalty
the licensor confirms receiving a ``royalty`` row (sign 0, the royalty counted); the CNIPA
recording of a licence or registration of an assignment a ``registration`` row, which only
the registration-date view counts. Rows are never updated or deleted: indicators are sums
over them.

Every correcting row carries the dates of the row it corrects in the views that date by
the deal (``deal_on``, ``registered_on``) and its own booking date (``concluded_on``): a
cancellation lowers the year of the deal in the plan's view and the year it happened in
the booking view.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ..domain.dates import local_date  # the booking date is Shenyang's calendar day
from ..domain.terms import contract_value_fen, is_fast_licence_terms
from ..extensions import db
from ..models import Deal, LedgerEntry, OfferKind, OrgKind
from ..models.base import utcnow

CONCLUSION, REVERSAL, REFUND = "conclusion", "reversal", "refund"
ROYALTY, REGISTRATION = "royalty", "registration"
DEAL_ENTRIES = (CONCLUSION, REVERSAL, REFUND)  # the rows that make up a deal's fixed value


def deal_value_fen(deal: Deal) -> int:
    """The contract value the indicators count at conclusion: the price of an assignment,
    else the fixed sums of the licence terms (upfront fee + minimum royalties). Royalties
    above the minimum are counted as they are paid (``record_royalty``)."""
    if deal.kind == OfferKind.ASSIGNMENT:
        return deal.price_fen or 0
    return contract_value_fen(deal.terms())


def is_fast_licence(deal: Deal) -> bool:
    """The plan's fast licence: the one-time fee reduced, waived or deferred (or none)."""
    if deal.kind == OfferKind.ASSIGNMENT:
        return False
    return is_fast_licence_terms(deal.terms())


def record_conclusion(deal: Deal) -> LedgerEntry:
    """Book the concluded ``deal`` (its contract number and conclusion time must be set)."""
    licensor, licensee = deal.licensor, deal.licensee
    concluded_at = deal.concluded_at or utcnow()
    on = local_date(concluded_at)
    entry = LedgerEntry(
        deal_id=deal.id, entry=CONCLUSION, sign=1, contract_number=deal.contract_number,
        concluded_on=on, deal_on=on,
        kind="assignment" if deal.kind == OfferKind.ASSIGNMENT else "licence",
        licence_kind=None if deal.kind == OfferKind.ASSIGNMENT else
        (deal.licence_kind.value if deal.licence_kind else None),
        open_licence=deal.kind == OfferKind.OPEN_LICENCE, fast_licence=is_fast_licence(deal),
        contract_value_fen=deal_value_fen(deal), currency=deal.currency,
        licensor_org_id=licensor.id, licensor_kind=licensor.kind.value,
        licensee_org_id=licensee.id, licensee_kind=licensee.kind.value,
        licensee_is_sme=licensee.kind == OrgKind.SME,
        licensor_is_university=licensor.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
        broker_org_id=deal.broker_org_id, industry=deal.patent.industry, district=licensee.district,
        patent_ids=[deal.patent_id], patent_count=1,
        days_to_conclusion=max((concluded_at - deal.created_at).days, 0)
        if deal.created_at else None)
    db.session.add(entry)
    return entry


def _rows(deal_id: int) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal_id)
                                   .order_by(LedgerEntry.id)))


def _copy(original: LedgerEntry, **changes) -> LedgerEntry:
    copied = {column.key: getattr(original, column.key)
              for column in LedgerEntry.__table__.columns
              if column.key not in ("id", "created_at")}
    copied.update(changes)
    entry = LedgerEntry(**copied)
    db.session.add(entry)
    return entry


def _booked_today() -> date:
    return local_date(utcnow())


def _net_value(rows: list[LedgerEntry]) -> int:
    return sum(r.contract_value_fen for r in rows if r.entry in DEAL_ENTRIES)


def _registration(rows: list[LedgerEntry]) -> LedgerEntry | None:
    return next((r for r in rows if r.entry == REGISTRATION), None)


def record_reversal(deal: Deal) -> LedgerEntry | None:
    """Book the reversing row of ``deal``'s conclusion (None when it was never booked or was
    already reversed): the count back by one and the value still counted (net of refunds)
    negated, in the conclusion's year, its registration's year and on today's date."""
    rows = _rows(deal.id)
    original = next((r for r in rows if r.entry == CONCLUSION), None)
    if original is None or any(r.entry == REVERSAL for r in rows):
        return None
    registration = _registration(rows)
    return _copy(original, entry=REVERSAL, ref="", sign=-1, reverses_id=original.id,
                 contract_value_fen=-_net_value(rows), concluded_on=_booked_today(),
                 deal_on=original.deal_on,
                 registered_on=registration.registered_on if registration else None)


def record_refund(deal: Deal, amount_fen: int, ref: str) -> LedgerEntry | None:
    """Book a refund of ``amount_fen`` paid under the concluded ``deal`` (payment reference
    ``ref``, booked once): the value goes down, the count stays until the deal is cancelled.
    None when the deal was never booked, is already reversed, or ``ref`` was booked."""
    rows = _rows(deal.id)
    original = next((r for r in rows if r.entry == CONCLUSION), None)
    if original is None or amount_fen <= 0 or any(
            r.entry == REVERSAL or (r.entry == REFUND and r.ref == ref) for r in rows):
        return None
    registration = _registration(rows)
    return _copy(original, entry=REFUND, ref=ref[:40], sign=0, reverses_id=original.id,
                 contract_value_fen=-amount_fen, concluded_on=_booked_today(),
                 deal_on=original.deal_on,
                 registered_on=registration.registered_on if registration else None)


def record_registration(deal: Deal, registered_on: date) -> LedgerEntry | None:
    """Book the CNIPA recording (licence) or registration (assignment) of ``deal`` on
    ``registered_on``: the deal enters the registration-date view, with the value it still
    has. Booked once; None when the deal was never booked or is reversed."""
    rows = _rows(deal.id)
    original = next((r for r in rows if r.entry == CONCLUSION), None)
    if original is None or any(r.entry in (REVERSAL, REGISTRATION) for r in rows):
        return None
    return _copy(original, entry=REGISTRATION, ref="", sign=1, reverses_id=None,
                 contract_value_fen=_net_value(rows), concluded_on=registered_on,
                 deal_on=None, registered_on=registered_on)


def record_royalty(deal: Deal, amount_fen: int, paid_on: date, ref: str) -> LedgerEntry | None:
    """Book a royalty of ``amount_fen`` paid on ``paid_on`` under ``deal`` (once per ``ref``):
    a row of its own, counted in every view by the day it was paid. None when the deal was
    never booked or ``ref`` was already booked."""
    rows = _rows(deal.id)
    original = next((r for r in rows if r.entry == CONCLUSION), None)
    if original is None or amount_fen <= 0 or any(
            r.entry == ROYALTY and r.ref == ref for r in rows):
        return None
    return _copy(original, entry=ROYALTY, ref=ref[:40], sign=0, reverses_id=None,
                 contract_value_fen=amount_fen, concluded_on=paid_on, deal_on=paid_on,
                 registered_on=paid_on, days_to_conclusion=None)


def totals() -> dict:
    """Deal count and contract value over the whole ledger (reversals, refunds and royalties
    included; registration rows belong to the registration view only)."""
    count, value = db.session.execute(select(
        func.coalesce(func.sum(LedgerEntry.sign), 0),
        func.coalesce(func.sum(LedgerEntry.contract_value_fen), 0))
        .where(LedgerEntry.entry != REGISTRATION)).one()
    return {"deals": int(count), "value_fen": int(value)}
