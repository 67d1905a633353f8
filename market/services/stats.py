"""Figures read from the database for pages: the home page's headline figures and the
centre's indicators of the city plan.

Every indicator is an aggregate over the transaction record (``LedgerEntry``): counts are
sums of ``sign`` and values sums of ``contract_value_fen``, so reversing rows cancel the
rows they reverse. Which period a row falls in depends on the view (``VIEWS``): by the
deal's conclusion date (the plan's count; a cancellation or refund lowers the year of the
deal), by the same with corrections on the date they happened (the booking view), or by the
date CNIPA recorded the licence or registered the assignment. Royalties count by the day
they were paid in every view. Aggregation happens in SQL (GROUP BY); Python only folds the
few grouped rows into the payload.

Growth is given both ways: this period against the same period a year earlier, and the
plan's average annual growth (年均增幅), the compound rate from each indicator's base year
to this year: (this year / base year) ** (1 / years) - 1.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal, localcontext

from flask import current_app
from sqlalchemy import Date, and_, case, func, literal_column, or_, select

from ..domain.custody import CUSTODY_SME_TARGET
from ..domain.dates import local_today
from ..extensions import db
from ..models import Deal, LedgerEntry, Organisation, OrgKind, OrgStatus, Patent, PledgeDeal

# The plan's yearly growth targets, in basis points, and its cumulative SME target.
DEALS_GROWTH_TARGET_BP = 2000   # transfers + licences: +20 % a year
VALUE_GROWTH_TARGET_BP = 4000   # patent technology contract value: +40 % a year
PLEDGE_GROWTH_TARGET_BP = 3000  # pledge financing amount and projects: +30 % a year
SME_TARGET = 100                # SMEs that took up a university or institute patent
TOP_PATENTS = 10
ASSIGNMENT, LICENCE = "assignment", "licence"
# The views of the counts, first the default: which date puts a ledger row in a period.
VIEW_DEAL, VIEW_BOOKED, VIEW_REGISTERED = "deal", "booked", "registered"
VIEWS = (VIEW_DEAL, VIEW_BOOKED, VIEW_REGISTERED)
# The base year of each indicator's average annual growth: the plan sets 2018 for pledges
# ("以2018年为基数"); config GROWTH_BASE_YEARS overrides any of them.
DEFAULT_BASE_YEARS = {"deals": 2018, "contract_value": 2018, "pledge_amount": 2018,
                      "pledge_count": 2018}


def headline_figures() -> dict:
    """Counts for the home page: verified organisations, listings on offer, deals made.
    Kept per process for ``HEADLINE_CACHE_SECONDS`` (60): the home page is the busiest page
    and the deal count sums the whole ledger."""
    ttl = current_app.config.get("HEADLINE_CACHE_SECONDS", 60)
    cached = current_app.extensions.get("market.headline")
    now = time.monotonic()
    if cached is not None and now < cached[0]:
        return cached[1]
    figures = _headline_figures()
    if ttl > 0:
        current_app.extensions["market.headline"] = (now + ttl, figures)
    return figures


def _headline_figures() -> dict:
    from ..models import LedgerEntry, ListingStatus, Patent
    rows = db.session.execute(
        select(Organisation.kind, func.count()).where(Organisation.status == OrgStatus.VERIFIED)
        .group_by(Organisation.kind)).all()
    by_kind = {kind: n for kind, n in rows}
    listings = db.session.scalar(select(func.count()).select_from(Patent).where(
        Patent.status == ListingStatus.PUBLISHED, Patent.hidden.is_(False)))
    deals = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.sign), 0))
                              .where(LedgerEntry.entry != "registration"))
    return {
        "licensors": by_kind.get(OrgKind.UNIVERSITY, 0) + by_kind.get(OrgKind.INSTITUTE, 0),
        "smes": by_kind.get(OrgKind.SME, 0),
        "listings": listings or 0,
        "deals": int(deals or 0),
    }


# --- periods -------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """An inclusive range of booking dates; ``year`` is set for a calendar year."""

    start: date
    end: date
    year: int | None = None

    @classmethod
    def for_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    def previous(self) -> Period:
        """The same dates one year earlier (the base of the plan's growth targets)."""
        if self.year is not None:
            return Period.for_year(self.year - 1)
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "year": self.year}


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def growth(current: int, previous: int, target_bp: int) -> dict:
    """Growth of ``current`` over ``previous`` against a target in basis points.

    ``growth_bp`` and ``met`` are None when there is no positive base to grow from.
    """
    if previous <= 0:
        return {"current": current, "previous": previous, "growth_bp": None,
                "target_bp": target_bp, "met": None}
    change = (current - previous) * 10000
    growth_bp = change // previous if change >= 0 else -((-change) // previous)
    return {"current": current, "previous": previous, "growth_bp": growth_bp,
            "target_bp": target_bp, "met": current * 10000 >= previous * (10000 + target_bp)}


def average_growth(current: int, base: int, years: int, target_bp: int) -> dict:
    """The plan's average annual growth (年均增幅) of ``current`` over ``base``, ``years``
    years earlier: the compound rate (current / base) ** (1 / years) - 1, in basis points
    rounded down, and whether it reaches ``target_bp`` (decided exactly, in integers).

    ``growth_bp`` and ``met`` are None without a positive base, a span of at least one year
    or a non-negative current figure."""
    out = {"current": current, "base": base, "years": years, "target_bp": target_bp,
           "growth_bp": None, "met": None}
    if base <= 0 or years < 1 or current < 0:
        return out
    with localcontext() as ctx:
        ctx.prec = 40
        rate = (Decimal(current) / Decimal(base)) ** (Decimal(1) / years) - 1
        growth_bp = int((rate * 10000).to_integral_value(rounding=ROUND_FLOOR))
    met = current * 10000 ** years >= base * (10000 + target_bp) ** years
    return {**out, "growth_bp": growth_bp, "met": met}


def parse_base_years(text: str | None) -> dict:
    """``"deals=2019,pledge_amount=2018"`` (config GROWTH_BASE_YEARS) as a dict; raises
    ValueError for an unknown indicator or a year that is not a number."""
    out = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, _, year = part.partition("=")
        key = key.strip()
        if key not in DEFAULT_BASE_YEARS:
            raise ValueError(f"GROWTH_BASE_YEARS: unknown indicator {key!r}")
        out[key] = int(year)
    return out


def base_years(configured: dict | None = None) -> dict:
    """Each indicator's base year: the defaults with ``configured`` ones over them."""
    return {**DEFAULT_BASE_YEARS, **(configured or {})}


# --- the indicators payload ----------------------------------------------------------

def indicators(period: Period, *, plan_start_year: int, view: str = VIEW_DEAL,
               growth_base_years: dict | None = None) -> dict:
    """Every indicator of the centre's cockpit for ``period`` in ``view`` (one of VIEWS), as
    plain JSON-ready data. Money is integer fen; rates are integer basis points."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}")
    previous = period.previous()
    current_cube, previous_totals = _time_cube(period, previous, view)
    totals = _totals(current_cube)
    breakdowns = _breakdowns(period, view)
    by_licensor = _licensors(breakdowns["licensor"])
    pledges = _pledges(period, previous)
    smes = _smes(period, plan_start_year, view)
    years = base_years(growth_base_years)
    current_figures = {"deals": totals["total"], "contract_value": totals["value_fen"],
                       "pledge_amount": pledges["amount_fen"], "pledge_count": pledges["count"]}
    previous_figures = {"deals": previous_totals["total"],
                        "contract_value": previous_totals["value_fen"],
                        "pledge_amount": pledges["previous_amount_fen"],
                        "pledge_count": pledges["previous_count"]}
    base_figures = _base_figures(years, view) if period.year else {}
    targets = []
    for key, target_bp in (("deals", DEALS_GROWTH_TARGET_BP),
                           ("contract_value", VALUE_GROWTH_TARGET_BP),
                           ("pledge_amount", PLEDGE_GROWTH_TARGET_BP),
                           ("pledge_count", PLEDGE_GROWTH_TARGET_BP)):
        row = {"key": key, **growth(current_figures[key], previous_figures[key], target_bp)}
        if period.year:
            average = average_growth(current_figures[key], base_figures[key],
                                     period.year - years[key], target_bp)
        else:  # a range of dates: the plan's rate is defined for calendar years only
            average = {"current": current_figures[key], "base": None, "years": None,
                       "target_bp": target_bp, "growth_bp": None, "met": None}
        row["average"] = {**average, "base_year": years[key]}
        targets.append(row)
    return {
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "view": view,
        "deals": totals,
        "previous_deals": previous_totals,
        "targets": targets,
        "smes": {**smes, "target": SME_TARGET, "met": smes["cumulative"] >= SME_TARGET,
                 "plan_start_year": plan_start_year},
        "pledges": pledges,
        **_custody_and_agencies(period, plan_start_year),
        "monthly": _monthly(current_cube),
        "by_licence_kind": _by_licence_kind(current_cube),
        "by_industry": breakdowns["industry"],
        "by_district": breakdowns["district"],
        "by_licensor": by_licensor,
        "top_patents": top_patents(),
    }


def _date_column(view: str):
    e = LedgerEntry
    return {VIEW_DEAL: e.deal_on, VIEW_REGISTERED: e.registered_on,
            VIEW_BOOKED: e.concluded_on}[view]


def _in_view(view: str, condition):
    """``condition`` on the view's date, plus: the booking view leaves out registration
    rows (they carry no deal date), which only the registration view counts."""
    if view == VIEW_BOOKED:
        return and_(condition, LedgerEntry.deal_on.is_not(None))
    return condition


def _in(period: Period, view: str = VIEW_DEAL):
    return _in_view(view, _date_column(view).between(period.start, period.end))


def _base_figures(years: dict, view: str) -> dict:
    """Each indicator's figure in its base year (one grouped query per kind of figure)."""
    e, p = LedgerEntry, PledgeDeal
    deal_years = {years["deals"], years["contract_value"]}
    pledge_years = {years["pledge_amount"], years["pledge_count"]}
    column = _date_column(view)
    deal_sums = {}
    for year in deal_years:
        rng = Period.for_year(year)
        deal_sums[year] = db.session.execute(
            select(func.coalesce(func.sum(e.sign), 0),
                   func.coalesce(func.sum(e.contract_value_fen), 0))
            .where(_in_view(view, column.between(rng.start, rng.end)))).one()
    pledge_sums = {}
    for year in pledge_years:
        rng = Period.for_year(year)
        pledge_sums[year] = db.session.execute(
            select(func.coalesce(func.sum(p.amount_fen), 0), func.count())
            .where(p.pledged_on.between(rng.start, rng.end))).one()
    return {"deals": int(deal_sums[years["deals"]][0]),
            "contract_value": int(deal_sums[years["contract_value"]][1]),
            "pledge_amount": int(pledge_sums[years["pledge_amount"]][0]),
            "pledge_count": int(pledge_sums[years["pledge_count"]][1])}


def _row(transfers, licences, value_fen, **extra) -> dict:
    return {**extra, "transfers": int(transfers), "licences": int(licences),
            "total": int(transfers) + int(licences), "value_fen": int(value_fen)}


def _time_cube(period: Period, previous: Period, view: str) -> tuple[list, dict]:
    """The current period by month, kind and licence flags, and the previous period's totals.

    Grouped by day in the order of the view's ``ix_ledger_entry_stats_*`` so SQLite aggregates
    while it reads the index, without sorting; the days fold into months here (a few
    thousand rows at most). One scan covers both periods unless they overlap.
    """
    e = LedgerEntry
    day_column = _date_column(view)
    days_known = e.days_to_conclusion.is_not(None)
    overlap = previous.end >= period.start
    if overlap:
        where = _in(period, view)
    elif previous.end + timedelta(days=1) == period.start:  # calendar years: one range
        where = _in_view(view, day_column.between(previous.start, period.end))
    else:
        where = or_(_in(previous, view), _in(period, view))
    keys = (day_column, e.kind, e.licence_kind, e.open_licence, e.fast_licence)
    rows = db.session.execute(
        select(*keys, func.sum(e.sign), func.sum(e.contract_value_fen),
               func.sum(case((days_known, e.sign * e.days_to_conclusion), else_=0)),
               func.sum(case((days_known, e.sign), else_=0)))
        .where(where).group_by(*keys)).all()
    current, prev = [], []
    for day, *rest in rows:
        target = current if period.start <= day <= period.end else prev
        target.append((day.year, day.month, *rest))
    if overlap:
        prev = [(None, None, kind, None, False, False, n, v, 0, 0)
                for kind, n, v in db.session.execute(
                    select(e.kind, func.sum(e.sign), func.sum(e.contract_value_fen))
                    .where(_in(previous, view)).group_by(e.kind)).all()]
    prev_totals = _totals(prev)
    return current, {k: prev_totals[k] for k in ("transfers", "licences", "total", "value_fen")}


def _totals(cube: list) -> dict:
    out = {"transfers": 0, "licences": 0, "value_fen": 0, "open_licences": 0,
           "fast_licences": 0}
    day_sum = day_n = 0
    for _y, _m, kind, _lk, open_licence, fast_licence, n, value, days, days_n in cube:
        out["transfers" if kind == ASSIGNMENT else "licences"] += int(n)
        out["value_fen"] += int(value)
        out["open_licences"] += int(n) if open_licence else 0
        out["fast_licences"] += int(n) if fast_licence else 0
        day_sum, day_n = day_sum + int(days or 0), day_n + int(days_n or 0)
    out["total"] = out["transfers"] + out["licences"]
    out["avg_days_to_conclusion"] = round(day_sum / day_n, 1) if day_n > 0 else None
    return out


def _monthly(cube: list) -> list[dict]:
    months: dict[str, list[int]] = {}
    for y, m, kind, _lk, _open, _fast, n, value, _d, _dn in cube:
        slot = months.setdefault(f"{y:04d}-{m:02d}", [0, 0, 0])
        slot[0 if kind == ASSIGNMENT else 1] += int(n)
        slot[2] += int(value)
    return [_row(t, li, v, month=key) for key, (t, li, v) in sorted(months.items())]


def _by_licence_kind(cube: list) -> list[dict]:
    kinds: dict[str, list[int]] = {}
    for _y, _m, kind, licence_kind, _open, _fast, n, value, _d, _dn in cube:
        key = ASSIGNMENT if kind == ASSIGNMENT else (licence_kind or "unspecified")
        slot = kinds.setdefault(key, [0, 0, 0])
        slot[0 if kind == ASSIGNMENT else 1] += int(n)
        slot[2] += int(value)
    return sorted((_row(t, li, v, key=key) for key, (t, li, v) in kinds.items()),
                  key=lambda r: (-r["total"], r["key"]))


def _breakdowns(period: Period, view: str) -> dict[str, list]:
    """Industry, district and licensor breakdowns from one grouped scan of the period."""
    e = LedgerEntry
    keys = (e.industry, e.district, e.licensor_is_university, e.licensor_org_id, e.kind)
    rows = db.session.execute(
        select(*keys, func.sum(e.sign), func.sum(e.contract_value_fen))
        .where(_in(period, view)).group_by(*keys)).all()
    folded: dict[str, dict] = {"industry": {}, "district": {}, "licensor": {}}
    for industry, district, from_university, licensor, kind, n, value in rows:
        keyed = [("industry", industry), ("district", district)]
        if from_university:
            keyed.append(("licensor", licensor))
        for name, key in keyed:
            slot = folded[name].setdefault(key, [0, 0, 0])
            slot[0 if kind == ASSIGNMENT else 1] += int(n)
            slot[2] += int(value)
    return {name: sorted((_row(t, li, v, key=key) for key, (t, li, v) in groups.items()),
                         key=lambda r: (-r["total"], -r["value_fen"], str(r["key"])))
            for name, groups in folded.items()}


def _licensors(rows: list[dict]) -> list[dict]:
    """Deals per university or institute, with its conversion rate: deals in the period
    over its patents ever published on the platform."""
    ids = [r["key"] for r in rows]
    if not ids:
        return []
    names = dict(db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
    kinds = dict(db.session.execute(
        select(Organisation.id, Organisation.kind).where(Organisation.id.in_(ids))).all())
    listed = dict(db.session.execute(
        select(Patent.owner_org_id, func.count())
        .where(Patent.owner_org_id.in_(ids), Patent.published_at.is_not(None))
        .group_by(Patent.owner_org_id)).all())
    out = []
    for r in rows:
        org_id = r.pop("key")
        patents_listed = int(listed.get(org_id, 0))
        out.append({"org_id": org_id, "name": names.get(org_id, ""),
                    "org_kind": str(kinds.get(org_id, "")), **r,
                    "patents_listed": patents_listed,
                    "conversion_bp": (r["total"] * 10000 // patents_listed
                                      if patents_listed else None)})
    return sorted(out, key=lambda r: (-r["total"], -r["value_fen"], r["name"]))


def _smes(period: Period, plan_start_year: int, view: str) -> dict:
    """Distinct SMEs that took up a university or institute patent, net of reversals:
    in the period, and cumulatively from the plan's start to the period's end."""
    e = LedgerEntry
    plan_start = date(plan_start_year, 1, 1)
    start = min(plan_start, period.start)
    booked = _date_column(view)
    if db.session.get_bind().dialect.name == "sqlite":
        # "+column" keeps SQLite's planner on ix_ledger_entry_stats_sme (grouped by licensee,
        # no sort) instead of the date index, which its statistics would otherwise favour.
        booked = literal_column(f"+{e.__tablename__}.{booked.key}", type_=Date)
    per_sme = (
        select(func.sum(case((booked >= plan_start, e.sign), else_=0)).label("plan"),
               func.sum(case((booked >= period.start, e.sign), else_=0)).label("cur"))
        .where(e.licensee_is_sme.is_(True), e.licensor_is_university.is_(True),
               _in_view(view, booked.between(start, period.end)))
        .group_by(e.licensee_org_id).subquery())
    cumulative, in_period = db.session.execute(
        select(func.coalesce(func.sum(case((per_sme.c.plan > 0, 1), else_=0)), 0),
               func.coalesce(func.sum(case((per_sme.c.cur > 0, 1), else_=0)), 0))).one()
    return {"cumulative": int(cumulative), "in_period": int(in_period)}


def _custody_and_agencies(period: Period, plan_start_year: int) -> dict:
    """The plan's custody indicator (SMEs under custody, cumulative from the plan's start,
    against 1,000) and its agency count (against 30), as of the period's end (today for a
    period not over yet), from the custody events and the agency register."""
    from . import agency_register, custody_stats
    plan_start = date(plan_start_year, 1, 1)
    as_of = min(period.end, local_today())
    smes = custody_stats.counts(plan_start=plan_start, as_of=as_of, period_start=period.start)
    return {
        "custody_smes": {**smes, "target": CUSTODY_SME_TARGET,
                         "met": smes["cumulative"] >= CUSTODY_SME_TARGET,
                         "plan_start_year": plan_start_year, "as_of": as_of.isoformat()},
        "agencies": {**agency_register.indicator(plan_start=plan_start, as_of=as_of),
                     "as_of": as_of.isoformat()},
    }


def _pledges(period: Period, previous: Period) -> dict:
    p = PledgeDeal

    def sums(rng: Period):
        inside = p.pledged_on.between(rng.start, rng.end)
        return (func.coalesce(func.sum(case((inside, p.amount_fen), else_=0)), 0),
                func.coalesce(func.sum(case((inside, 1), else_=0)), 0))

    mixed = and_(p.pledged_on.between(period.start, period.end), p.trademark_count > 0)
    amount, count, prev_amount, prev_count, mixed_count = db.session.execute(
        select(*sums(period), *sums(previous),
               func.coalesce(func.sum(case((mixed, 1), else_=0)), 0))).one()
    # the plan asks for mixed patent + trademark pledges (task 12): say how many there were
    return {"amount_fen": int(amount), "count": int(count),
            "patent_only_count": int(count) - int(mixed_count), "mixed_count": int(mixed_count),
            "previous_amount_fen": int(prev_amount), "previous_count": int(prev_count)}


def top_patents(limit: int = TOP_PATENTS) -> list[dict]:
    """The published listings with the most views, with the number of deals requested."""
    patents = db.session.execute(
        select(Patent.id, Patent.title, Patent.application_number, Patent.view_count,
               Organisation.name)
        .join(Organisation, Organisation.id == Patent.owner_org_id)
        .where(Patent.published_at.is_not(None))
        .order_by(Patent.view_count.desc(), Patent.id).limit(limit)).all()
    ids = [p.id for p in patents]
    request_counts = dict(db.session.execute(
        select(Deal.patent_id, func.count()).where(Deal.patent_id.in_(ids))
        .group_by(Deal.patent_id)).all()) if ids else {}
    return [{"patent_id": p.id, "title": p.title, "application_number": p.application_number,
             "owner": p.name, "views": int(p.view_count),
             "requests": int(request_counts.get(p.id, 0))}
            for p in patents]


def available_years(default: int) -> list[int]:
    """Years that have ledger or pledge rows (and ``default``), newest first."""
    first = db.session.execute(select(func.min(LedgerEntry.concluded_on))).scalar()
    first_pledge = db.session.execute(select(func.min(PledgeDeal.pledged_on))).scalar()
    starts = [d.year for d in (first, first_pledge) if d is not None]
    low = min([*starts, default])
    return list(range(max(default, local_today().year), low - 1, -1))


