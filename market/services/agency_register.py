"""The centre's register of service agencies: entry (the verification) and exit or
suspension (dynamic monitoring), complaints and their outcomes, yearly evaluations against
the centre's criteria, credit notes, and the figures of each agency's record. The plan's
agency count (``indicator``) is computed here from these records."""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.custody import AGENCY_TARGET
from ..domain.dates import local_date, local_today
from ..extensions import db
from ..models import (
    AgencyComplaint,
    AgencyCreditNote,
    AgencyEvaluation,
    AgencyStatusEvent,
    CustodyAgreement,
    CustodyEvent,
    Deal,
    DealEvent,
    EvaluationCriterion,
    Organisation,
    OrgKind,
    OrgStatus,
    User,
)
from ..models.agency_register import (
    COMPLAINT_OUTCOMES,
    CREDIT_NOTE_KINDS,
    EXIT,
    GRADES,
    REINSTATEMENT,
    SUSPENSION,
)
from ..models.base import utcnow
from . import audit, notifications
from .agencies import deals_brokered
from .custody_stats import custody_smes_by_agency
from .errors import NotFound, ServiceError

ACTIVE, SUSPENDED, EXITED = "active", "suspended", "exited"
_STATE_AFTER = {EXIT: EXITED, SUSPENSION: SUSPENDED, REINSTATEMENT: ACTIVE}


def entry_date(org: Organisation) -> date:
    """The day the agency entered the register: its verification (its registration for a
    row verified before the date was kept)."""
    return local_date(org.verified_at or org.created_at)


def _events(agency_id: int | None = None) -> list[AgencyStatusEvent]:
    query = select(AgencyStatusEvent).order_by(AgencyStatusEvent.effective_on,
                                               AgencyStatusEvent.id)
    if agency_id is not None:
        query = query.where(AgencyStatusEvent.agency_org_id == agency_id)
    return list(db.session.scalars(query))


def _state(events: list[AgencyStatusEvent], as_of: date) -> tuple[str, AgencyStatusEvent | None]:
    last = None
    for event in events:
        if event.effective_on <= as_of:
            last = event
    return (_STATE_AFTER[last.kind] if last else ACTIVE), last


def state_of(org: Organisation, as_of: date | None = None) -> str:
    return _state(_events(org.id), as_of or local_today())[0]


def is_active(org: Organisation, as_of: date | None = None) -> bool:
    """A verified agency that has not left the register and is not suspended."""
    return org.kind == OrgKind.AGENCY and org.is_verified and state_of(org, as_of) == ACTIVE


def verified_agencies() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.AGENCY, Organisation.status == OrgStatus.VERIFIED)
        .order_by(Organisation.name)))


def get_agency(agency_id: int, *, verified: bool = True) -> Organisation:
    org = db.session.get(Organisation, agency_id)
    if org is None or org.kind != OrgKind.AGENCY or (verified and not org.is_verified):
        raise NotFound(_l("No such agency."))
    return org


# --- the centre's records ------------------------------------------------------------------

def record_status(user: User, agency: Organisation, *, kind: str, effective_on: date,
                  reason: str) -> AgencyStatusEvent:
    """Record an exit, a suspension or a reinstatement (a return after either).
    Raises ServiceError when the agency is not in a state the event follows from."""
    if kind not in _STATE_AFTER:
        raise ServiceError(_l("Choose what to record."), field="kind")
    if effective_on < entry_date(agency):
        raise ServiceError(_l("The date is before the agency entered the register."),
                           field="effective_on")
    events = _events(agency.id)
    if events and effective_on < events[-1].effective_on:
        raise ServiceError(_l("The date is before the agency's last recorded change."),
                           field="effective_on")
    state = _state(events, date.max)[0]
    allowed = {EXIT: (ACTIVE, SUSPENDED), SUSPENSION: (ACTIVE,),
               REINSTATEMENT: (SUSPENDED, EXITED)}[kind]
    if state not in allowed:
        raise ServiceError(_l("That does not follow from the agency's present state."),
                           field="kind")
    event = AgencyStatusEvent(agency_org_id=agency.id, kind=kind, effective_on=effective_on,
                              reason=reason, by_user_id=user.id)
    db.session.add(event)
    db.session.flush()
    audit.record(f"agency.{kind}", actor=user, target=agency, on=effective_on.isoformat())
    notifications.notify_org(agency, "agency_register", _l("The centre recorded a change of "
                             "your agency's standing"), reason, f"/disclosure/agencies/{agency.id}")
    return event


def record_complaint(user: User, agency: Organisation, *, received_on: date,
                     complainant: str, summary: str) -> AgencyComplaint:
    if received_on > local_today():
        raise ServiceError(_l("The date cannot be in the future."), field="received_on")
    complaint = AgencyComplaint(agency_org_id=agency.id, received_on=received_on,
                                complainant=complainant, summary=summary,
                                recorded_by_user_id=user.id)
    db.session.add(complaint)
    db.session.flush()
    audit.record("agency.complaint", actor=user, target=agency, complaint=complaint.id)
    return complaint


def close_complaint(user: User, complaint: AgencyComplaint, *, outcome: str, closed_on: date,
                    note: str | None, sanction: str | None) -> AgencyComplaint:
    """Record how the complaint ended, once. A sanction goes on the disclosure page."""
    if complaint.outcome is not None:
        raise ServiceError(_l("This complaint is already closed."), code="closed")
    if outcome not in COMPLAINT_OUTCOMES:
        raise ServiceError(_l("Choose how the complaint ended."), field="outcome")
    if closed_on < complaint.received_on or closed_on > local_today():
        raise ServiceError(_l("The date is between the complaint's receipt and today."),
                           field="closed_on")
    if sanction and outcome != "upheld":
        raise ServiceError(_l("A sanction follows an upheld complaint only."), field="sanction")
    complaint.outcome, complaint.closed_on = outcome, closed_on
    complaint.outcome_note, complaint.sanction = note or None, sanction or None
    complaint.closed_by_user_id, complaint.closed_at = user.id, utcnow()
    db.session.flush()
    audit.record("agency.complaint_closed", actor=user, target=complaint, outcome=outcome)
    return complaint


def active_criteria() -> list[EvaluationCriterion]:
    return list(db.session.scalars(select(EvaluationCriterion).where(
        EvaluationCriterion.active.is_(True)).order_by(EvaluationCriterion.id)))


def add_criterion(user: User, *, name: str, max_score: int) -> EvaluationCriterion:
    if not 1 <= max_score <= 100:
        raise ServiceError(_l("The maximum score is between 1 and 100."), field="max_score")
    criterion = EvaluationCriterion(name=name.strip(), max_score=max_score)
    db.session.add(criterion)
    db.session.flush()
    audit.record("agency.criterion", actor=user, target=criterion, name=criterion.name)
    return criterion


def record_evaluation(user: User, agency: Organisation, *, year: int,
                      scores: dict[int, int], grade: str,
                      note: str | None = None) -> AgencyEvaluation:
    """The year's evaluation: a score for every active criterion and the overall grade.
    Raises ServiceError (a score out of range, a year already evaluated)."""
    criteria = active_criteria()
    if not criteria:
        raise ServiceError(_l("Set the evaluation criteria first."), code="no_criteria")
    if grade not in GRADES:
        raise ServiceError(_l("Choose the overall grade."), field="grade")
    if not entry_date(agency).year <= year <= local_today().year:
        raise ServiceError(_l("Evaluate a year the agency was on the register."), field="year")
    if db.session.scalar(select(AgencyEvaluation.id).where(
            AgencyEvaluation.agency_org_id == agency.id, AgencyEvaluation.year == year)):
        raise ServiceError(_l("This year is already evaluated."), field="year")
    rows = []
    for criterion in criteria:
        score = scores.get(criterion.id)
        if score is None or not 0 <= score <= criterion.max_score:
            raise ServiceError(_l("Score “%(name)s” from 0 to %(max)d.", name=criterion.name,
                                  max=criterion.max_score), field=f"score_{criterion.id}")
        rows.append({"criterion_id": criterion.id, "name": criterion.name,
                     "max": criterion.max_score, "score": score})
    evaluation = AgencyEvaluation(
        agency_org_id=agency.id, year=year, scores=rows, total=sum(r["score"] for r in rows),
        max_total=sum(r["max"] for r in rows), grade=grade, note=note or None,
        by_user_id=user.id)
    db.session.add(evaluation)
    db.session.flush()
    audit.record("agency.evaluation", actor=user, target=agency, year=year, grade=grade)
    return evaluation


def add_credit_note(user: User, agency: Organisation, *, kind: str,
                    text: str) -> AgencyCreditNote:
    if kind not in CREDIT_NOTE_KINDS:
        raise ServiceError(_l("Choose the kind of note."), field="kind")
    note = AgencyCreditNote(agency_org_id=agency.id, kind=kind, text=text, by_user_id=user.id)
    db.session.add(note)
    db.session.flush()
    audit.record("agency.credit_note", actor=user, target=agency, kind=kind)
    return note


# --- figures -------------------------------------------------------------------------------

def indicator(*, plan_start: date, as_of: date) -> dict:
    """The plan's agency count from the records: verified agencies on the register on
    ``as_of`` (``current``, against the target), those that entered since ``plan_start``
    (``entered``), and those that had left or were suspended on ``as_of``."""
    agencies = [a for a in verified_agencies() if entry_date(a) <= as_of]
    by_agency: dict[int, list] = {}
    for event in _events():
        by_agency.setdefault(event.agency_org_id, []).append(event)
    states = [_state(by_agency.get(a.id, []), as_of)[0] for a in agencies]
    current = states.count(ACTIVE)
    return {"current": current,
            "entered": sum(1 for a in agencies if entry_date(a) >= plan_start),
            "exited": states.count(EXITED), "suspended": states.count(SUSPENDED),
            "target": AGENCY_TARGET, "met": current >= AGENCY_TARGET}


@dataclass(frozen=True)
class ResponseTimes:
    """How fast an agency answers: the median in hours (None without any answer) and how
    many answers it is the median of."""
    median_hours: float | None
    count: int

    @classmethod
    def of(cls, hours: list[float]) -> ResponseTimes:
        return cls(round(statistics.median(hours), 1) if hours else None, len(hours))


# a party's move that waits for the other side's answer on a deal
DEAL_ASKS = ("request", "counter")
DEAL_PARTIES = ("licensee", "licensor")


def custody_response_hours(agency_id: int | None = None) -> dict[int, list[float]]:
    """Per agency, the hours from each proposal an SME addressed to it (a new agreement or
    a renewal) to the agency's first answer. One query for every agency (or ``agency_id``)."""
    query = (select(CustodyAgreement.agency_org_id, CustodyEvent.agreement_id,
                    CustodyEvent.by_org_id, CustodyEvent.kind, CustodyEvent.at)
             .join(CustodyAgreement, CustodyAgreement.id == CustodyEvent.agreement_id)
             .order_by(CustodyEvent.agreement_id, CustodyEvent.id))
    if agency_id is not None:
        query = query.where(CustodyAgreement.agency_org_id == agency_id)
    hours: dict[int, list[float]] = {}
    asked: dict[int, object] = {}
    for agency, agreement_id, by_org, kind, at in db.session.execute(query):
        if kind in ("proposed", "renewal_proposed") and by_org != agency:
            asked[agreement_id] = at
        elif by_org == agency and agreement_id in asked:
            hours.setdefault(agency, []).append(_hours(asked.pop(agreement_id), at))
    return hours


def deal_response_hours(agency_id: int | None = None) -> dict[int, list[float]]:
    """Per agency, on the deals it brokers: the hours from a request or counter-offer of the
    other side to the broker's next action on the deal (its events say so: they carry the
    agency's ``broker_org_id``). A move of the principal itself closes the wait without a
    figure (the broker did not answer). One query for every agency (or ``agency_id``)."""
    query = (select(Deal.broker_org_id, DealEvent.deal_id, DealEvent.actor_role,
                    DealEvent.action, DealEvent.payload, DealEvent.at)
             .join(Deal, Deal.id == DealEvent.deal_id)
             .where(Deal.broker_org_id.is_not(None))
             .order_by(DealEvent.deal_id, DealEvent.id))
    if agency_id is not None:
        query = query.where(Deal.broker_org_id == agency_id)
    hours: dict[int, list[float]] = {}
    waiting: dict[int, tuple[str, object]] = {}  # deal -> (the asking side, since when)
    for agency, deal_id, role, action, payload, at in db.session.execute(query):
        if role not in DEAL_PARTIES:
            continue  # the system's clock and the centre wait for nobody here
        asked = waiting.pop(deal_id, None)
        if (payload or {}).get("broker_org_id") == agency:
            if asked is not None and asked[0] != role:
                hours.setdefault(agency, []).append(_hours(asked[1], at))
        elif action in DEAL_ASKS:
            waiting[deal_id] = (role, at)
    return hours


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def response_times(agency_id: int) -> dict[str, ResponseTimes]:
    """The agency's two response figures: ``custody`` (proposals) and ``deals`` (brokered)."""
    return {"custody": ResponseTimes.of(custody_response_hours(agency_id).get(agency_id, [])),
            "deals": ResponseTimes.of(deal_response_hours(agency_id).get(agency_id, []))}


@dataclass
class RegisterRow:
    agency: Organisation
    entered_on: date
    state: str
    state_event: AgencyStatusEvent | None
    exited_on: date | None
    deals_brokered: int  # to conclusion, net of cancellations (the ledger)
    custody_total: int
    custody_current: int
    custody_response: ResponseTimes  # SMEs' custody proposals answered
    deal_response: ResponseTimes     # the other side's moves on brokered deals answered
    complaints: int
    complaints_open: int
    complaints_upheld: int
    last_grade: str | None
    last_year: int | None


def register(*, plan_start: date, today: date | None = None) -> list[RegisterRow]:
    """Every agency ever verified, with its record: a few grouped queries (one per figure,
    whatever the number of agencies)."""
    today = today or local_today()
    agencies = verified_agencies()
    by_agency: dict[int, list] = {}
    for event in _events():
        by_agency.setdefault(event.agency_org_id, []).append(event)
    custody = custody_smes_by_agency(plan_start=plan_start, as_of=today)
    brokered = deals_brokered()
    custody_hours, deal_hours = custody_response_hours(), deal_response_hours()
    complaints: dict[int, list[int]] = {}
    for agency_id, outcome in db.session.execute(
            select(AgencyComplaint.agency_org_id, AgencyComplaint.outcome)).all():
        slot = complaints.setdefault(agency_id, [0, 0, 0])
        slot[0] += 1
        slot[1] += outcome is None
        slot[2] += outcome == "upheld"
    grades = {}
    for agency_id, year, grade in db.session.execute(select(
            AgencyEvaluation.agency_org_id, AgencyEvaluation.year, AgencyEvaluation.grade)
            .order_by(AgencyEvaluation.year)).all():
        grades[agency_id] = (year, grade)
    rows = []
    for agency in agencies:
        state, event = _state(by_agency.get(agency.id, []), today)
        total, current = custody.get(agency.id, (0, 0))
        c = complaints.get(agency.id, [0, 0, 0])
        year, grade = grades.get(agency.id, (None, None))
        rows.append(RegisterRow(
            agency=agency, entered_on=entry_date(agency), state=state, state_event=event,
            exited_on=event.effective_on if state == EXITED else None,
            deals_brokered=brokered.get(agency.id, 0),
            custody_total=total, custody_current=current,
            custody_response=ResponseTimes.of(custody_hours.get(agency.id, [])),
            deal_response=ResponseTimes.of(deal_hours.get(agency.id, [])),
            complaints=c[0], complaints_open=c[1], complaints_upheld=c[2],
            last_grade=grade, last_year=year))
    return rows


def record_of(agency: Organisation) -> dict:
    """Everything the agency's page and its disclosure show."""
    def listed(model, order):
        return list(db.session.scalars(select(model).where(
            model.agency_org_id == agency.id).order_by(order)))
    complaints = listed(AgencyComplaint, AgencyComplaint.received_on.desc())
    events = _events(agency.id)
    return {
        "state": _state(events, local_today())[0], "entered_on": entry_date(agency),
        "status_events": events,
        "complaints": complaints,
        "sanctions": [c for c in complaints if c.sanction]
        + [e for e in events if e.kind in (EXIT, SUSPENSION)],
        "evaluations": listed(AgencyEvaluation, AgencyEvaluation.year.desc()),
        "credit_notes": listed(AgencyCreditNote, AgencyCreditNote.at.desc()),
        "response_times": response_times(agency.id),
        "deals_brokered": deals_brokered().get(agency.id, 0),
    }
