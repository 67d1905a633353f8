"""Rules that span the deals of one patent: the patent lock, exclusivity, and the consent of
the pledgee of a registered pledge.

Checks that decide between two concurrent deals run after :func:`lock_patent`, which
serialises every deal change on a patent (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite a write to the patent row, which takes the database's write lock first thing).
The partial unique index ``uq_deal_exclusive_in_force`` backs them up.
"""
from __future__ import annotations

import functools

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, and_, bindparam, exists, or_, select, text

from .. import sqlite_transactions
from ..domain.open_licence import ANNOUNCED, AWAITING_ANNOUNCEMENT
from ..domain.terms import DEFAULT_TERRITORY
from ..extensions import db
from ..models import (
    BUYER_KINDS,
    Deal,
    DealState,
    LicenceKind,
    Offer,
    OfferKind,
    OrgKind,
    Patent,
    PledgeDeal,
    PledgedPatent,
    PledgeeConsent,
    User,
)
from . import tx_cache
from .errors import PermissionDenied, ServiceError

# A deal holds its place from acceptance: an accepted deal waiting for payment blocks
# a rival exclusive licence as a concluded one does.
IN_FORCE = (DealState.ACCEPTED, DealState.AWAITING_PAYMENT, DealState.CONCLUDED)
EXCLUSIVE_KINDS = (LicenceKind.EXCLUSIVE, LicenceKind.SOLE)


class ExclusivityConflict(ServiceError):
    """Another deal in force rules this one out (exclusive, open licence or assignment)."""


class PledgeeConsentMissing(ServiceError):
    """The patent is under a registered pledge whose pledgee has not consented."""


def lock_patent(patent_id: int) -> bool:
    """Take the patent's row lock until the end of the transaction (what the transaction
    kept from its reads before is forgotten: it may be stale). Returns False when the
    transaction held SQLite's write lock since it began (a writing request): then nothing
    read before could be stale and no lock is needed."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        tx_cache.clear()
        db.session.execute(_LOCK_FOR_UPDATE, {"id": patent_id})
        return True
    if sqlite_transactions.locked_since_begin(connection):
        return False
    tx_cache.clear()
    db.session.execute(_LOCK_BY_WRITE, {"id": patent_id})
    return True


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
    force on its patent, and PledgeeConsentMissing if it needs a pledgee's consent not yet
    recorded. Call under :func:`lock_patent` to decide races.

    Every exclusivity rule that applies to the deal is asked in one SELECT; the first rule
    that is broken, in the order below, names the conflict."""
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
    check_pledge_consent(deal)


def check_pledge_consent(deal: Deal) -> None:
    """Raise PledgeeConsentMissing if ``deal`` assigns or licenses exclusively (or solely) a
    patent under a registered pledge whose pledgee's written consent is not on record: after
    registration the pledgor may not assign or license the patent without it (Civil Code
    art. 444), and CNIPA refuses to record such a licence. Non-exclusive licences are left to
    the recording checklist."""
    if deal.kind != OfferKind.ASSIGNMENT and deal.licence_kind not in EXCLUSIVE_KINDS:
        return
    consented = select(PledgeeConsent.id).where(
        PledgeeConsent.pledge_id == PledgeDeal.id, PledgeeConsent.patent_id == deal.patent_id)
    pledge = db.session.scalars(
        select(PledgeDeal).join(PledgedPatent, PledgedPatent.pledge_id == PledgeDeal.id)
        .where(PledgedPatent.patent_id == deal.patent_id, PledgeDeal.released_on.is_(None),
               ~consented.exists())
        .order_by(PledgeDeal.pledged_on, PledgeDeal.id)).first()
    if pledge is not None:
        raise PledgeeConsentMissing(_l(
            "Patent %(number)s is pledged to %(bank)s (registered on %(date)s): it cannot be "
            "assigned or licensed exclusively without the pledgee's written consent, not "
            "recorded here yet: the patent holder uploads it on the deal page, or the centre "
            "records it with the pledge.",
            number=deal.patent.application_number, bank=pledge.bank,
            date=format_date(pledge.pledged_on)), code="pledge_consent")


# --- who may take what -------------------------------------------------------------------

# Anyone may take an open licence by written notice and payment (Patent Law art. 51); the
# platform asks for a verified organisation. The centre runs the market and takes none.
OPEN_LICENCE_TAKERS = (OrgKind.SME, OrgKind.ENTERPRISE, OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def require_taker(user: User, offer: Offer, principal=None) -> None:
    """Raise PermissionDenied unless ``user`` may take or request ``offer``: any verified
    organisation for an open licence, a verified SME or larger enterprise (BUYER_KINDS) for
    a negotiated deal. A broker (its mandate checked before) requests for its verified
    buyer ``principal``."""
    kinds = OPEN_LICENCE_TAKERS if offer.kind == OfferKind.OPEN_LICENCE else BUYER_KINDS
    org = principal if principal is not None else user.org
    if org.kind not in kinds or not user.can_act or not org.is_verified:
        raise PermissionDenied(
            _l("Only verified organisations can take an open licence.")
            if offer.kind == OfferKind.OPEN_LICENCE
            else _l("Only verified enterprises (SMEs or larger) can request a licence or an "
                    "assignment."))


def require_announced(offer: Offer) -> None:
    """An open licence can be taken once CNIPA has announced the declaration (art. 50)."""
    if offer.declaration_state != ANNOUNCED:
        raise ServiceError(_l("The patentee has declared this open licence to CNIPA, which "
                              "has not announced it yet: it can be taken once announced.")
                           if offer.declaration_state == AWAITING_ANNOUNCEMENT else
                           _l("This open licence's CNIPA declaration is not recorded yet: it "
                              "can be taken once the patentee records the announcement."),
                           code="not_announced")


# --- what a viewer is told instead of a button it cannot use --------------------------------

def offer_blocker(user: User, offer: Offer):
    """Why ``user`` cannot take or request ``offer`` now (a message to show in place of the
    button), or None when they can. Anonymous viewers get None: the page asks them to log
    in. The same rules the deal services enforce, asked before the form is filled in."""
    if not user.is_authenticated:
        return None
    if user.is_centre:
        return _l("The IP service centre runs the market: it takes and requests no licence.")
    if not user.can_act:
        return (_l("Your request to join your organisation is waiting for its admin.")
                if user.org.is_verified else
                _l("Your organisation is waiting for verification by the IP service centre: "
                   "you can take or request licences once it is verified."))
    if user.org.kind == OrgKind.AGENCY:  # a broker requests for a principal (its mandate)
        if offer.kind == OfferKind.OPEN_LICENCE:
            return _l("An agency takes no licence itself: its principal takes an open licence.")
        return _rival_in_force(offer)
    try:
        require_taker(user, offer)
        if offer.kind == OfferKind.OPEN_LICENCE:
            require_announced(offer)
    except ServiceError as exc:
        return exc.message
    return _rival_in_force(offer)


def _rival_in_force(offer: Offer):
    """A deal in force that rules the offer out: an assignment, or an exclusive or sole
    licence overlapping its territory and field (until its last day in force)."""
    territory, field = offer.territory or DEFAULT_TERRITORY, offer.field_of_use or ""
    rules_out = Deal.kind == OfferKind.ASSIGNMENT  # an assignment is ruled out by one only
    if offer.kind != OfferKind.ASSIGNMENT:
        rules_out = or_(rules_out, Deal.licence_kind.in_(EXCLUSIVE_KINDS))
    rival = db.session.scalars(select(Deal).where(_OVERLAPPING, rules_out).order_by(Deal.id), {
        "patent_id": offer.patent_id, "deal_id": 0, "territory": territory,
        "national": territory == DEFAULT_TERRITORY, "field_of_use": field,
        "any_field": field == ""}).first()
    if rival is None:
        return None
    if rival.kind == OfferKind.ASSIGNMENT:
        return _RULES["assigned"][0]
    until = rival.in_force_until
    if until is None:  # accepted, not concluded yet: it holds its place
        return _l("An exclusive or sole licence of this patent is being concluded for this "
                  "territory and field.")
    return _l("An exclusive or sole licence is in force for this territory and field until "
              "%(date)s.", date=format_date(until, "long"))
