"""Mandates: a principal (a university, institute, SME or larger enterprise) lets an IP service agency's brokers
act for it on deals, within a scope, for a period, and may revoke it at any time.

The principal signs, always: a broker negotiates (counters, accepts, declines, withdraws,
writes in the thread) and, with the drafting scope, opens requests for an SME or enterprise principal;
nothing here lets a broker sign (``services.deals.sign`` refuses brokers). A revocation
takes effect at once: every broker check reads the mandate as it stands now.

Grants and revocations are written as append-only :class:`MandateEvent` rows.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.agencies import MAX_MANDATE_DAYS
from ..domain.dates import local_today
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..extensions import db
from ..models import (
    Deal,
    Mandate,
    MandateEvent,
    MandateScope,
    Organisation,
    OrgKind,
    Patent,
    User,
)
from ..models.base import utcnow
from ..permissions import member_org_id
from . import audit
from .errors import NotFound, PermissionDenied, ServiceError
from .notifications import notify_org

PRINCIPAL_KINDS = (OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.SME, OrgKind.ENTERPRISE)
GRANTED, REVOKED = "granted", "revoked"


def _require_principal_admin(user: User) -> None:
    if not (user.can_act and user.is_org_admin and user.org.kind in PRINCIPAL_KINDS):
        raise PermissionDenied(_l("Only the admin of a verified university, institute or "
                                  "enterprise can grant or revoke a mandate."))


def grant(user: User, agency: Organisation, *, scope: MandateScope, valid_from: date,
          valid_until: date, patent_ids: list[int] | None = None,
          fee_fen: int | None = None) -> Mandate:
    """``user``'s organisation (the principal) grants ``agency`` a mandate.

    Raises PermissionDenied (not a principal's admin), ServiceError naming the field (agency
    not a verified agency, dates out of order or too long, negative fee)."""
    _require_principal_admin(user)
    if agency.kind != OrgKind.AGENCY or not agency.is_verified:
        raise ServiceError(_l("Choose a verified IP service agency."), field="agency")
    if valid_until < valid_from:
        raise ServiceError(_l("The mandate must end on or after the day it starts."),
                           field="valid_until")
    if valid_until < local_today():
        raise ServiceError(_l("The mandate would already have ended."), field="valid_until")
    if (valid_until - valid_from).days > MAX_MANDATE_DAYS:
        raise ServiceError(_l("A mandate lasts at most %(days)d days; grant a new one after.",
                              days=MAX_MANDATE_DAYS), field="valid_until")
    if fee_fen is not None and fee_fen < 0:
        raise ServiceError(_l("The fee cannot be negative."), field="fee")
    patent_ids = sorted(set(patent_ids or []))
    same = db.session.scalar(select(Mandate).where(
        Mandate.principal_org_id == user.org_id, Mandate.agency_org_id == agency.id,
        Mandate.scope == scope, Mandate.valid_from == valid_from,
        Mandate.valid_until == valid_until, Mandate.revoked_at.is_(None)).limit(1))
    if same is not None and same.patent_ids == patent_ids and same.fee_fen == (fee_fen or None):
        return same  # the same grant sent again (a double submit): granted once
    mandate = Mandate(principal_org_id=user.org_id, agency_org_id=agency.id, scope=scope,
                      patent_ids=patent_ids, valid_from=valid_from,
                      valid_until=valid_until, fee_fen=fee_fen or None,
                      granted_by_user_id=user.id)
    db.session.add(mandate)
    db.session.flush()
    _event(mandate, GRANTED, user, scope=scope.value, valid_from=valid_from.isoformat(),
           valid_until=valid_until.isoformat(), patent_ids=mandate.patent_ids,
           fee_fen=mandate.fee_fen)
    notify_org(agency, "mandate_granted",
               _l("%(org)s granted you a mandate", org=user.org.name))
    return mandate


def revoke(user: User, mandate: Mandate, reason: str = "") -> None:
    """The principal's admin ends ``mandate`` now. Raises PermissionDenied, ServiceError
    (already revoked)."""
    _require_principal_admin(user)
    if mandate.principal_org_id != user.org_id:
        raise NotFound(_l("Mandate not found."))
    if mandate.revoked_at is not None:
        raise ServiceError(_l("This mandate is already revoked."), code="revoked")
    mandate.revoked_at = utcnow()
    _event(mandate, REVOKED, user, reason=(reason or "").strip()[:500])
    notify_org(mandate.agency, "mandate_revoked",
               _l("%(org)s revoked its mandate", org=user.org.name))


def _event(mandate: Mandate, action: str, user: User, **payload) -> None:
    db.session.add(MandateEvent(mandate=mandate, action=action, actor_user_id=user.id,
                                payload={k: v for k, v in payload.items() if v is not None}))
    audit.record(f"mandate.{action}", actor=user, target=mandate,
                 agency_org_id=mandate.agency_org_id)


# --- what a broker may do ----------------------------------------------------------------

def live_mandate(agency_org_id: int, principal_org_id: int, patent_id: int | None = None,
                 *, draft: bool = False) -> Mandate | None:
    """The live mandate (not revoked, today within its dates) of the principal to the agency
    covering ``patent_id`` (and allowing drafting when ``draft``), or None."""
    today = local_today()
    mandates = db.session.scalars(select(Mandate).where(
        Mandate.agency_org_id == agency_org_id, Mandate.principal_org_id == principal_org_id,
        Mandate.revoked_at.is_(None), Mandate.valid_from <= today,
        Mandate.valid_until >= today).order_by(Mandate.id.desc()))
    for mandate in mandates:
        if (patent_id is None or mandate.covers(patent_id)) and (
                not draft or mandate.scope == MandateScope.NEGOTIATE_AND_DRAFT):
            return mandate
    return None


def broker_org_id(user) -> int | None:
    """The agency ``user`` brokers for: an active member of a verified agency, else None."""
    org_id = member_org_id(user)
    if org_id is None or user.org.kind != OrgKind.AGENCY or not user.can_act:
        return None
    return org_id


def broker_principal(deal: Deal, user) -> int | None:
    """The organisation (a party of ``deal``) for which ``user`` acts as its broker now:
    ``user`` belongs to the deal's broker agency and a live mandate of that party covers
    the deal's patent. None otherwise (no mandate, revoked, expired, another agency)."""
    agency_id = broker_org_id(user)
    if agency_id is None or deal.broker_org_id != agency_id:
        return None
    return brokered_principal(deal)


def brokered_principal(deal: Deal) -> int | None:
    """The party of ``deal`` the deal's broker agency acts for, while that party's mandate
    lives; None otherwise. The side is fixed when the deal starts: a broker who opens a
    request does so for the licensee (``broker_user_id`` names that broker); otherwise the
    agency is the patentee's, answering for the licensor. An agency holding mandates from
    both sides still acts, and is paid, for the one it started with."""
    if deal.broker_org_id is None:
        return None
    party_id = deal.licensee_org_id if deal.broker_user_id is not None else deal.licensor_org_id
    if live_mandate(deal.broker_org_id, party_id, deal.patent_id) is None:
        return None
    return party_id


def licensor_mandate(patent: Patent) -> Mandate | None:
    """The live mandate the patent's owner gave an agency covering the patent (the latest),
    or None."""
    today = local_today()
    for mandate in db.session.scalars(select(Mandate).where(
            Mandate.principal_org_id == patent.owner_org_id, Mandate.revoked_at.is_(None),
            Mandate.valid_from <= today, Mandate.valid_until >= today)
            .order_by(Mandate.id.desc())):
        if mandate.covers(patent.id):
            return mandate
    return None


def require_drafting_mandate(user: User, principal: Organisation, patent_id: int) -> Mandate:
    """The live mandate letting ``user`` open a request for ``principal`` on the patent.
    Raises PermissionDenied: not a broker, or no such mandate (none, revoked, expired,
    negotiation only, or another patent)."""
    agency_id = broker_org_id(user)
    if agency_id is None:
        raise PermissionDenied(_l("Only a member of a verified IP service agency acts as a "
                                  "broker."))
    mandate = live_mandate(agency_id, principal.id, patent_id, draft=True)
    if mandate is None:
        raise PermissionDenied(_l("Your agency has no live mandate from %(org)s to open "
                                  "requests on this patent.", org=principal.name))
    return mandate


def principals_of(agency_org_id: int, *, draft: bool = False) -> list[Organisation]:
    """The organisations whose live mandate the agency holds (drafting ones when ``draft``)."""
    today = local_today()
    query = select(Organisation).join(Mandate, Mandate.principal_org_id == Organisation.id).where(
        Mandate.agency_org_id == agency_org_id, Mandate.revoked_at.is_(None),
        Mandate.valid_from <= today, Mandate.valid_until >= today)
    if draft:
        query = query.where(Mandate.scope == MandateScope.NEGOTIATE_AND_DRAFT)
    return list(db.session.scalars(query.distinct().order_by(Organisation.name)))


def granted_by(org_id: int) -> list[Mandate]:
    """A principal's mandates, newest first."""
    return list(db.session.scalars(select(Mandate).where(Mandate.principal_org_id == org_id)
                                   .order_by(Mandate.id.desc())))


def held_by(agency_org_id: int) -> list[Mandate]:
    """An agency's mandates, newest first."""
    return list(db.session.scalars(select(Mandate).where(
        Mandate.agency_org_id == agency_org_id).order_by(Mandate.id.desc())))


def patent_ids_from(text: str) -> list[int]:
    """The listed patents a mandate is limited to, from application or patent numbers
    separated by spaces, commas or lines (empty text: no limit). Raises ServiceError on the
    field ``patents`` naming the first number that is wrong or not on the platform."""
    ids = []
    for raw in (text or "").replace(",", " ").replace("，", " ").split():
        try:
            number = normalise_application_number(raw)
        except InvalidPatentNumber as exc:
            raise ServiceError(_l("%(number)s: %(problem)s", number=raw, problem=exc.message),
                               field="patents") from exc
        patent_id = db.session.scalar(select(Patent.id).where(
            Patent.application_number == number))
        if patent_id is None:
            raise ServiceError(_l("%(number)s is not listed on the platform.", number=raw),
                               field="patents")
        ids.append(patent_id)
    return ids
