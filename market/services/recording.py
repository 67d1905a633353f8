"""The CNIPA recording checklist of a concluded licence: the 3-month deadline and the
conditions that make a contract not recordable (DOMAIN.md), computed where the platform
knows them, listed for the parties to check where it does not.

And the CNIPA registration (登记) of a concluded assignment, which alone makes it take effect
(Patent Law art. 10): its deadline, the registration date and CNIPA's announcement, and the
reminders before the deadline."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..domain.dates import local_date, local_today
from ..domain.deadlines import RECORDING_MONTHS, REGISTRATION_DAYS, REMINDER_DAYS
from ..domain.patents import in_force
from ..domain.terms import add_months
from ..extensions import db
from ..models import AssignmentRegistration, Deal, DealState, Notification, OfferKind, User
from ..models.base import utcnow
from . import audit, ledger, notifications
from .errors import PermissionDenied, ServiceError

MANUAL_CHECKS = (
    _l("The annual fee of the patent is paid up."),
    _l("Ownership of the patent is not disputed."),
    _l("The patent is not suspended or preserved by a court."),
    _l("If the patent is pledged, the pledgee has consented."),
)


@dataclass
class Checklist:
    deadline: date
    days_left: int
    recorded: bool
    problems: list = field(default_factory=list)  # computed: the contract cannot be recorded
    manual: tuple = MANUAL_CHECKS
    months = RECORDING_MONTHS  # not a field: what the page names the deadline by

    @property
    def overdue(self) -> bool:
        return not self.recorded and self.days_left < 0


def checklist(deal: Deal, today: date | None = None) -> Checklist | None:
    """The checklist of a concluded licence (None for other deals)."""
    if deal.state != DealState.CONCLUDED or deal.kind == OfferKind.ASSIGNMENT \
            or deal.concluded_at is None:
        return None
    today = today or local_today()
    signed = local_date(deal.concluded_at)
    deadline = add_months(signed, RECORDING_MONTHS)
    patent, problems = deal.patent, []
    if not in_force(patent, today):
        problems.append(_l("The patent is no longer in force."))
    if deal.licence_period().capped_by_patent:
        problems.append(_l("The licence term runs past the end of the patent."))
    if patent.owner_org_id != deal.licensor_org_id:
        problems.append(_l("The licensor is not the patent's owner."))
    if db.session.scalar(select(exists().where(
            Deal.id != deal.id, Deal.patent_id == deal.patent_id,
            Deal.licensee_org_id == deal.licensee_org_id, Deal.state == DealState.CONCLUDED,
            Deal.licence_kind == deal.licence_kind, Deal.cnipa_record_number.is_not(None)))):
        problems.append(_l("It duplicates a licence already recorded for this licensee."))
    return Checklist(deadline=deadline, days_left=(deadline - today).days,
                     recorded=deal.cnipa_record_number is not None, problems=problems)


# --- assignments: CNIPA registration ----------------------------------------------------

@dataclass
class Registration:
    deadline: date
    days_left: int
    record: AssignmentRegistration | None
    days = REGISTRATION_DAYS  # not a field: what the page names the deadline by

    @property
    def registered(self) -> bool:
        return self.record is not None

    @property
    def awaiting_announcement(self) -> bool:
        return self.record is not None and not self.record.announcement

    @property
    def overdue(self) -> bool:
        return not self.registered and self.days_left < 0


def _registration_record(deal: Deal) -> AssignmentRegistration | None:
    return db.session.scalar(select(AssignmentRegistration).where(
        AssignmentRegistration.deal_id == deal.id))


def registration(deal: Deal, today: date | None = None) -> Registration | None:
    """The registration status of a concluded assignment (None for other deals)."""
    if deal.kind != OfferKind.ASSIGNMENT or deal.state != DealState.CONCLUDED \
            or deal.concluded_at is None:
        return None
    today = today or local_today()
    deadline = local_date(deal.concluded_at) + timedelta(days=REGISTRATION_DAYS)
    return Registration(deadline=deadline, days_left=(deadline - today).days,
                        record=_registration_record(deal))


def register_assignment(deal: Deal, user: User, *, registered_on: date,
                        announcement: str = "", announced_on: date | None = None,
                        today: date | None = None) -> AssignmentRegistration:
    """A party records CNIPA's registration of the concluded assignment ``deal`` (and, then
    or later, the announcement: gazette number and date). The first registration books the
    deal into the registration-date view of the counts. Raises PermissionDenied for anyone
    but the parties, ServiceError (with its field) for dates that cannot be."""
    from .deals import LICENSEE, LICENSOR, acting_role  # services.deals imports this module
    if acting_role(deal, user) not in (LICENSOR, LICENSEE):
        raise PermissionDenied(_l("The parties record the registration with CNIPA."))
    if deal.kind != OfferKind.ASSIGNMENT or deal.state != DealState.CONCLUDED:
        raise ServiceError(_l("Only a concluded assignment is registered with CNIPA."))
    today = today or local_today()
    concluded_on = local_date(deal.concluded_at)
    announcement = (announcement or "").strip()[:60]
    if not concluded_on <= registered_on <= today:
        raise ServiceError(_l("The registration date lies between the conclusion of the "
                              "contract and today."), field="registered_on")
    if announced_on is not None and not registered_on <= announced_on <= today:
        raise ServiceError(_l("The announcement date lies between the registration and "
                              "today."), field="announced_on")
    if bool(announcement) != (announced_on is not None):
        raise ServiceError(_l("Enter both the announcement number and its date, or neither."),
                           field="announcement")
    record = _registration_record(deal)
    if record is None:
        record = AssignmentRegistration(deal_id=deal.id, registered_on=registered_on,
                                        recorded_by_user_id=user.id)
        db.session.add(record)
        db.session.flush()
        ledger.record_registration(deal, registered_on)
    elif record.registered_on != registered_on:
        raise ServiceError(_l("The registration is already recorded on %(date)s.",
                              date=record.registered_on.isoformat()), field="registered_on")
    else:
        record.updated_at = utcnow()
    if announcement:
        record.announcement, record.announced_on = announcement, announced_on
    audit.record("deal.registered", actor=user, target=deal,
                 registered_on=registered_on.isoformat(), announcement=announcement or None)
    db.session.flush()
    return record


def remind_registrations(today: date | None = None) -> int:
    """Tell both parties of each concluded assignment not yet registered that the deadline
    is near (REMINDER_DAYS before) or passed: once for each of the two. Returns the number of
    deals reminded."""
    today = today or local_today()
    candidates = db.session.scalars(select(Deal).where(
        Deal.kind == OfferKind.ASSIGNMENT, Deal.state == DealState.CONCLUDED,
        ~exists().where(AssignmentRegistration.deal_id == Deal.id)).order_by(Deal.id)).all()
    reminded = 0
    for deal in candidates:
        status = registration(deal, today)
        if status is None or status.days_left > REMINDER_DAYS:
            continue
        kind = "registration_overdue" if status.overdue else "registration_due"
        link = f"/deals/{deal.id}#registration"
        if db.session.scalar(select(exists().where(Notification.kind == kind,
                                                   Notification.link == link))):
            continue
        title = _l("Register the assignment with CNIPA by %(date)s",
                   date=status.deadline.isoformat()) if not status.overdue else \
            _l("The assignment is not registered with CNIPA: the deadline was %(date)s",
               date=status.deadline.isoformat())
        body = _l("An assignment of a patent takes effect only when CNIPA registers it "
                  "(Patent Law art. 10).")
        for org in (deal.licensor, deal.licensee):
            notifications.notify_org(org, kind, title, body, link)
        reminded += 1
    return reminded


def unregistered_assignments(today: date | None = None, limit: int = 200) -> list[Deal]:
    """Concluded assignments not registered within REGISTRATION_DAYS (the monitor's list)."""
    today = today or local_today()
    deals = db.session.scalars(select(Deal).where(
        Deal.kind == OfferKind.ASSIGNMENT, Deal.state == DealState.CONCLUDED,
        Deal.concluded_at.is_not(None),
        ~exists().where(AssignmentRegistration.deal_id == Deal.id))
        .order_by(Deal.concluded_at).limit(limit)).all()
    return [d for d in deals if registration(d, today).overdue]


def awaiting_announcement(limit: int = 200) -> list[AssignmentRegistration]:
    """Registered assignments whose CNIPA announcement is not recorded yet."""
    return list(db.session.scalars(select(AssignmentRegistration).where(
        AssignmentRegistration.announcement.is_(None))
        .order_by(AssignmentRegistration.registered_on).limit(limit)))
