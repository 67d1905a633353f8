"""Rules that span the deals of one patent: the patent lock and exclusivity.

Checks that decide between two concurrent deals run after :func:`lock_patent`, which
serialises every deal change on a patent (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite a write to the patent row, which takes the database's write lock first thing).
The partial unique index ``uq_deal_exclusive_in_force`` backs them up.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, literal, or_, select, text

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
        db.session.execute(select(Patent.id).where(Patent.id == patent_id).with_for_update())
    else:
        # A no-op write: SQLite grants it only to one transaction at a time, and the
        # transaction's reads after it see every earlier commit.
        db.session.execute(text("UPDATE patent SET view_count = view_count WHERE id = :id"),
                           {"id": patent_id})


def _overlapping(deal: Deal):
    """Deals in force on the same patent whose territory and field overlap ``deal``'s
    (the national territory and an empty field cover all)."""
    territory = or_(Deal.territory == deal.territory, Deal.territory == DEFAULT_TERRITORY,
                    literal(deal.territory == DEFAULT_TERRITORY))
    field = or_(Deal.field_of_use == deal.field_of_use, Deal.field_of_use == "",
                literal(deal.field_of_use == ""))
    return and_(Deal.patent_id == deal.patent_id, Deal.id != (deal.id or 0),
                Deal.state.in_(IN_FORCE), territory, field)


def check_exclusivity(deal: Deal) -> None:
    """Raise ExclusivityConflict if ``deal`` cannot be in force next to the deals already in
    force on its patent. Call under :func:`lock_patent` to decide races.

    Every rule that applies to the deal is asked in one SELECT (one EXISTS per rule); the
    first rule that is broken, in the order below, names the conflict."""
    same_patent = and_(Deal.patent_id == deal.patent_id, Deal.id != (deal.id or 0),
                       Deal.state.in_(IN_FORCE))
    rules = [("assigned", _l("This patent has been assigned: its owner can no longer "
                             "license or assign it."),
              exists().where(same_patent, Deal.kind == OfferKind.ASSIGNMENT))]
    if deal.kind != OfferKind.ASSIGNMENT:
        overlapping = _overlapping(deal)
        rules.append(("exclusive_taken", _l("An exclusive or sole licence is already in force "
                                            "for this patent, territory and field."),
                      exists().where(overlapping, Deal.licence_kind.in_(EXCLUSIVE_KINDS))))
        if deal.licence_kind in EXCLUSIVE_KINDS:
            rules.append(("open_licence", _l("This patent is under an open licence, which rules "
                                             "out an exclusive or sole licence."),
                          or_(exists().where(same_patent, Deal.kind == OfferKind.OPEN_LICENCE),
                              exists().where(Offer.patent_id == deal.patent_id,
                                             Offer.kind == OfferKind.OPEN_LICENCE,
                                             Offer.active.is_(True)))))
            rules.append(("licensed", _l("Other licences are in force for this patent, "
                                         "territory and field: it cannot be licensed "
                                         "exclusively."), exists().where(overlapping)))
    broken = db.session.execute(select(*(rule.label(code) for code, _, rule in rules))).one()
    for (code, message, _), hit in zip(rules, broken, strict=True):
        if hit:
            raise ExclusivityConflict(message, code=code)
