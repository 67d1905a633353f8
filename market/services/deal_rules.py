"""Rules that span the deals of one patent: the patent lock and exclusivity.

Checks that decide between two concurrent deals run after :func:`lock_patent`, which
serialises every deal change on a patent (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite a write to the patent row, which takes the database's write lock first thing).
The partial unique index ``uq_deal_exclusive_in_force`` backs them up.
"""
from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, and_, bindparam, exists, or_, select, text

from ..domain.terms import DEFAULT_TERRITORY
from ..extensions import db
from ..models import Deal, DealState, LicenceKind, Offer, OfferKind, Patent
from . import tx_cache
from .errors import ServiceError

# A deal holds its place from acceptance: an accepted deal waiting for payment blocks
# a rival exclusive licence as a concluded one does.
IN_FORCE = (DealState.ACCEPTED, DealState.AWAITING_PAYMENT, DealState.CONCLUDED)
EXCLUSIVE_KINDS = (LicenceKind.EXCLUSIVE, LicenceKind.SOLE)


class ExclusivityConflict(ServiceError):
    """Another deal in force rules this one out (exclusive, open licence or assignment)."""


def lock_patent(patent_id: int) -> None:
    """Take the patent's row lock until the end of the transaction (what the transaction
    kept from its reads before is forgotten: it may be stale)."""
    tx_cache.clear()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_LOCK_FOR_UPDATE, {"id": patent_id})
    else:
        db.session.execute(_LOCK_BY_WRITE, {"id": patent_id})


_LOCK_FOR_UPDATE = select(Patent.id).where(Patent.id == bindparam("id")).with_for_update()
# A no-op write: SQLite grants it only to one transaction at a time, and the transaction's
# reads after it see every earlier commit.
_LOCK_BY_WRITE = text("UPDATE patent SET view_count = view_count WHERE id = :id")


# The rules, each an EXISTS over the deals in force on the patent; built once (their SQL is
# compiled once), the deal's own values bound at each check.
_SAME_PATENT = and_(Deal.patent_id == bindparam("patent_id"), Deal.id != bindparam("deal_id"),
                    Deal.state.in_(IN_FORCE))
# Deals in force on the same patent whose territory and field overlap the deal's (the
# national territory and an empty field cover all).
_OVERLAPPING = and_(
    _SAME_PATENT,
    or_(Deal.territory == bindparam("territory"), Deal.territory == DEFAULT_TERRITORY,
        bindparam("national", type_=Boolean())),
    or_(Deal.field_of_use == bindparam("field_of_use"), Deal.field_of_use == "",
        bindparam("any_field", type_=Boolean())))
_RULES = {
    "assigned": (_l("This patent has been assigned: its owner can no longer license or "
                    "assign it."),
                 exists().where(_SAME_PATENT, Deal.kind == OfferKind.ASSIGNMENT)),
    "exclusive_taken": (_l("An exclusive or sole licence is already in force for this patent, "
                           "territory and field."),
                        exists().where(_OVERLAPPING, Deal.licence_kind.in_(EXCLUSIVE_KINDS))),
    "open_licence": (_l("This patent is under an open licence, which rules out an exclusive or "
                        "sole licence."),
                     or_(exists().where(_SAME_PATENT, Deal.kind == OfferKind.OPEN_LICENCE),
                         exists().where(Offer.patent_id == bindparam("patent_id"),
                                        Offer.kind == OfferKind.OPEN_LICENCE,
                                        Offer.active.is_(True)))),
    "licensed": (_l("Other licences are in force for this patent, territory and field: it "
                    "cannot be licensed exclusively."), exists().where(_OVERLAPPING)),
}


@functools.cache
def _check(codes: tuple[str, ...]):
    """One SELECT answering the rules ``codes`` (one column each, in that order)."""
    return select(*(_RULES[code][1].label(code) for code in codes))


def check_exclusivity(deal: Deal) -> None:
    """Raise ExclusivityConflict if ``deal`` cannot be in force next to the deals already in
    force on its patent. Call under :func:`lock_patent` to decide races.

    Every rule that applies to the deal is asked in one SELECT; the first rule that is
    broken, in the order below, names the conflict."""
    codes = ("assigned",)
    if deal.kind != OfferKind.ASSIGNMENT:
        codes += ("exclusive_taken",)
        if deal.licence_kind in EXCLUSIVE_KINDS:
            codes += ("open_licence", "licensed")
    broken = db.session.execute(_check(codes), {
        "patent_id": deal.patent_id, "deal_id": deal.id or 0, "territory": deal.territory,
        "national": deal.territory == DEFAULT_TERRITORY, "field_of_use": deal.field_of_use,
        "any_field": deal.field_of_use == ""}).one()
    for code, hit in zip(codes, broken, strict=True):
        if hit:
            raise ExclusivityConflict(_RULES[code][0], code=code)
