"""The append-only transaction record. One ``conclusion`` row per concluded deal; a cancelled
concluded deal gets one ``reversal`` row (sign -1, negated value). Rows are never updated or
deleted: indicators are sums over them."""
from __future__ import annotations

from sqlalchemy import func, select

from ..domain.dates import local_date  # the booking date is Shenyang's calendar day
from ..domain.terms import contract_value_fen, is_fast_licence_terms
from ..extensions import db
from ..models import Deal, LedgerEntry, OfferKind, OrgKind
from ..models.base import utcnow


def deal_value_fen(deal: Deal) -> int:
    """The contract value the indicators count: the price of an assignment, else the fixed
    sums of the licence terms (upfront fee + minimum royalties)."""
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
    entry = LedgerEntry(
        deal_id=deal.id, entry="conclusion", sign=1, contract_number=deal.contract_number,
        concluded_on=local_date(concluded_at),
        kind="assignment" if deal.kind == OfferKind.ASSIGNMENT else "licence",
        licence_kind=None if deal.kind == OfferKind.ASSIGNMENT else
        (deal.licence_kind.value if deal.licence_kind else None),
        open_licence=deal.kind == OfferKind.OPEN_LICENCE, fast_licence=is_fast_licence(deal),
        contract_value_fen=deal_value_fen(deal), currency=deal.currency,
        licensor_org_id=licensor.id, licensor_kind=licensor.kind.value,
        licensee_org_id=licensee.id, licensee_kind=licensee.kind.value,
        licensee_is_sme=licensee.kind == OrgKind.SME,
        licensor_is_university=licensor.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
        industry=deal.patent.industry, district=licensee.district,
        patent_ids=[deal.patent_id], patent_count=1,
        days_to_conclusion=max((concluded_at - deal.created_at).days, 0)
        if deal.created_at else None)
    db.session.add(entry)
    return entry


def record_reversal(deal: Deal) -> LedgerEntry | None:
    """Book a reversing row for ``deal``'s conclusion (None when it was never booked)."""
    original = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.deal_id == deal.id, LedgerEntry.entry == "conclusion"))
    if original is None:
        return None
    copied = {column.key: getattr(original, column.key)
              for column in LedgerEntry.__table__.columns
              if column.key not in ("id", "created_at")}
    copied.update(entry="reversal", sign=-1, reverses_id=original.id,
                  contract_value_fen=-original.contract_value_fen,
                  concluded_on=local_date(utcnow()))
    entry = LedgerEntry(**copied)
    db.session.add(entry)
    return entry


def totals() -> dict:
    """Deal count and contract value over the whole ledger (reversals included)."""
    count, value = db.session.execute(select(
        func.coalesce(func.sum(LedgerEntry.sign), 0),
        func.coalesce(func.sum(LedgerEntry.contract_value_fen), 0))).one()
    return {"deals": int(count), "value_fen": int(value)}
