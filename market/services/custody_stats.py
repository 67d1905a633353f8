"""The plan's custody indicator from the custody events: SMEs in custody (distinct) since
the plan's start, on a day, in a period, and per agency. Read-only; grouped in SQL."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import CustodyAgreement, CustodyEvent

ACCEPTED, TERMINATED = "accepted", "terminated"
IN_FORCE = ("accepted", "renewed")  # the events that put a term in force (services.custody)


def _terms(*keys):
    """Per agreement (with the agreement's ``keys`` columns): its SME, the first day in force
    and the last (a termination's if earlier), and the condition that it was in force at all
    on or before ``as_of``. Agreements never accepted have no first day and drop out."""
    e, a = CustodyEvent, CustodyAgreement
    per = (select(*keys, a.sme_org_id.label("sme"),
                  func.min(case((e.kind == ACCEPTED, e.starts_on))).label("first"),
                  func.max(case((e.kind.in_(IN_FORCE), e.ends_on))).label("term_end"),
                  func.min(case((e.kind == TERMINATED, e.ends_on))).label("cut"))
           .join(e, e.agreement_id == a.id).group_by(a.id, *keys, a.sme_org_id).subquery())
    last = case((and_(per.c.cut.is_not(None), per.c.cut < per.c.term_end), per.c.cut),
                else_=per.c.term_end)

    def in_force_by(as_of: date):
        return and_(per.c.first.is_not(None), last >= per.c.first, per.c.first <= as_of)
    return per, last, in_force_by


def counts(*, plan_start: date, as_of: date, period_start: date | None = None) -> dict:
    """SMEs under custody: ``cumulative`` (distinct SMEs in custody on any day from
    ``plan_start`` to ``as_of``), ``current`` (in custody on ``as_of``) and ``in_period``
    (on any day from ``period_start`` to ``as_of``). One grouped query."""
    per, last, in_force_by = _terms()
    period_start = period_start or plan_start
    real = in_force_by(as_of)

    def distinct_where(condition):
        return func.count(func.distinct(case((and_(real, condition), per.c.sme))))

    cumulative, current, in_period = db.session.execute(select(
        distinct_where(last >= plan_start),
        distinct_where(last >= as_of),
        distinct_where(last >= period_start))).one()
    return {"cumulative": int(cumulative), "current": int(current),
            "in_period": int(in_period)}


def custody_smes_by_agency(*, plan_start: date, as_of: date) -> dict[int, tuple[int, int]]:
    """Per agency: (SMEs in custody since ``plan_start``, SMEs in custody on ``as_of``)."""
    per, last, in_force_by = _terms(CustodyAgreement.agency_org_id.label("agency"))
    real = in_force_by(as_of)
    rows = db.session.execute(select(
        per.c.agency,
        func.count(func.distinct(case((and_(real, last >= plan_start), per.c.sme)))),
        func.count(func.distinct(case((and_(real, last >= as_of), per.c.sme)))))
        .group_by(per.c.agency)).all()
    return {agency: (int(total), int(now)) for agency, total, now in rows}
