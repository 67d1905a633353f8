"""Annual fees of listed patents: the owner's paid-through date, the daily reminder (30 days
before the fee falls due, and once when it is overdue, with the surcharge), the lapse after
the grace period, and the centre's lists of overdue and lapsed patents.

The rules of the fee year, the grace period and the surcharge are in
:mod:`market.domain.annual_fees`. Each reminder is sent once per due date: the date it was
sent for is kept on the patent's status row, so running the clock twice a day, or again
after a failure, tells nobody twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.annual_fees import (
    GRACE_MONTHS,
    REMIND_DAYS,
    FeeStanding,
    FeeState,
    check_paid_through,
    standing,
)
from ..domain.dates import local_today
from ..domain.patents import FieldError, LegalStatus
from ..extensions import db
from ..models import Patent, PatentStatusCheck, User
from ..models.base import utcnow
from ..permissions import member_org_id
from . import audit, legal_status, notifications
from .deal_rules import lock_patent
from .errors import FieldErrors, PermissionDenied, ServiceError

LIMIT = 200


def set_paid_through(user: User, patent: Patent, paid_through: date | None) -> None:
    """The owner states the date its annual fees are paid through (None: not known).
    Raises PermissionDenied, ServiceError, FieldErrors (a date that ends no fee year)."""
    if member_org_id(user) != patent.owner_org_id or not user.can_act:
        raise PermissionDenied(_l("Only the patent's owner records its annual fee."))
    if paid_through is not None:
        if patent.legal_status != LegalStatus.GRANTED:
            raise ServiceError(_l("Annual fees are paid on a granted patent only."),
                               field="paid_through")
        problem = check_paid_through(paid_through, filing_date=patent.filing_date,
                                     expiry_date=patent.expiry_date)
        if problem is not None:
            raise FieldErrors([FieldError("paid_through", problem)])
    check = legal_status.check_of(patent)
    before = check.annual_fee_paid_through
    check.annual_fee_paid_through = paid_through
    check.fee_paid_through_source = "owner" if paid_through else None
    check.updated_at = utcnow()
    db.session.flush()
    audit.record("patent.annual_fee", actor=user, target=patent,
                 before=before.isoformat() if before else None,
                 after=paid_through.isoformat() if paid_through else None)


def standing_of(patent: Patent, today: date | None = None) -> FeeStanding | None:
    """Where the patent's annual fee stands today (None: no date known, or not granted)."""
    check = patent.status_check
    if check is None or check.annual_fee_paid_through is None or \
            patent.legal_status != LegalStatus.GRANTED:
        return None
    return standing(check.annual_fee_paid_through, today or local_today())


def _candidates(today: date) -> list[PatentStatusCheck]:
    """Granted patents whose fee falls due within REMIND_DAYS, or already has."""
    return list(db.session.scalars(
        select(PatentStatusCheck).join(Patent).where(
            Patent.legal_status == LegalStatus.GRANTED,
            PatentStatusCheck.annual_fee_paid_through.is_not(None),
            PatentStatusCheck.annual_fee_paid_through < today + timedelta(days=REMIND_DAYS))
        .order_by(PatentStatusCheck.patent_id)
        .options(selectinload(PatentStatusCheck.patent))))


def remind(today: date | None = None) -> dict:
    """The daily clock of the annual fees: tell each owner once per due date that the fee
    falls due within REMIND_DAYS, once that it is overdue (with the surcharge payable in
    the grace period), and close the patents whose grace period is over
    (:func:`legal_status.close_lapsed`). Returns the counts."""
    today = today or local_today()
    counts = {"reminded": 0, "overdue": 0, "lapsed": 0}
    for check in _candidates(today):
        # two runs at once: the second waits here and reads what the first wrote
        lock_patent(check.patent_id)
        db.session.refresh(check)
        patent, paid = check.patent, check.annual_fee_paid_through
        if paid is None or patent.legal_status != LegalStatus.GRANTED:
            continue
        fee = standing(paid, today)
        if fee.state == FeeState.DUE_SOON and check.fee_reminded_for != paid:
            _tell_owner(patent, "annual_fee_due", _l(
                "The annual fee of “%(title)s” falls due on %(date)s",
                title=patent.title, date=fee.due_on.isoformat()), _l(
                "Pay the next year's fee to CNIPA by %(date)s, then enter the new paid-through "
                "date on the listing page. Unpaid, it can still be paid within %(months)d "
                "months with a surcharge; after that the patent lapses.",
                date=fee.due_on.isoformat(), months=GRACE_MONTHS), today)
            check.fee_reminded_for = paid
            counts["reminded"] += 1
        elif fee.state == FeeState.OVERDUE and check.fee_overdue_told_for != paid:
            _tell_owner(patent, "annual_fee_overdue", _l(
                "The annual fee of “%(title)s” is overdue", title=patent.title),
                surcharge_note(fee), today)
            check.fee_overdue_told_for = paid
            counts["overdue"] += 1
        elif fee.state == FeeState.LAPSED:
            patent.legal_status = LegalStatus.TERMINATED
            legal_status.close_lapsed(patent, reason="annual_fee", today=today)
            counts["lapsed"] += 1
    db.session.flush()
    return counts


def surcharge_note(fee: FeeStanding):
    return _l("The fee was due on %(due)s. It can still be paid until %(end)s with a surcharge "
              "of 5 %% of the full year's fee for each month begun after the first (%(pct)d "
              "%% if paid today, 25 %% at most); unpaid, the patent lapses as of %(due)s.",
              due=fee.due_on.isoformat(), end=fee.grace_ends.isoformat(),
              pct=fee.surcharge_percent)


def _tell_owner(patent: Patent, kind: str, title, body, today: date) -> None:
    """The owner, and the agencies holding it in custody with annual-fee reminders in the
    agreement's scope (an SME's custodian watches its deadlines)."""
    from . import custody
    link = f"/patents/{patent.id}"
    notifications.notify_org(patent.owner, kind, title, body, link)
    custodians = custody.custodians_of(patent.owner_org_id, scope="fee_reminders",
                                       today=today)
    if custodians:
        notifications.notify_orgs(custodians, kind, _l("For %(org)s: %(title)s",
                                                       org=patent.owner.name, title=title),
                                  body, link)


# --- the centre's monitor --------------------------------------------------------------------

@dataclass(frozen=True)
class FeeRow:
    patent: Patent
    fee: FeeStanding | None  # None for a patent CNIPA's record shows lapsed


def overdue(today: date | None = None) -> list[FeeRow]:
    """Granted patents whose fee is overdue but still payable (the grace period), oldest
    first, each with the surcharge payable today."""
    today = today or local_today()
    rows = [FeeRow(c.patent, standing(c.annual_fee_paid_through, today))
            for c in _candidates(today)]
    return [r for r in rows if r.fee.state == FeeState.OVERDUE][:LIMIT]


def lapsed(today: date | None = None) -> list[FeeRow]:
    """Patents whose offers the platform closed as lapsed (the latest first), and granted
    ones whose grace period is over though the daily clock has not closed them yet."""
    today = today or local_today()
    late = [FeeRow(c.patent, standing(c.annual_fee_paid_through, today))
            for c in _candidates(today)]
    rows = [r for r in late if r.fee.state == FeeState.LAPSED]
    closed = db.session.scalars(select(PatentStatusCheck).where(
        PatentStatusCheck.lapsed_on.is_not(None)).order_by(
        PatentStatusCheck.lapsed_on.desc()).limit(LIMIT).options(
        selectinload(PatentStatusCheck.patent)))
    rows += [FeeRow(c.patent, standing(c.annual_fee_paid_through, today)
                    if c.annual_fee_paid_through else None) for c in closed]
    return rows[:LIMIT]


def report(today: date | None = None) -> dict:
    today = today or local_today()
    return {"fees_overdue": overdue(today), "fees_lapsed": lapsed(today), "today": today}
