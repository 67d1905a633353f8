"""The CNIPA recording checklist of a concluded licence: the 3-month deadline and the
conditions that make a contract not recordable (DOMAIN.md), computed where the platform
knows them, listed for the parties to check where it does not."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..domain.dates import local_date, local_today
from ..domain.deadlines import RECORDING_MONTHS
from ..domain.patents import in_force
from ..domain.terms import add_months
from ..extensions import db
from ..models import Deal, DealState, OfferKind

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
