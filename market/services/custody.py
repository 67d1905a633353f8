"""IP custody agreements between an SME and a verified service agency.

One side proposes (scope, term, fee), the other accepts or declines; while in force either
side may propose a renewal (a later end, a new fee), which the other accepts or declines, or
end it. Every step is an append-only ``CustodyEvent``; the state and the term in force are
read from the events (:func:`standing`). While an agreement is in force the agency sees the
SME's portfolio and gets its annual-fee reminders (if the scope includes them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..domain.custody import MAX_FEE_FEN, MAX_TERM_YEARS
from ..domain.dates import local_today
from ..extensions import db
from ..models import (
    CustodyAgreement,
    CustodyEvent,
    Organisation,
    OrgKind,
    OrgStatus,
    Patent,
    PledgeDeal,
    User,
)
from ..permissions import member_org_id
from . import agency_register, audit, notifications
from .errors import NotFound, PermissionDenied, ServiceError

PROPOSED, ACCEPTED, DECLINED = "proposed", "accepted", "declined"
RENEWAL_PROPOSED, RENEWED, RENEWAL_DECLINED = "renewal_proposed", "renewed", "renewal_declined"
TERMINATED = "terminated"
IN_FORCE = (ACCEPTED, RENEWED)  # the events that put a term in force
# states an agreement is in, as :func:`standing` reads them
PENDING, REFUSED, SCHEDULED, ACTIVE, EXPIRED, ENDED = (
    "pending", "refused", "scheduled", "active", "expired", "ended")


@dataclass(frozen=True)
class Standing:
    state: str
    starts_on: date | None         # the term in force (None before acceptance)
    ends_on: date | None           # its last day, a termination's if earlier
    fee_fen: int | None
    pending: CustodyEvent | None   # a proposal waiting for the other side
    terminated: bool = False       # an end was recorded (its last day may be ahead)


def standing(agreement: CustodyAgreement, today: date | None = None) -> Standing:
    """Where ``agreement`` stands ``today``, from its events alone."""
    today = today or local_today()
    starts = ends = fee = cut = None
    pending = None
    refused = False
    for event in agreement.events:
        if event.kind == PROPOSED:
            pending = event
        elif event.kind == RENEWAL_PROPOSED:
            pending = event
        elif event.kind in IN_FORCE:
            starts = starts or event.starts_on
            ends, fee, pending = event.ends_on, event.fee_fen, None
        elif event.kind == DECLINED:
            refused, pending = True, None
        elif event.kind == RENEWAL_DECLINED:
            pending = None
        elif event.kind == TERMINATED:
            cut, pending = event.ends_on, None
    if starts is None:
        return Standing(REFUSED if refused else PENDING, None, None, None, pending)
    ended = cut is not None
    if cut is not None and cut < ends:
        ends = cut
    if cut is not None and cut < today or ends < starts:
        state = ENDED if cut is not None else EXPIRED
    elif today < starts:
        state = SCHEDULED
    elif today > ends:
        state = EXPIRED
    else:
        state = ACTIVE
    return Standing(state, starts, ends, fee, pending, ended)


def side_of(user: User, agreement: CustodyAgreement) -> str | None:
    """"sme", "agency" or None: which party ``user`` speaks for."""
    org_id = member_org_id(user)
    if org_id == agreement.sme_org_id:
        return "sme"
    if org_id == agreement.agency_org_id:
        return "agency"
    return None


def can_view(user: User, agreement: CustodyAgreement) -> bool:
    return side_of(user, agreement) is not None or (user.is_authenticated and user.is_centre)


def get_for(user: User, agreement_id: int) -> CustodyAgreement:
    """The agreement, if ``user`` is a party's member or the centre; NotFound otherwise."""
    agreement = db.session.get(CustodyAgreement, agreement_id)
    if agreement is None or not can_view(user, agreement):
        raise NotFound(_l("No such custody agreement."))
    return agreement


def _acting_side(user: User, agreement: CustodyAgreement) -> str:
    side = side_of(user, agreement)
    if side is None or not user.can_act:
        raise PermissionDenied(_l("Only the parties to the agreement may do this."))
    return side


def _in_force(now: Standing) -> bool:
    return now.state in (SCHEDULED, ACTIVE) and not now.terminated


def allowed(user: User, agreement: CustodyAgreement, now: Standing | None = None) -> dict:
    """What ``user`` may do on ``agreement`` now, by the rules the actions check (the page
    offers these): ``answer`` the pending proposal (the side that did not make it), and
    ``change`` (renew or end) a term in force."""
    now = now or standing(agreement)
    acts = side_of(user, agreement) is not None and user.can_act
    return {"answer": acts and now.pending is not None and now.pending.by_org_id != user.org_id,
            "change": acts and _in_force(now)}


def _org_of(agreement: CustodyAgreement, side: str) -> Organisation:
    return agreement.sme if side == "sme" else agreement.agency


def _check_term(starts_on: date, ends_on: date, fee_fen: int) -> None:
    if ends_on < starts_on:
        raise ServiceError(_l("The term must end after it starts."), field="ends_on")
    if (ends_on - starts_on).days > 366 * MAX_TERM_YEARS:
        raise ServiceError(_l("A term runs for at most %(years)d years; renew it after.",
                              years=MAX_TERM_YEARS), field="ends_on")
    if fee_fen < 0 or fee_fen > MAX_FEE_FEN:
        raise ServiceError(_l("Enter the fee in yuan (zero for a free service)."), field="fee")


def counterpart_for(user: User, credit_code: str | None = None,
                    agency_id: int | None = None) -> Organisation:
    """The other party a proposal names: an agency (chosen by an SME) or an SME (named by
    its credit code by an agency). Raises ServiceError when there is no such verified
    organisation."""
    if user.org.kind == OrgKind.SME:
        org = db.session.get(Organisation, agency_id) if agency_id else None
        if org is None or org.kind != OrgKind.AGENCY or not org.is_verified or \
                not agency_register.is_active(org):
            raise ServiceError(_l("Choose an agency on the register."), field="agency")
        return org
    org = db.session.scalar(select(Organisation).where(
        Organisation.credit_code == (credit_code or "").strip().upper(),
        Organisation.kind == OrgKind.SME, Organisation.status == OrgStatus.VERIFIED))
    if org is None:
        raise ServiceError(_l("No verified SME has this credit code."), field="sme_credit_code")
    return org


def propose(user: User, counterpart: Organisation, *, starts_on: date, ends_on: date,
            fee_fen: int, scope: dict[str, bool], note: str | None = None) -> CustodyAgreement:
    """``user`` (an SME or a verified agency) proposes an agreement to ``counterpart``.
    Raises PermissionDenied, ServiceError (term, fee, scope, an agreement already open)."""
    if not user.can_act or user.org.kind not in (OrgKind.SME, OrgKind.AGENCY):
        raise PermissionDenied(_l("Only SMEs and service agencies conclude custody "
                                  "agreements."))
    if user.org.kind == OrgKind.AGENCY and not agency_register.is_active(user.org):
        raise PermissionDenied(_l("Your agency is suspended or has left the register."))
    sme, agency = ((user.org, counterpart) if user.org.kind == OrgKind.SME
                   else (counterpart, user.org))
    _check_term(starts_on, ends_on, fee_fen)
    if not any(scope.values()):
        raise ServiceError(_l("Choose at least one service."), field="scope_patents")
    if starts_on < local_today():
        raise ServiceError(_l("The term cannot start in the past."), field="starts_on")
    for other in _between(sme.id, agency.id):
        if standing(other).state in (PENDING, SCHEDULED, ACTIVE):
            raise ServiceError(_l("An agreement between you is already proposed or in "
                                  "force: renew it instead."), code="open_agreement")
    agreement = CustodyAgreement(
        sme_org_id=sme.id, agency_org_id=agency.id, proposed_by_org_id=user.org_id,
        proposed_by_user_id=user.id, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen,
        note=note or None, **{f"scope_{k}": bool(v) for k, v in scope.items()})
    db.session.add(agreement)
    db.session.flush()
    _event(agreement, PROPOSED, user, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen)
    _tell_other(agreement, user, _l("A custody agreement is proposed to you"))
    return agreement


def _between(sme_id: int, agency_id: int) -> list[CustodyAgreement]:
    return list(db.session.scalars(select(CustodyAgreement).where(
        CustodyAgreement.sme_org_id == sme_id, CustodyAgreement.agency_org_id == agency_id)))


def _event(agreement: CustodyAgreement, kind: str, user: User, **fields) -> CustodyEvent:
    event = CustodyEvent(agreement_id=agreement.id, kind=kind, by_org_id=user.org_id,
                         by_user_id=user.id, **fields)
    db.session.add(event)
    db.session.flush()
    db.session.expire(agreement, ["events"])
    audit.record(f"custody.{kind}", actor=user, target=agreement, event=event.id)
    return event


def _tell_other(agreement: CustodyAgreement, user: User, title) -> None:
    other = agreement.agency if user.org_id == agreement.sme_org_id else agreement.sme
    notifications.notify_org(other, "custody", title, _l(
        "%(org)s: custody agreement no. %(number)d.", org=user.org.name, number=agreement.id),
        f"/custody/{agreement.id}")


def _pending_for(user: User, agreement: CustodyAgreement) -> CustodyEvent:
    _acting_side(user, agreement)
    pending = standing(agreement).pending
    if pending is None:
        raise ServiceError(_l("Nothing is waiting for an answer."), code="nothing_pending")
    if pending.by_org_id == user.org_id:
        raise ServiceError(_l("The other side answers your proposal."), code="own_proposal")
    return pending


def accept(user: User, agreement: CustodyAgreement) -> CustodyEvent:
    """The other side accepts the pending proposal or renewal: its term comes into force."""
    pending = _pending_for(user, agreement)
    if pending.kind == PROPOSED:
        # a suspended agency takes no new client, whichever side proposed
        if not agency_register.is_active(agreement.agency):
            raise ServiceError(_l("The agency is suspended or has left the register."),
                               code="agency_inactive")
        event = _event(agreement, ACCEPTED, user, starts_on=agreement.starts_on,
                       ends_on=agreement.ends_on, fee_fen=agreement.fee_fen)
    else:
        event = _event(agreement, RENEWED, user, starts_on=pending.starts_on,
                       ends_on=pending.ends_on, fee_fen=pending.fee_fen)
    _tell_other(agreement, user, _l("Your custody proposal was accepted"))
    return event


def decline(user: User, agreement: CustodyAgreement, reason: str | None = None) -> CustodyEvent:
    pending = _pending_for(user, agreement)
    kind = DECLINED if pending.kind == PROPOSED else RENEWAL_DECLINED
    event = _event(agreement, kind, user, reason=reason or None)
    _tell_other(agreement, user, _l("Your custody proposal was declined"))
    return event


def propose_renewal(user: User, agreement: CustodyAgreement, *, ends_on: date,
                    fee_fen: int) -> CustodyEvent:
    """Either side proposes to extend the term in force to ``ends_on`` for ``fee_fen``."""
    _acting_side(user, agreement)
    now = standing(agreement)
    if not _in_force(now):
        raise ServiceError(_l("Only an agreement in force can be renewed."), code="not_in_force")
    if now.pending is not None:
        raise ServiceError(_l("A renewal is already waiting for an answer."), code="pending")
    if ends_on <= now.ends_on:
        raise ServiceError(_l("The renewed term must end after %(date)s.",
                              date=now.ends_on.isoformat()), field="ends_on")
    _check_term(now.ends_on, ends_on, fee_fen)
    event = _event(agreement, RENEWAL_PROPOSED, user, starts_on=now.ends_on, ends_on=ends_on,
                   fee_fen=fee_fen)
    _tell_other(agreement, user, _l("A renewal of your custody agreement is proposed"))
    return event


def terminate(user: User, agreement: CustodyAgreement, *, last_day: date,
              reason: str) -> CustodyEvent:
    """Either side ends the agreement; ``last_day`` (today or later, within the term) is
    the last day of custody."""
    _acting_side(user, agreement)
    now = standing(agreement)
    if not _in_force(now):
        raise ServiceError(_l("Only an agreement in force can be ended."), code="not_in_force")
    if last_day < local_today() or last_day > now.ends_on:
        raise ServiceError(_l("The last day is between today and %(date)s.",
                              date=now.ends_on.isoformat()), field="last_day")
    event = _event(agreement, TERMINATED, user, ends_on=last_day, reason=reason)
    _tell_other(agreement, user, _l("Your custody agreement was ended"))
    return event


# --- what the parties see ----------------------------------------------------------------

def agreements_of(org_id: int) -> list[CustodyAgreement]:
    return list(db.session.scalars(select(CustodyAgreement).where(or_(
        CustodyAgreement.sme_org_id == org_id, CustodyAgreement.agency_org_id == org_id))
        .order_by(CustodyAgreement.id.desc())))


def custodians_of(sme_org_id: int, *, scope: str | None = None,
                  today: date | None = None) -> list[Organisation]:
    """The agencies holding ``sme_org_id`` in custody today (with ``scope``, if given)."""
    agreements = db.session.scalars(select(CustodyAgreement).where(
        CustodyAgreement.sme_org_id == sme_org_id))
    return [a.agency for a in agreements
            if standing(a, today).state == ACTIVE
            and (scope is None or getattr(a, f"scope_{scope}"))]


def may_see_portfolio(user: User, agreement: CustodyAgreement) -> bool:
    """The SME itself and the centre always; the agency while the agreement is in force."""
    side = side_of(user, agreement)
    if side == "sme" or (user.is_authenticated and user.is_centre):
        return True
    return side == "agency" and user.can_act and standing(agreement).state == ACTIVE


def portfolio(sme: Organisation) -> dict:
    """The SME's patents and pledges as the platform knows them."""
    patents = list(db.session.scalars(select(Patent).where(Patent.owner_org_id == sme.id)
                                       .order_by(Patent.filing_date.desc(), Patent.id)))
    pledges = list(db.session.scalars(select(PledgeDeal).where(
        PledgeDeal.pledgor_org_id == sme.id).order_by(PledgeDeal.pledged_on.desc())))
    return {"patents": patents, "pledges": pledges}
