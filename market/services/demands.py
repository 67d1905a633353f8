"""Technology demands (技术需求): the one state machine, who may see what, and answers.

Every change of ``Demand.state`` goes through :func:`transition`, which checks the
(state, action, role) table, writes a :class:`DemandEvent` in the same transaction and raises
:class:`TransitionNotAllowed` otherwise. Actions re-read the demand first and the ``version``
column refuses a stale write, so a double-submitted form is refused the second time.
Matching (which listings fit a demand, which demands a new listing fits) runs after the
commit: :mod:`market.services.demand_matching`. Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.demands import MAX_ANSWER_PATENTS
from ..extensions import db
from ..models import (
    OPEN_DEMAND_STATES,
    Demand,
    DemandAnswer,
    DemandEvent,
    DemandState,
    DemandVisibility,
    ListingStatus,
    Patent,
    User,
)
from ..models.base import utcnow
from ..permissions import member_org_id
from . import audit, notifications
from .errors import NotFound, PermissionDenied, ServiceError

OWNER, LICENSOR, CENTRE, SYSTEM = "owner", "licensor", "centre", "system"
S = DemandState


@dataclass(frozen=True)
class Rule:
    target: DemandState
    roles: frozenset[str]


def _rule(target: DemandState, *roles: str) -> Rule:
    return Rule(target, frozenset(roles))


# (state before, action) -> (state after, roles allowed). The centre's "reject" sends the
# demand back to its owner as a draft, with the reason to correct.
TRANSITIONS: dict[tuple[DemandState | None, str], Rule] = {
    (None, "create"): _rule(S.DRAFT, OWNER),
    (S.DRAFT, "submit"): _rule(S.PENDING, OWNER),
    (S.DRAFT, "close"): _rule(S.CLOSED, OWNER),
    (S.PENDING, "approve"): _rule(S.PUBLISHED, CENTRE),
    (S.PENDING, "reject"): _rule(S.DRAFT, CENTRE),
    (S.PENDING, "close"): _rule(S.CLOSED, OWNER),
    (S.PUBLISHED, "answer"): _rule(S.ANSWERED, LICENSOR),
    (S.PUBLISHED, "close"): _rule(S.CLOSED, OWNER, CENTRE),
    (S.PUBLISHED, "expire"): _rule(S.EXPIRED, SYSTEM),
    (S.ANSWERED, "answer"): _rule(S.ANSWERED, LICENSOR),
    (S.ANSWERED, "close"): _rule(S.CLOSED, OWNER, CENTRE),
    (S.ANSWERED, "expire"): _rule(S.EXPIRED, SYSTEM),
}


class TransitionNotAllowed(ServiceError):
    """The action is not allowed to this role in the demand's current state."""


# --- who is who --------------------------------------------------------------------------

def role_of(demand: Demand, user) -> str | None:
    """owner (a member of the SME that posted it), centre, licensor (a verified university
    or institute), or None."""
    if user is None or not user.is_authenticated:
        return None
    if member_org_id(user) == demand.owner_org_id:
        return OWNER
    if user.is_centre:
        return CENTRE
    if sees_restricted(user):
        return LICENSOR
    return None


def sees_restricted(user) -> bool:
    """Whether ``user`` sees demands shown only to universities and institutes: the centre
    and verified universities and institutes."""
    return user.is_authenticated and (user.is_centre or (user.can_act
                                                         and user.org.is_licensor_kind))


def can_view(demand: Demand, user) -> bool:
    """Its owner and the centre see a demand in any state; others a published one (or one
    that was, now closed or expired), and a restricted one only if they are a verified
    university or institute."""
    role = role_of(demand, user)
    if role in (OWNER, CENTRE):
        return True
    if demand.published_at is None or demand.state in (S.DRAFT, S.PENDING):
        return False
    return demand.visibility == DemandVisibility.PUBLIC or role == LICENSOR


def visible_demand(demand_id: int, user) -> Demand:
    demand = db.session.get(Demand, demand_id)
    if demand is None or not can_view(demand, user):
        raise NotFound(_l("Demand not found."))
    return demand


def allowed_actions(demand: Demand, user) -> list[str]:
    role = role_of(demand, user)
    if role is None or not user.can_act:
        return []
    return [action for (state, action), rule in TRANSITIONS.items()
            if state == demand.state and role in rule.roles and action != "answer"]


# --- the one door --------------------------------------------------------------------------

def transition(demand: Demand, action: str, *, actor: User | None, role: str,
               payload: dict | None = None) -> DemandEvent:
    """Move ``demand`` by ``action`` of ``actor`` in ``role``; write its event and audit row.
    Raises TransitionNotAllowed when the table does not allow it (or when the demand was
    changed by someone else at the same moment)."""
    before = demand.state
    rule = TRANSITIONS.get((before, action))
    if rule is None or role not in rule.roles:
        raise TransitionNotAllowed(_l("This demand can no longer be changed that way. The "
                                      "page shows what you can do now."), code="not_allowed")
    now = utcnow()
    demand.state = rule.target
    if demand.state != before:
        demand.state_changed_at = now
    if demand.state == S.PUBLISHED and demand.published_at is None:
        demand.published_at = now
    event = DemandEvent(demand=demand, actor_user_id=getattr(actor, "id", None),
                        actor_role=role, action=action,
                        from_state=before.value if before else None,
                        to_state=demand.state.value, payload=payload or {}, at=now)
    if before is None:
        db.session.add(demand)
    db.session.add(event)
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise TransitionNotAllowed(_l("Someone changed this demand at the same moment. Reload "
                                      "the page to see its current state."),
                                   code="stale") from exc
    audit.record(f"demand.{action}", actor=actor, target=demand, role=role,
                 from_state=event.from_state, to_state=event.to_state,
                 reason=(payload or {}).get("reason"))
    return event


def _fresh(demand: Demand) -> Demand:
    """Re-read the demand so a second submit of the same form sees the new state."""
    db.session.refresh(demand)
    return demand


def _acting_role(demand: Demand, user: User, *wanted: str) -> str:
    role = role_of(demand, user)
    if role not in wanted or not user.can_act:
        raise PermissionDenied(_l("You may not do this with this demand."))
    return role


def _link(demand: Demand) -> str:
    return f"/demands/{demand.id}"


# --- the SME's actions -------------------------------------------------------------------------

def create(user: User, fields: dict) -> Demand:
    """A draft demand of the user's SME with ``fields`` (the form's cleaned values). The same
    form sent again (a double submit, a reload after a lost answer) returns the draft it
    made instead of a second one."""
    if not (user.can_act and user.org.kind == "sme"):
        raise PermissionDenied(_l("Only a verified SME posts technology demands."))
    same = db.session.scalar(select(Demand).where(
        Demand.owner_org_id == user.org_id, Demand.created_by_user_id == user.id,
        Demand.state == S.DRAFT, Demand.title == fields.get("title"),
        Demand.description == fields.get("description")).limit(1))
    if same is not None:
        return same
    demand = Demand(owner_org_id=user.org_id, created_by_user_id=user.id, **fields)
    transition(demand, "create", actor=user, role=OWNER)
    return demand


def update(demand: Demand, user: User, fields: dict) -> None:
    """Change a draft (a returned one included)."""
    _acting_role(_fresh(demand), user, OWNER)
    if demand.state != S.DRAFT:
        raise TransitionNotAllowed(_l("Only a draft can be changed."), code="not_allowed")
    for name, value in fields.items():
        setattr(demand, name, value)
    db.session.flush()


def submit(demand: Demand, user: User) -> None:
    """Send a draft to the centre's moderation."""
    role = _acting_role(_fresh(demand), user, OWNER)
    transition(demand, "submit", actor=user, role=role)
    demand.rejection_reason = None
    notifications.notify_centre("demand_submitted",
                                _l("A technology demand waits for moderation: %(title)s",
                                   title=demand.title), demand.owner.name,
                                "/centre/listings/hidden")


def close(demand: Demand, user: User) -> None:
    role = _acting_role(_fresh(demand), user, OWNER, CENTRE)
    transition(demand, "close", actor=user, role=role)


# --- the centre's moderation -------------------------------------------------------------------

def approve(demand: Demand, user: User) -> None:
    """Publish a pending demand; its matches are found after the commit."""
    role = _acting_role(_fresh(demand), user, CENTRE)
    transition(demand, "approve", actor=user, role=role)
    notifications.notify_org(demand.owner, "demand_published",
                             _l("Your technology demand is published: %(title)s",
                                title=demand.title),
                             _l("The centre approved it. Matching listings are on its page."),
                             _link(demand))


def reject(demand: Demand, user: User, reason: str) -> None:
    """Return a pending demand to its owner as a draft, with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason the owner can act on."), field="reason")
    role = _acting_role(_fresh(demand), user, CENTRE)
    transition(demand, "reject", actor=user, role=role, payload={"reason": reason})
    demand.rejection_reason = reason
    notifications.notify_org(demand.owner, "demand_returned",
                             _l("Your technology demand was returned: %(title)s",
                                title=demand.title), reason, _link(demand))


def pending_demands() -> list[Demand]:
    return list(db.session.scalars(select(Demand).where(Demand.state == S.PENDING)
                                   .order_by(Demand.state_changed_at, Demand.id)))


# --- answers -------------------------------------------------------------------------------

def answerable_patents(user: User) -> list[Patent]:
    """The listings an organisation may answer with: its own, published and shown."""
    return list(db.session.scalars(
        select(Patent).where(Patent.owner_org_id == user.org_id,
                             Patent.status == ListingStatus.PUBLISHED,
                             Patent.hidden.is_(False)).order_by(Patent.id.desc())))


def answer(demand: Demand, user: User, *, patent_ids: list[int], proposal: str,
           collaboration: bool) -> DemandAnswer:
    """A university's answer: some of its listed patents and a proposal, or (with
    ``collaboration``) an offer to develop the technology. One answer per organisation:
    a second (a double submit) is refused."""
    role = _acting_role(_fresh(demand), user, LICENSOR)
    if not can_view(demand, user):
        raise NotFound(_l("Demand not found."))
    own = {p.id: p for p in answerable_patents(user)}
    chosen = [own[i] for i in dict.fromkeys(patent_ids) if i in own]
    if len(chosen) != len(set(patent_ids)):
        raise ServiceError(_l("Choose among your own published listings."), field="patent_ids")
    if len(chosen) > MAX_ANSWER_PATENTS:
        raise ServiceError(_l("At most %(n)d patents.", n=MAX_ANSWER_PATENTS), field="patent_ids")
    if not chosen and not collaboration:
        raise ServiceError(_l("Choose at least one of your patents, or offer to develop it."),
                           field="patent_ids")
    if _answered_by(demand, user.org_id):
        raise ServiceError(_l("Your organisation has answered this demand already."),
                           code="answered")
    transition(demand, "answer", actor=user, role=role,
               payload={"patents": [p.id for p in chosen], "collaboration": collaboration})
    if demand.first_answered_at is None:
        demand.first_answered_at = utcnow()
    reply = DemandAnswer(demand=demand, org_id=user.org_id, user_id=user.id,
                         collaboration=collaboration, proposal=proposal.strip())
    reply.patents = chosen
    db.session.add(reply)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # the same answer posted twice at once
        raise ServiceError(_l("Your organisation has answered this demand already."),
                           code="answered") from exc
    notifications.notify_org(demand.owner, "demand_answer",
                             _l("%(org)s answered your demand: %(title)s", org=user.org.name,
                                title=demand.title), proposal[:300], _link(demand))
    return reply


def _answered_by(demand: Demand, org_id: int) -> DemandAnswer | None:
    return db.session.scalar(select(DemandAnswer).where(DemandAnswer.demand_id == demand.id,
                                                        DemandAnswer.org_id == org_id))


def answers_for(demand: Demand, user) -> list[DemandAnswer]:
    """The answers ``user`` may read: all of them for the owner and the centre, its own
    organisation's for a university, none for anyone else."""
    role = role_of(demand, user)
    if role in (OWNER, CENTRE):
        return list(demand.answers)
    if role == LICENSOR:
        return [a for a in demand.answers if a.org_id == user.org_id]
    return []


# --- the clock -----------------------------------------------------------------------------

def expire_due(today: date) -> int:
    """Expire the open demands whose deadline has passed. Returns how many."""
    due = db.session.scalars(select(Demand).where(Demand.state.in_(OPEN_DEMAND_STATES),
                                                  Demand.deadline.is_not(None),
                                                  Demand.deadline < today)).all()
    for demand in due:
        transition(demand, "expire", actor=None, role=SYSTEM)
    return len(due)


# --- from an answer to a licence request -----------------------------------------------------

def request_prefill(user, patent: Patent, demand_id: int | None) -> dict:
    """What the licence request form starts from when an SME comes from an answer to its
    demand ``demand_id`` naming ``patent``: the licence kind it wanted and a first message
    naming the demand. Empty when the link does not hold (not its demand, not answered with
    that patent): the form then starts from the offer as usual."""
    if demand_id is None:
        return {}
    demand = db.session.get(Demand, demand_id)
    if demand is None or role_of(demand, user) != OWNER:
        return {}
    if not any(patent in a.patents for a in demand.answers):
        return {}
    out = {"message": str(_l("About our technology demand “%(title)s”: your answer proposed "
                             "this patent.", title=demand.title))}
    if demand.wanted_kind in ("exclusive", "sole", "non_exclusive"):
        out["licence_kind"] = demand.wanted_kind
    return out
