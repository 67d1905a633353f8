"""Price guidance: what comparable licences were actually concluded for, read from the ledger
(its ``conclusion`` rows, less the deals a ``reversal`` row cancelled) with the terms of
each deal's signed contract (upfront fee in fen, royalty rate in basis points).

Comparable: a licence of the same kind (exclusive, sole, non-exclusive; an open licence is
non-exclusive) on a patent of the same IPC subclass as the listing's main code, or failing
enough of those, of the same industry. A distribution is shown only when at least
:data:`MIN_COMPARABLE_DEALS` deals make it up. Figures are kept until the ledger grows."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import String, cast, select

from ..domain.engagement import MIN_COMPARABLE_DEALS
from ..extensions import db
from ..models import Deal, LedgerEntry, LicenceKind, Offer, OfferKind, Patent
from .ledger import CONCLUSION, REVERSAL

IPC, INDUSTRY = "ipc", "industry"


@dataclass(frozen=True)
class Spread:
    """Quartiles and range of integer amounts (fen or basis points), rounded to integers."""

    low: int
    q1: int
    median: int
    q3: int
    high: int

    @classmethod
    def of(cls, values: list[int]) -> Spread:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(min(values), round(q1), round(median), round(q3), max(values))


@dataclass(frozen=True)
class Guidance:
    licence_kind: str
    basis: str | None  # IPC (``basis_value`` the subclass) or INDUSTRY; None: not enough
    basis_value: str
    count: int  # the deals that make up the figures (the larger group's when not shown)
    upfront_fen: Spread | None = None
    royalty_bp: Spread | None = None

    @property
    def shown(self) -> bool:
        return self.upfront_fen is not None


@dataclass(frozen=True)
class _Deal:
    upfront_fee_fen: int
    royalty_bp: int
    industry: str
    subclasses: frozenset[str]


def subclass_of(code: str) -> str:
    """The IPC subclass of a code: "C01B 32/184" -> "C01B"."""
    return code.replace(" ", "").upper()[:4]


def _concluded_licences(licence_kind: str, *, industry: str | None = None,
                        subclass: str | None = None) -> list[_Deal]:
    """The concluded, not cancelled licences of ``licence_kind`` in CNY (of ``industry``; on
    a patent with an IPC code of ``subclass``)."""
    reversed_deals = select(LedgerEntry.deal_id).where(LedgerEntry.entry == REVERSAL)
    query = (select(Deal.upfront_fee_fen, Deal.royalty_bp, LedgerEntry.industry,
                    Patent.ipc_codes)
             .join(Deal, Deal.id == LedgerEntry.deal_id)
             .join(Patent, Patent.id == Deal.patent_id)
             .where(LedgerEntry.entry == CONCLUSION, LedgerEntry.kind == "licence",
                    LedgerEntry.licence_kind == licence_kind, LedgerEntry.currency == "CNY",
                    LedgerEntry.deal_id.not_in(reversed_deals)))
    if industry is not None:
        query = query.where(LedgerEntry.industry == industry)
    if subclass is not None:
        # the JSON list's text narrows the rows in the database ('"C01B' starts a code of
        # the subclass); the exact test follows on the parsed codes
        query = query.where(cast(Patent.ipc_codes, String).like(f'%"{subclass}%'))
    deals = [_Deal(fee or 0, bp or 0, ind, frozenset(subclass_of(c) for c in codes or ()))
             for fee, bp, ind, codes in db.session.execute(query)]
    return [d for d in deals if subclass is None or subclass in d.subclasses]


def _guidance(licence_kind: str, basis: str | None, value: str, deals: list[_Deal]) -> Guidance:
    if basis is None or len(deals) < MIN_COMPARABLE_DEALS:
        return Guidance(licence_kind, None, value, len(deals))
    return Guidance(licence_kind, basis, value, len(deals),
                    Spread.of([d.upfront_fee_fen for d in deals]),
                    Spread.of([d.royalty_bp for d in deals]))


def _ledger_mark() -> tuple | None:
    """The last ledger row (id and time): the ledger only grows, so while this stays the same
    every figure computed from it stays true. One row read by primary key."""
    return db.session.execute(select(LedgerEntry.id, LedgerEntry.created_at)
                              .order_by(LedgerEntry.id.desc()).limit(1)).first()


def _cached(key: tuple, compute):
    """``compute()`` once per ``key`` until the ledger grows (per app: each process keeps
    its own; a listing page then costs one primary-key read)."""
    cache = current_app.extensions.setdefault("market.price_guidance", {})
    mark = _ledger_mark()
    if cache.get("mark") != mark:
        cache.clear()
        cache["mark"] = mark
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def for_patent(patent: Patent, licence_kind: str) -> Guidance:
    """What licences of ``licence_kind`` on patents like ``patent`` were concluded for."""
    kind = str(licence_kind)
    subclass = subclass_of(patent.ipc_codes[0]) if patent.ipc_codes else None
    return _cached((kind, subclass, patent.industry),
                   lambda: _compute(kind, subclass, patent.industry))


def _compute(kind: str, subclass: str | None, industry: str) -> Guidance:
    if subclass is not None:
        same = _concluded_licences(kind, subclass=subclass)
        if len(same) >= MIN_COMPARABLE_DEALS:
            return _guidance(kind, IPC, subclass, same)
    same = _concluded_licences(kind, industry=industry)
    return _guidance(kind, INDUSTRY if len(same) >= MIN_COMPARABLE_DEALS else None,
                     industry, same)


def licence_kind_of(offer: Offer) -> str | None:
    """The licence kind an offer grants (an open licence is non-exclusive); None for an
    assignment."""
    if offer.kind == OfferKind.ASSIGNMENT:
        return None
    if offer.kind == OfferKind.OPEN_LICENCE:
        return LicenceKind.NON_EXCLUSIVE.value
    return (offer.licence_kind or LicenceKind.NON_EXCLUSIVE).value


def for_offers(patent: Patent, offers: list[Offer]) -> dict[int, Guidance]:
    """The guidance of each licence offer, by offer id (one computation per licence kind)."""
    by_kind: dict[str, Guidance] = {}
    out = {}
    for offer in offers:
        kind = licence_kind_of(offer)
        if kind is None:
            continue
        if kind not in by_kind:
            by_kind[kind] = for_patent(patent, kind)
        out[offer.id] = by_kind[kind]
    return out


def by_industry() -> list[tuple[str, str, Guidance]]:
    """The centre's table: (industry, licence kind, guidance) for every industry and kind
    with at least one concluded licence."""
    groups: dict[tuple[str, str], list[_Deal]] = defaultdict(list)
    for kind in LicenceKind:
        for deal in _concluded_licences(kind.value):
            groups[(deal.industry, kind.value)].append(deal)
    return [(industry, kind, _guidance(kind, INDUSTRY, industry, deals))
            for (industry, kind), deals in sorted(groups.items())]
