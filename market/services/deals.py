"""Deals: the one state machine and the actions of both parties, the centre and the system.

Every change of ``Deal.state`` goes through :func:`transition`, which checks the
(state, action, role) table, writes a :class:`DealEvent` in the same transaction and raises
:class:`TransitionNotAllowed` otherwise. Actions lock the patent row first and re-read the
deal (:func:`lock`), so a double-submitted form sees the new state and is refused; the
``version`` column refuses any stale write that slips past. Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import labels
from ..domain.dates import local_date, local_day_start, local_today
from ..domain.deadlines import EXPIRE_DAYS, STALE_DAYS
from ..domain.patents import FieldError, in_force, remaining_life_days
from ..domain.terms import (
    DEFAULT_TERRITORY,
    LicenceTerms,
    payment_schedule,
    terms_values,
    validate_terms,
)
from ..extensions import db
from ..models import (
    Deal,
    DealEvent,
    DealMessage,
    DealState,
    LicenceKind,
    Offer,
    OfferKind,
    Organisation,
    Patent,
    PaymentScheduleItem,
    ScheduleStatus,
    User,
)
from ..models.base import utcnow
from ..models.deals import BROKER_FEE
from ..permissions import member_org_id
from . import audit, deal_events, ledger, listings, mandates, signing
from .deal_rules import (
    ExclusivityConflict,
    check_exclusivity,
    lock_patent,
    require_announced,
    require_taker,
)
from .errors import FieldErrors, NotFound, PermissionDenied, ServiceError

__all__ = ["ExclusivityConflict", "TransitionNotAllowed", "TRANSITIONS",
           "accept", "allowed_actions", "cancel", "confirm_payment", "counter", "decline",
           "broker_role", "end_terms", "flag_stale", "lock", "post_message", "request_deal",
           "role_of", "sign",
           "take_open", "transition", "withdraw"]

LICENSEE, LICENSOR, CENTRE, SYSTEM = "licensee", "licensor", "centre", "system"
ROLES = (LICENSEE, LICENSOR, CENTRE, SYSTEM)
UPFRONT_KINDS = ("upfront", "assignment_price")
S = DealState


@dataclass(frozen=True)
class Rule:
    target: DealState
    roles: frozenset[str]
    by_role: tuple[tuple[str, DealState], ...] = ()  # a target that depends on who acts

    def target_for(self, role: str) -> DealState:
        return dict(self.by_role).get(role, self.target)


def _rule(target: DealState, *roles: str) -> Rule:
    return Rule(target, frozenset(roles))


# (state before, action) -> (state after, roles allowed). REQUESTED means the licensor
# must answer, COUNTERED the licensee; a licensee's counter-offer is a new request.
# ACCEPTED: terms agreed, the contract version frozen, waiting for the signatures; the
# last required one concludes (services/signing.py says whose are required). New terms
# from ACCEPTED void the version and reopen the negotiation. AWAITING_PAYMENT is no longer
# entered: its rows serve the deals that entered it before contracts were signed here.
TRANSITIONS: dict[tuple[DealState | None, str], Rule] = {
    (None, "request"): _rule(S.REQUESTED, LICENSEE),
    (None, "take_open"): _rule(S.ACCEPTED, LICENSEE),
    (S.REQUESTED, "accept"): _rule(S.ACCEPTED, LICENSOR),
    (S.REQUESTED, "counter"): _rule(S.COUNTERED, LICENSOR),
    (S.REQUESTED, "decline"): _rule(S.DECLINED, LICENSOR),
    (S.REQUESTED, "withdraw"): _rule(S.WITHDRAWN, LICENSEE),
    (S.REQUESTED, "flag_stale"): _rule(S.REQUESTED, SYSTEM),
    (S.REQUESTED, "expire"): _rule(S.EXPIRED, SYSTEM),
    (S.REQUESTED, "cancel"): _rule(S.CANCELLED, CENTRE),
    (S.REQUESTED, "close"): _rule(S.DECLINED, SYSTEM),  # the patent was assigned meanwhile
    (S.COUNTERED, "accept"): _rule(S.ACCEPTED, LICENSEE),
    (S.COUNTERED, "counter"): _rule(S.REQUESTED, LICENSEE),
    (S.COUNTERED, "decline"): _rule(S.DECLINED, LICENSEE),
    (S.COUNTERED, "withdraw"): _rule(S.WITHDRAWN, LICENSOR),
    (S.COUNTERED, "flag_stale"): _rule(S.COUNTERED, SYSTEM),
    (S.COUNTERED, "expire"): _rule(S.EXPIRED, SYSTEM),
    (S.COUNTERED, "cancel"): _rule(S.CANCELLED, CENTRE),
    (S.COUNTERED, "close"): _rule(S.DECLINED, SYSTEM),
    (S.ACCEPTED, "sign"): _rule(S.ACCEPTED, LICENSOR, LICENSEE),
    (S.ACCEPTED, "conclude"): _rule(S.CONCLUDED, SYSTEM),
    (S.ACCEPTED, "counter"): Rule(S.REQUESTED, frozenset((LICENSOR, LICENSEE)),
                                  by_role=((LICENSOR, S.COUNTERED),)),
    (S.ACCEPTED, "withdraw"): _rule(S.WITHDRAWN, LICENSOR, LICENSEE),
    (S.ACCEPTED, "cancel"): _rule(S.CANCELLED, CENTRE),
    (S.ACCEPTED, "flag_stale"): _rule(S.ACCEPTED, SYSTEM),  # a contract left unsigned
    (S.ACCEPTED, "expire"): _rule(S.EXPIRED, SYSTEM),
    (S.AWAITING_PAYMENT, "payment_confirmed"): _rule(S.CONCLUDED, SYSTEM, CENTRE),
    (S.AWAITING_PAYMENT, "cancel"): _rule(S.CANCELLED, LICENSEE, CENTRE),
    (S.CONCLUDED, "cancel"): _rule(S.CANCELLED, CENTRE),
    (S.CONCLUDED, "end_term"): _rule(S.ENDED, SYSTEM),
    # the patent lapsed (CNIPA's record, or the annual fee's grace period ran out): a deal
    # not yet concluded cannot be any more (services/legal_status.close_lapsed)
    (S.REQUESTED, "lapse"): _rule(S.CANCELLED, SYSTEM),
    (S.COUNTERED, "lapse"): _rule(S.CANCELLED, SYSTEM),
    (S.ACCEPTED, "lapse"): _rule(S.CANCELLED, SYSTEM),
    (S.AWAITING_PAYMENT, "lapse"): _rule(S.CANCELLED, SYSTEM),
}
# States in which a deal waits for a party (an answer, or a signature): the daily clock
# flags them after STALE_DAYS and expires them after EXPIRE_DAYS.
WAITING_STATES = (S.REQUESTED, S.COUNTERED, S.ACCEPTED)
# Actions a person starts from the deal page (the others belong to the system; signing
# has its own form, see signing.may_sign_now).
USER_ACTIONS = ("accept", "counter", "decline", "withdraw", "cancel")
# What a broker may do for its principal under a mandate: negotiate. It never signs, pays,
# cancels or records (services/mandates.py).
BROKER_ACTIONS = ("accept", "counter", "decline", "withdraw")


class TransitionNotAllowed(ServiceError):
    """The action is not allowed to this role in the deal's current state."""


# --- who is who --------------------------------------------------------------------------

def role_of(deal: Deal, user) -> str | None:
    """The user's role in the deal: licensee, licensor, centre, or None (a stranger)."""
    if user is None or not user.is_authenticated:
        return None
    org_id = member_org_id(user)  # a request to join is not membership yet
    if org_id is not None and org_id == deal.licensee_org_id:
        return LICENSEE
    if org_id is not None and org_id == deal.licensor_org_id:
        return LICENSOR
    if user.is_centre:
        return CENTRE
    return None


def broker_role(deal: Deal, user) -> str | None:
    """The role of the party ``user`` brokers for on ``deal`` under a live mandate (licensee
    or licensor), or None: not the deal's broker, or the mandate is revoked or has ended."""
    if user is None or not user.is_authenticated or deal.broker_org_id is None:
        return None
    principal = mandates.broker_principal(deal, user)
    if principal is None:
        return None
    return LICENSEE if principal == deal.licensee_org_id else LICENSOR


def viewer_role(deal: Deal, user) -> str | None:
    """The role in which ``user`` sees ``deal``: a party's, the centre's, or the role of the
    party it brokers for; None for everyone else."""
    return role_of(deal, user) or broker_role(deal, user)


def acting_role(deal: Deal, user: User, *, as_broker: bool = False) -> str:
    """The role ``user`` acts in; NotFound for strangers, PermissionDenied if unverified.
    A broker acts in its principal's role where ``as_broker`` (negotiation); elsewhere
    (signing, payments, recording) it is refused: the principal does that."""
    role = role_of(deal, user)
    if role is None:
        role = broker_role(deal, user)
        if role is not None and not as_broker:
            raise PermissionDenied(_l("A broker negotiates for its principal; the principal "
                                      "signs and pays."))
    if role is None:
        raise NotFound(_l("Deal not found."))
    if not user.can_act:
        raise PermissionDenied(_l("Your organisation must be verified before it can act on deals."))
    return role


def allowed_actions(deal: Deal, user) -> list[str]:
    """The actions ``user`` may take on ``deal`` now (what the page shows as buttons)."""
    role, actions = role_of(deal, user), USER_ACTIONS
    if role is None:
        role, actions = broker_role(deal, user), BROKER_ACTIONS
    if role is None or not user.can_act:
        return []
    return [action for action in actions
            if role in getattr(TRANSITIONS.get((deal.state, action)), "roles", ())
            and _refused_by_deal(deal, action, role) is None]


def _refused_by_deal(deal: Deal, action: str, role: str):
    """Why this deal refuses an action its state's table row allows (None when it does
    not): a side that has signed cannot withdraw, and an open licence's terms and its
    patentee's consent are given by the published declaration."""
    if deal.state != S.ACCEPTED or role not in (LICENSOR, LICENSEE):
        return None
    if deal.kind == OfferKind.OPEN_LICENCE and role == LICENSOR:
        return _l("The patentee of an open licence cannot refuse or change it: the licensee "
                  "takes it by its signature and written notice.")
    if deal.kind == OfferKind.OPEN_LICENCE and action == "counter":
        return _l("An open licence is taken on its published terms.")
    if action == "withdraw" and signing.has_signed(deal, role):
        return _l("Your side has signed this contract: it can no longer withdraw. Propose new "
                  "terms instead, or ask the centre.")
    return None


# --- the one door --------------------------------------------------------------------------

def lock(deal: Deal) -> Deal:
    """Lock the deal's patent and re-read the deal: what follows sees the latest state
    (inside a transaction that held SQLite's write lock since it began, it already does)."""
    if lock_patent(deal.patent_id):
        db.session.refresh(deal)
    return deal


def transition(deal: Deal, action: str, *, actor: User | None, role: str,
               payload: dict | None = None, flush: bool = True) -> DealEvent:
    """Move ``deal`` by ``action`` done by ``actor`` in ``role``; write its event and its
    audit row.

    Raises TransitionNotAllowed when the table does not allow it, ExclusivityConflict when
    accepting would break exclusivity. Entering a state runs its consequences (payment
    schedule, conclusion, contract number, ledger) in the same transaction; the parties'
    notices are written after the commit (:func:`deal_events.notify_pending`).
    ``flush=False`` leaves the rows to the next transition's flush (one flush for the two
    steps of a unit of work that makes both).
    """
    before = deal.state
    rule = TRANSITIONS.get((before, action))
    if rule is None or role not in rule.roles:
        raise TransitionNotAllowed(_refusal(deal, action), code="not_allowed")
    reason = _refused_by_deal(deal, action, role)
    if reason is not None:
        raise TransitionNotAllowed(reason, code="not_allowed")
    payload = _with_broker(deal, actor, payload)
    deal.state = rule.target_for(role)
    now = utcnow()
    if deal.state != before:  # a flag or a signature leaves the clock of the state running
        deal.state_changed_at = now
    # What follows reads nothing the rows added here could change (recipients, choices,
    # the other deals of the patent, the contract's versions): no autoflush before each
    # read, one flush at the end (inserts of a table go out together). A stale version
    # or the exclusivity index still refuses the transition there, as a typed error.
    with _typed_flush_errors(), db.session.no_autoflush:
        event = DealEvent(deal=deal, actor_user_id=getattr(actor, "id", None), actor_role=role,
                          action=action, from_state=before.value if before else None,
                          to_state=deal.state.value, payload=payload or {}, at=now)
        if before is None:
            db.session.add(deal)
        db.session.add(event)
        if deal.id is None:
            db.session.flush()  # the new deal's id: its audit row, links and contract name it
        audit.record(f"deal.{action}", actor=actor, target=deal, role=role,
                     from_state=event.from_state, to_state=event.to_state,
                     reason=(payload or {}).get("reason"))
        _enter(deal, before, action, actor)  # its notices follow the commit (deal_events)
        if flush:
            db.session.flush()
    return event


def _with_broker(deal: Deal, actor: User | None, payload: dict | None) -> dict | None:
    """The event of a broker's action says so: the agency acted for the party whose role
    the event names."""
    if actor is None or deal.broker_org_id is None or actor.org_id != deal.broker_org_id:
        return payload
    return {**(payload or {}), "broker_org_id": deal.broker_org_id}


def _refusal(deal: Deal, action: str):
    if deal.state is None:
        return _l("This action is not allowed.")
    return _l("This deal is now “%(state)s”: “%(action)s” is no longer possible. "
              "The page shows what you can do now.",
              state=labels.state_label(deal.state), action=labels.action_label(action))


@contextmanager
def _typed_flush_errors() -> Iterator[None]:
    """Flushes inside say why the database refused: a concurrent change of the deal
    (TransitionNotAllowed), the exclusivity index (ExclusivityConflict) or a second
    signature of one side (signing.SignatureRefused)."""
    try:
        yield
    except StaleDataError as exc:
        raise TransitionNotAllowed(_l("Someone changed this deal at the same moment. Reload the "
                                      "page to see its current state."), code="stale") from exc
    except IntegrityError as exc:
        if "uq_deal_exclusive_in_force" in str(exc.orig) or "deal.patent_id" in str(exc.orig):
            raise ExclusivityConflict(_l("An exclusive or sole licence is already in force for "
                                         "this patent, territory and field."),
                                      code="exclusive_taken") from exc
        if signing.is_second_signature(exc):
            raise signing.already_signed() from exc
        raise


def _flush() -> None:
    with _typed_flush_errors():
        db.session.flush()


def _enter(deal: Deal, before: DealState | None, action: str, actor) -> None:
    """The consequences of entering ``deal.state``."""
    if deal.state == S.ACCEPTED and before != S.ACCEPTED:
        # terms agreed: the contract is frozen as they stand, and waits for signatures
        check_exclusivity(deal)
        signing.freeze(deal)
    elif before == S.ACCEPTED and action == "counter":
        signing.void_current(deal)  # new terms: a new version that both sides sign
    elif deal.state == S.CONCLUDED:
        check_exclusivity(deal)
        deal.concluded_at = utcnow()
        version = signing.current_version(deal)  # the text both sides signed
        if not deal.schedule:  # legacy deals (paid before concluding) already have one
            _create_schedule(deal, version.data if version else None)
        deal.snapshot_parties()  # the contract keeps these names after any later rename
        deal.contract_number = (version.data.get("contract_number") if version else None) or \
            f"SYIP-{local_date(deal.concluded_at).year}-{deal.id:06d}"
        ledger.record_conclusion(deal)
        if deal.kind == OfferKind.ASSIGNMENT:
            _flush()  # the listing's and the other deals' changes read the sale as it stands
            _close_after_assignment(deal)
    elif deal.state == S.CANCELLED:
        for item in deal.schedule:
            if item.status == ScheduleStatus.DUE:
                item.status = ScheduleStatus.CANCELLED
        if before == S.CONCLUDED:
            ledger.record_reversal(deal)


def _close_after_assignment(sale: Deal) -> None:
    """The patent of ``sale`` changed hands: its listing leaves the market and the requests
    still waiting for an answer on it are closed (licences already granted stay in force)."""
    listings.close_after_assignment(sale.patent, sale.contract_number)
    waiting = db.session.scalars(select(Deal).where(
        Deal.patent_id == sale.patent_id, Deal.id != sale.id,
        Deal.state.in_((S.REQUESTED, S.COUNTERED))).order_by(Deal.id)).all()
    for deal in waiting:
        transition(deal, "close", actor=None, role=SYSTEM,
                   payload={"assignment": sale.contract_number})


def _create_schedule(deal: Deal, signed: dict | None = None) -> None:
    """The deal's payment rows: those of the contract both sides signed (``signed``, its frozen
    data), so the payments list says what the contract says; a due date the signatures
    overtook falls on the day the contract took effect, as the contract's text provides.
    Without a signed text (legacy deals), computed from the terms as of today."""
    today = local_today()
    if signed is not None and signed.get("schedule") is not None:
        rows = [(i["kind"], i["amount_fen"],
                 max(date.fromisoformat(i["due_on"]), today) if i["due_on"] else None,
                 i["trigger"]) for i in signed["schedule"]]
    elif deal.kind == OfferKind.ASSIGNMENT:
        rows = [("assignment_price", deal.price_fen or 0, today, None)] if deal.price_fen else []
    else:
        rows = [(i.kind, i.amount_fen, i.due_on, i.trigger)
                for i in payment_schedule(deal.terms(), today)]
    for n, (kind, amount, due_on, trigger) in enumerate(rows, start=1):
        db.session.add(PaymentScheduleItem(
            deal=deal, kind=kind, amount_fen=amount, currency=deal.currency, due_on=due_on,
            trigger=trigger, reference=f"SYIP-P-{deal.id:06d}{n:02d}"))
    _add_broker_fee(deal, len(rows) + 1, today)


def _add_broker_fee(deal: Deal, n: int, today: date) -> None:
    """The broker's fee of the mandate, due on conclusion from the principal to the agency:
    a row of its own after the contract's rows (the licence contract between the parties
    does not name it). None when the deal has no broker or fee, or when no live mandate
    of a party covers the deal any more (revoked before conclusion: no fee under it)."""
    if deal.broker_org_id is None or not deal.broker_fee_fen:
        return
    principal = mandates.brokered_principal(deal)
    if principal is None:
        return
    db.session.add(PaymentScheduleItem(
        deal=deal, kind=BROKER_FEE, amount_fen=deal.broker_fee_fen, currency=deal.currency,
        due_on=today, trigger=None, reference=f"SYIP-P-{deal.id:06d}{n:02d}",
        payer_org_id=principal))


# --- starting a deal -------------------------------------------------------------------------

def _require_licensee(user: User, offer: Offer, org: Organisation | None = None) -> None:
    """``user`` (or, for a broker, the principal ``org``) may request or take ``offer``."""
    require_taker(user, offer, org)
    patent = offer.patent
    if not offer.active or not patent.is_public:
        raise NotFound(_l("This offer is no longer available."))
    if patent.owner_org_id == (org.id if org is not None else user.org_id):
        raise PermissionDenied(_l("You cannot take a licence of your own patent."))


def _new_deal(user: User, offer: Offer, licensee: Organisation | None = None,
              **fields) -> Deal:
    licensee = licensee or user.org
    values = dict(patent_id=offer.patent_id, offer_id=offer.id, kind=offer.kind,
                  licence_kind=offer.licence_kind, licensor_org_id=offer.patent.owner_org_id,
                  licensee_org_id=licensee.id, **terms_values(offer.terms()),
                  price_fen=offer.asking_price_fen)
    values.update(fields)
    deal = Deal(**values, schedule=[])  # a new deal has no payment rows: none to load later
    deal.patent, deal.offer, deal.licensee = offer.patent, offer, licensee
    deal.licensor = offer.patent.owner
    return deal


_HOLDS_OPEN_LICENCE = select(exists().where(
    Deal.offer_id == bindparam("offer_id"), Deal.licensee_org_id == bindparam("org_id"),
    Deal.state.in_((S.ACCEPTED, S.AWAITING_PAYMENT, S.CONCLUDED))))


def take_open(user: User, offer: Offer, details: dict) -> Deal:
    """Take ``offer`` (an open licence) on its published terms.

    ``details``: legal_name, credit_code, address, field_of_use, expected_start (a date).
    Writes the written notice to the patentee as the first event (the patentee is told at
    once) and freezes the contract: the licence is concluded when the licensee signs it.
    Raises PermissionDenied, NotFound, ServiceError (details, patent status) or
    ExclusivityConflict.
    """
    if offer.kind != OfferKind.OPEN_LICENCE:
        raise NotFound(_l("This offer is not an open licence."))
    _require_licensee(user, offer)
    patent = offer.patent
    if not in_force(patent, local_today()):
        raise ServiceError(_l("Only a granted patent in force can be taken under an open licence."))
    require_announced(offer)
    if (details.get("credit_code") or "").strip().upper() != user.org.credit_code:
        raise ServiceError(_l("The credit code must be your organisation's verified code."),
                           field="credit_code")
    lock_patent(patent.id)
    if db.session.scalar(_HOLDS_OPEN_LICENCE, {"offer_id": offer.id, "org_id": user.org_id}):
        raise ServiceError(_l("Your organisation already holds this open licence."),
                           code="duplicate")
    clean = {key: str(details.get(key) or "").strip()
             for key in ("legal_name", "credit_code", "address", "field_of_use")}
    start = details.get("expected_start")
    deal = _new_deal(user, offer, licence_kind=LicenceKind.NON_EXCLUSIVE, price_fen=None,
                     licensee_details=clean, expected_start=start, proposed_by=LICENSEE)
    notice = deal_events.written_notice(deal, clean, start)
    transition(deal, "take_open", actor=user, role=LICENSEE,
               payload={"notice": notice, "details": clean,
                        "expected_start": start.isoformat() if start else None})
    return deal


def _apply_proposal(deal: Deal, proposal: dict) -> dict:
    """Validate ``proposal`` (term fields) against the patent and put it on the deal.
    Returns the proposal as stored in the event. Raises FieldErrors."""
    if deal.kind == OfferKind.ASSIGNMENT:
        price = proposal.get("price_fen")
        if not isinstance(price, int) or isinstance(price, bool) or price <= 0:
            raise FieldErrors([FieldError("price_fen", _l("Enter the price you propose."))],
                              code="terms")
        deal.price_fen = price
        return {"price_fen": price}
    kind = proposal.get("licence_kind") or (deal.licence_kind.value if deal.licence_kind else "")
    terms = LicenceTerms(
        upfront_fee_fen=proposal.get("upfront_fee_fen", 0) or 0, currency="CNY",
        upfront_mode=proposal.get("upfront_mode") or "due_at_signing",
        deferral_kind=proposal.get("deferral_kind") or None,
        deferral_months=proposal.get("deferral_months"),
        royalty_bp=proposal.get("royalty_bp", 0) or 0,
        royalty_base=proposal.get("royalty_base") or "net_sales",
        royalty_threshold_fen=proposal.get("royalty_threshold_fen", 0) or 0,
        min_annual_royalty_fen=proposal.get("min_annual_royalty_fen", 0) or 0,
        term_years=proposal.get("term_years") or 0,
        territory=(proposal.get("territory") or DEFAULT_TERRITORY).strip(),
        field_of_use=(proposal.get("field_of_use") or "").strip())
    if kind == "open_licence" or kind not in {k.value for k in LicenceKind}:
        kind = "invalid"
    remaining = remaining_life_days(deal.patent, local_today())
    errors = validate_terms(terms, remaining_life_days=remaining, kind=kind)
    if errors:
        raise FieldErrors([FieldError("licence_kind" if e.field == "kind" else e.field,
                                      e.message) for e in errors], code="terms")
    deal.licence_kind = LicenceKind(kind)
    deal.set_terms(terms)
    return {"licence_kind": kind, **terms_values(terms)}


def request_deal(user: User, offer: Offer, proposal: dict, message: str = "", *,
                 for_org: Organisation | None = None) -> Deal:
    """An SME or larger enterprise proposes terms for ``offer`` (a licence on request or an
    assignment); or a broker for its principal ``for_org``, under a live mandate with the drafting scope
    covering the patent (the deal records the agency, the broker and the mandate's fee).
    A request a buyer makes itself on a patent whose owner mandated an agency records that
    agency as the deal's broker: its brokers answer for the patentee.

    Raises PermissionDenied, NotFound, FieldErrors, ServiceError (open request exists)
    or ExclusivityConflict (the patent cannot be licensed that way any more).
    """
    if offer.kind == OfferKind.OPEN_LICENCE:
        raise ServiceError(_l("An open licence is taken on its published terms, not requested."))
    if for_org is not None:
        mandate = mandates.require_drafting_mandate(user, for_org, offer.patent_id)
        broker = dict(broker_org_id=mandate.agency_org_id, broker_user_id=user.id,
                      broker_fee_fen=mandate.fee_fen)
    else:  # the patentee's agency, when it holds a live mandate on the patent, answers for it
        mandate = mandates.licensor_mandate(offer.patent)
        broker = dict(broker_org_id=mandate.agency_org_id, broker_fee_fen=mandate.fee_fen) \
            if mandate else {}
    _require_licensee(user, offer, for_org)
    licensee = for_org or user.org
    if db.session.scalar(select(exists().where(
            Deal.offer_id == offer.id, Deal.licensee_org_id == licensee.id,
            Deal.state.in_((S.REQUESTED, S.COUNTERED))))):
        raise ServiceError(_l("You already have an open request for this offer.")
                           if for_org is None else
                           _l("%(org)s already has an open request for this offer.",
                              org=for_org.name), code="duplicate")
    deal = _new_deal(user, offer, licensee, proposed_by=LICENSEE, **broker)
    stored = _apply_proposal(deal, proposal)
    check_exclusivity(deal)  # early answer; decided again under the lock on acceptance
    transition(deal, "request", actor=user, role=LICENSEE, payload={"terms": stored})
    _add_message(deal, user, message)
    return deal


# --- negotiation ---------------------------------------------------------------------------

def _add_message(deal: Deal, user: User, body: str) -> DealMessage | None:
    body = (body or "").strip()
    if not body:
        return None
    message = DealMessage(deal=deal, author_user_id=user.id, body=body[:5000])
    db.session.add(message)
    return message


def counter(deal: Deal, user: User, proposal: dict, message: str | None = "") -> DealEvent:
    """Propose other terms (the side whose turn it is, or either side while the frozen
    contract waits for signatures: that version is voided); the message is optional.
    Raises TransitionNotAllowed, FieldErrors."""
    message = message or ""  # a form posted without the field gives None
    role = acting_role(deal, user, as_broker=True)
    lock(deal)
    if (deal.state, "counter") not in TRANSITIONS or role not in TRANSITIONS[
            (deal.state, "counter")].roles:
        raise TransitionNotAllowed(_refusal(deal, "counter"), code="not_allowed")
    reason = _refused_by_deal(deal, "counter", role)
    if reason is not None:
        raise TransitionNotAllowed(reason, code="not_allowed")
    stored = _apply_proposal(deal, proposal)
    deal.proposed_by = role
    event = transition(deal, "counter", actor=user, role=role,
                       payload={"terms": stored, "message": message.strip()[:500]})
    _add_message(deal, user, message)
    return event


def accept(deal: Deal, user: User) -> DealEvent:
    """Accept the terms on the table: the contract is frozen and waits for both signatures.
    Raises TransitionNotAllowed (also for a second, double-submitted accept) or
    ExclusivityConflict."""
    role = acting_role(deal, user, as_broker=True)
    lock(deal)
    return transition(deal, "accept", actor=user, role=role)


def sign(deal: Deal, user: User, proof: signing.Reauthenticated, *, sha256: str,
         ip: str = "", user_agent: str = "") -> DealEvent:
    """Sign the deal's current contract version for the user's side (after
    :func:`signing.reauthenticate`); the last required signature concludes the deal.
    ``sha256`` is the hash of the version the signer was shown. Raises
    TransitionNotAllowed (not awaiting signatures), PermissionDenied (no authority) or
    signing.SignatureRefused (another version, already signed)."""
    role = acting_role(deal, user)
    lock(deal)  # two signatures at once: the second sees the first and concludes
    rule = TRANSITIONS.get((deal.state, "sign"))
    if rule is None or role not in rule.roles:
        raise TransitionNotAllowed(_refusal(deal, "sign"), code="not_allowed")
    signature, version = signing.record_signature(deal, user, role, proof, sha256=sha256, ip=ip,
                                                  user_agent=user_agent)
    last = signing.all_signed(deal, version)
    event = transition(deal, "sign", actor=user, role=role, flush=not last,
                       payload={"version": version.number, "sha256": signature.sha256,
                                "signer_name": signature.signer_name, "last": last})
    if last:  # its flush writes the signature and both steps
        transition(deal, "conclude", actor=None, role=SYSTEM, payload={"version": version.number})
    return event


def decline(deal: Deal, user: User, reason: str) -> DealEvent:
    role = acting_role(deal, user, as_broker=True)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say why you decline."), field="reason")
    lock(deal)
    event = transition(deal, "decline", actor=user, role=role, payload={"reason": reason[:1000]})
    _add_message(deal, user, reason)
    return event


def withdraw(deal: Deal, user: User) -> DealEvent:
    role = acting_role(deal, user, as_broker=True)
    lock(deal)
    return transition(deal, "withdraw", actor=user, role=role)


def cancel(deal: Deal, user: User, reason: str = "") -> DealEvent:
    """Cancel (the centre at any open or concluded stage; the licensee before paying). A
    concluded deal gets a reversing ledger row."""
    role = acting_role(deal, user)
    lock(deal)
    return transition(deal, "cancel", actor=user, role=role,
                      payload={"reason": (reason or "").strip()[:1000]})


def post_message(deal: Deal, user: User, body: str) -> DealMessage:
    role = acting_role(deal, user, as_broker=True)
    if role == CENTRE:
        raise PermissionDenied(_l("Only the parties write in the deal's thread."))
    message = _add_message(deal, user, body)
    if message is None:
        raise ServiceError(_l("Write a message."), field="body")
    deal_events.notify_message(deal, user, role)
    return message


# --- payments and the clock ----------------------------------------------------------------

def confirm_payment(schedule_item: PaymentScheduleItem, *, actor: User | None = None,
                    amount_fen: int, currency: str, paid_at: datetime, reference: str) -> bool:
    """Mark ``schedule_item`` paid; when every upfront item of a (legacy) deal awaiting
    payment is paid, conclude it (a deal is otherwise concluded by its signatures, before
    anything is due). Returns False when the item was already paid (a replay). Raises
    ServiceError for a wrong amount or currency, TransitionNotAllowed for a closed deal."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError("amount_fen must be an int number of fen")
    deal = lock(schedule_item.deal)
    db.session.refresh(schedule_item)
    if schedule_item.status == ScheduleStatus.PAID:
        return False
    if schedule_item.status != ScheduleStatus.DUE:
        raise ServiceError(_l("This payment is no longer due."), code="not_due")
    if amount_fen != schedule_item.amount_fen or currency != schedule_item.currency:
        raise ServiceError(_l("The amount paid does not match the amount due."),
                           code="amount_mismatch")
    schedule_item.status = ScheduleStatus.PAID
    schedule_item.paid_at = paid_at
    role = CENTRE if actor is not None and actor.is_centre else SYSTEM
    upfront_paid = all(item.status == ScheduleStatus.PAID for item in deal.schedule
                       if item.kind in UPFRONT_KINDS)
    if deal.state == S.AWAITING_PAYMENT and upfront_paid:
        transition(deal, "payment_confirmed", actor=actor, role=role,
                   payload={"item": schedule_item.reference, "reference": reference,
                            "amount_fen": amount_fen})
    else:
        _flush()
    audit.record("deal.payment", actor=actor, target=deal, item=schedule_item.reference,
                 reference=reference, amount_fen=amount_fen)
    return True


def flag_stale(now: datetime | None = None) -> dict:
    """The daily clock of the deals: flag requests, counter-offers and contracts unanswered
    or unsigned for STALE_DAYS to both sides and the centre (once per state), expire those
    left for EXPIRE_DAYS, end the licences whose term is over, and tell the parties about overdue
    payments (once per item). Returns the counts."""
    now = now or utcnow()
    counts = {"flagged": 0, "expired": 0, "ended": 0, "overdue": 0}
    waiting = db.session.scalars(select(Deal).where(
        Deal.state.in_(WAITING_STATES),
        Deal.state_changed_at < now - timedelta(days=STALE_DAYS)).order_by(Deal.id)).all()
    for deal in waiting:
        lock(deal)
        if deal.state not in WAITING_STATES:
            continue
        if deal.state_changed_at < now - timedelta(days=EXPIRE_DAYS):
            transition(deal, "expire", actor=None, role=SYSTEM)
            counts["expired"] += 1
        elif not any(e.action == "flag_stale" and e.at >= deal.state_changed_at
                     for e in deal.events):
            transition(deal, "flag_stale", actor=None, role=SYSTEM,
                       payload={"days": (now - deal.state_changed_at).days})
            counts["flagged"] += 1
    counts["ended"] = end_terms(local_date(now))
    counts["overdue"] = deal_events.notify_overdue(local_date(now))
    return counts


def end_terms(today: date) -> int:
    """Move concluded licences whose term has run out (``Deal.term_ends_on``) to ENDED: they
    no longer block an exclusive licence or count as in force. The ledger keeps them: a
    concluded deal stays a concluded deal. Returns how many ended."""
    # the shortest term is one year from the (Shenyang) day of conclusion
    concluded_by = local_day_start(today - timedelta(days=365) + timedelta(days=1))
    candidates = db.session.scalars(
        select(Deal).join(Patent, Patent.id == Deal.patent_id).where(
            Deal.state == S.CONCLUDED, Deal.kind != OfferKind.ASSIGNMENT,
            or_(Patent.expiry_date <= today,
                Deal.concluded_at < concluded_by))
        .order_by(Deal.id)).all()
    ended = 0
    for deal in candidates:
        if deal.term_ends_on is None or deal.term_ends_on > today:
            continue
        lock(deal)
        if deal.state == S.CONCLUDED:
            transition(deal, "end_term", actor=None, role=SYSTEM,
                       payload={"ended_on": deal.term_ends_on.isoformat()})
            ended += 1
    return ended


def mark_recorded(deal: Deal, user: User, record_number: str) -> None:
    """The licensor records the CNIPA record number of the concluded licence."""
    role = acting_role(deal, user)
    if role != LICENSOR:
        raise PermissionDenied(_l("The licensor records the contract with CNIPA."))
    if deal.state != S.CONCLUDED:
        raise ServiceError(_l("Only a concluded contract can be recorded."))
    number = (record_number or "").strip()
    if not number:
        raise ServiceError(_l("Enter the CNIPA record number."), field="record_number")
    deal.cnipa_record_number = number[:60]
    deal.recorded_at = utcnow()
    audit.record("deal.recorded", actor=user, target=deal, record_number=number)
    _flush()
    ledger.record_registration(deal, local_date(deal.recorded_at))  # the registration view
    _flush()
