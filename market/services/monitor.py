"""The centre's deal monitor: requests nobody answered, deals stuck in one state,
overdue payments, concluded licences not recorded with CNIPA in time, assignments not
registered with CNIPA in time (or awaiting CNIPA's announcement), and royalty reports
overdue or royalties paid late."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..domain.dates import LOCAL_ZONE, local_date, local_day_start, local_today
from ..domain.deadlines import RECORDING_MONTHS, REGISTRATION_DAYS, STALE_DAYS  # noqa: F401 (the page reads them here)
from ..domain.terms import add_months
from ..extensions import db
from ..models import Deal, DealState, OfferKind, PaymentScheduleItem, ScheduleStatus
from ..models.base import utcnow
from . import recording, royalty_reports

UNANSWERED_DAYS = STALE_DAYS  # the requests services.deals flags as stale
STUCK_DAYS = 30
OPEN_STATES = (DealState.COUNTERED, DealState.ACCEPTED, DealState.AWAITING_PAYMENT)
LIMIT = 200


@dataclass(frozen=True)
class MonitorFilter:
    org_id: int | None = None
    start: date | None = None  # deals created on or after (Shenyang days)
    end: date | None = None    # deals created on or before


def _filtered(query, f: MonitorFilter):
    if f.org_id:
        query = query.where(or_(Deal.licensor_org_id == f.org_id,
                                Deal.licensee_org_id == f.org_id))
    if f.start:
        query = query.where(Deal.created_at >= local_day_start(f.start))
    if f.end:
        query = query.where(Deal.created_at < local_day_start(f.end + timedelta(days=1)))
    return query


def _deals(query) -> list[Deal]:
    return list(db.session.scalars(query.options(
        selectinload(Deal.events), selectinload(Deal.licensor), selectinload(Deal.licensee),
        selectinload(Deal.patent)).limit(LIMIT)))


def unanswered_requests(f: MonitorFilter, now: datetime | None = None) -> list[Deal]:
    cutoff = (now or utcnow()) - timedelta(days=UNANSWERED_DAYS)
    return _deals(_filtered(select(Deal).where(
        Deal.state == DealState.REQUESTED, Deal.state_changed_at < cutoff), f)
        .order_by(Deal.state_changed_at))


def stuck_deals(f: MonitorFilter, now: datetime | None = None) -> list[Deal]:
    """Open deals past the request stage whose state has not changed for STUCK_DAYS."""
    cutoff = (now or utcnow()) - timedelta(days=STUCK_DAYS)
    return _deals(_filtered(select(Deal).where(
        Deal.state.in_(OPEN_STATES), Deal.state_changed_at < cutoff), f)
        .order_by(Deal.state_changed_at))


def overdue_payments(f: MonitorFilter, today: date | None = None) -> list[PaymentScheduleItem]:
    today = today or local_today()
    query = _filtered(select(PaymentScheduleItem).join(Deal).where(
        PaymentScheduleItem.status == ScheduleStatus.DUE, PaymentScheduleItem.due_on < today), f)
    items = list(db.session.scalars(query.order_by(PaymentScheduleItem.due_on).limit(LIMIT)
                                    .options(selectinload(PaymentScheduleItem.deal)
                                             .selectinload(Deal.events))))
    return items


def unrecorded_contracts(f: MonitorFilter, now: datetime | None = None) -> list[Deal]:
    """Concluded licences (assignments register differently) not recorded with CNIPA
    within RECORDING_MONTHS of conclusion (months of the Shenyang calendar, as the deal's
    recording checklist counts them)."""
    now = now or utcnow()
    cutoff = datetime.combine(add_months(local_date(now), -RECORDING_MONTHS),
                              now.astimezone(LOCAL_ZONE).timetz())
    return _deals(_filtered(select(Deal).where(
        Deal.state == DealState.CONCLUDED, Deal.kind != OfferKind.ASSIGNMENT,
        Deal.recorded_at.is_(None), Deal.concluded_at.is_not(None), Deal.concluded_at < cutoff),
        f).order_by(Deal.concluded_at))


def _of_org(deal: Deal, f: MonitorFilter) -> bool:
    return not f.org_id or f.org_id in (deal.licensor_org_id, deal.licensee_org_id)


def unregistered_assignments(f: MonitorFilter, today: date | None = None) -> list[Deal]:
    return [d for d in recording.unregistered_assignments(today, LIMIT) if _of_org(d, f)]


def awaiting_announcement(f: MonitorFilter) -> list:
    return [r for r in recording.awaiting_announcement(LIMIT) if _of_org(r.deal, f)]


def royalty_problems(f: MonitorFilter, today: date | None = None) -> list:
    """Royalty reports past their due date and royalties reported but paid late."""
    return [t for t in royalty_reports.tasks(f.org_id, today)
            if t.kind in ("report_overdue", "payment_late")][:LIMIT]


def days_since(moment: datetime | None, now: datetime | None = None) -> int | None:
    if moment is None:
        return None
    return ((now or utcnow()) - moment).days


def report(f: MonitorFilter) -> dict:
    now = utcnow()
    return {
        "unanswered": unanswered_requests(f, now),
        "stuck": stuck_deals(f, now),
        "overdue": overdue_payments(f, local_date(now)),
        "unrecorded": unrecorded_contracts(f, now),
        "unregistered": unregistered_assignments(f, local_date(now)),
        "unannounced": awaiting_announcement(f),
        "royalties": royalty_problems(f, local_date(now)),
        "now": now,
    }
