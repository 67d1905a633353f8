"""Indicators on a synthetic ledger of 1,000,000 rows over 5 years (SQLite file): deal
conclusions, reversals (cancellations, dated to the deal and to the cancellation), refunds,
royalty payments and CNIPA registrations.

Also 40 service agencies (a few exits and suspensions) and 4,000 custody agreements with
their events: the payload's custody and agency indicators are part of indicators_ms, and
the floor's statement computes the custody count too.

Prints one JSON line, for the slowest of the views of the counts (conclusion date, booking
date, registration date; each view's own figures under "views"):
  royalty_rows, reversal_rows   rows of those kinds in the ledger
  indicators_ms   median of 5 runs of services.stats.indicators() for the last year
                  (the whole page payload: growth and average growth from the base year,
                  breakdowns, SMEs, monthly, top patents)
  sql_floor_ms    the fastest of 5 runs of ONE hand-written SQL statement computing the same
                  ledger aggregates (UNION ALL of the GROUP BYs) on the raw sqlite3 connection:
                  the cost of the scans the figures need, without Python or SQLAlchemy
  single_scan_ms  the fastest run of the simplest aggregate over the year (one GROUP BY kind)
  ratio           indicators_ms / sql_floor_ms

Usage: python bench/stats.py [--rows N] [--db PATH] [--keep]
"""
import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from market import create_app  # noqa: E402
from market.config import TestConfig  # noqa: E402
from market.extensions import db  # noqa: E402
from market.services import stats  # noqa: E402

YEARS = (2020, 2021, 2022, 2023, 2024)
INDUSTRIES = ("high_end_equipment", "new_materials", "biomedicine", "electronic_information",
              "modern_agriculture", "energy_environment", "other")
DISTRICTS = ("和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区", "沈北新区",
             "于洪区", "辽中区", "新民市", "康平县", "法库县")
N_LICENSORS, N_SMES, N_OTHERS, N_PATENTS = 12, 5000, 300, 20000
NOW = "2025-01-01 00:00:00.000000"


def fill(path: Path, rows: int, rnd: random.Random) -> None:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    orgs = []
    for i in range(N_LICENSORS + N_SMES + N_OTHERS):
        kind = ("university" if i % 3 else "institute") if i < N_LICENSORS else \
            ("sme" if i < N_LICENSORS + N_SMES else "university")
        orgs.append((i + 1, kind, f"机构{i}", f"CODE{i:014d}", rnd.choice(DISTRICTS), "地址", "联系人",
                     "024", "a@b.cn", "small" if kind == "sme" else None, "verified", NOW))
    conn.executemany(
        "INSERT INTO organisation (id, kind, name, credit_code, district, address, contact_name,"
        " contact_phone, contact_email, sme_size, status, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", orgs)
    conn.executemany(
        "INSERT INTO patent (id, owner_org_id, application_number, title, abstract, claims,"
        " ipc_codes, patent_type, legal_status, filing_date, expiry_date, inventors, industry,"
        " industry_overridden, keywords, status, hidden, view_count, created_at, updated_at,"
        " published_at) VALUES (?,?,?,?,'','','[]','invention','granted','2019-01-01',"
        " '2039-01-01','',?,0,'','published',0,?,?,?,?)",
        [(p, rnd.randint(1, N_LICENSORS), f"2019{p:08d}.1", f"专利{p}", rnd.choice(INDUSTRIES),
          rnd.randint(0, 5000), NOW, NOW, NOW) for p in range(1, N_PATENTS + 1)])
    conn.executemany(
        "INSERT INTO offer (id, patent_id, kind, active, currency, upfront_fee_fen, upfront_mode,"
        " royalty_bp, royalty_base, royalty_threshold_fen, min_annual_royalty_fen, term_years,"
        " territory, field_of_use, created_at, updated_at) VALUES (?,?,'licence',1,'CNY',0,"
        " 'due_at_signing',0,'net_sales',0,0,1,'中国','',?,?)",
        [(p, p, NOW, NOW) for p in range(1, N_PATENTS + 1)])
    start, span = date(YEARS[0], 1, 1), (date(YEARS[-1], 12, 31) - date(YEARS[0], 1, 1)).days
    conclusions = int(rows / 1.7)
    days = sorted(rnd.randrange(span + 1) for _ in range(conclusions))
    deals, ledger, reversals, extra = [], [], [], []
    for deal_id, offset in enumerate(days, start=1):
        patent = rnd.randint(1, N_PATENTS)
        licensor = rnd.randint(1, N_LICENSORS)
        licensee = rnd.randint(N_LICENSORS + 1, len(orgs))
        is_sme = licensee <= N_LICENSORS + N_SMES
        kind = "assignment" if rnd.random() < 0.15 else "licence"
        lk = None if kind == "assignment" else rnd.choice(("exclusive", "sole", "non_exclusive",
                                                           "non_exclusive"))
        open_l, fast = int(lk == "non_exclusive" and rnd.random() < 0.5), int(rnd.random() < 0.3)
        value = rnd.choice((0, 10_000_00, 50_000_00, 200_000_00, 1_000_000_00))
        on = start + timedelta(days=offset)
        d2c = rnd.randint(1, 90)
        # exclusive/sole deals are stored as expired: one in force per patent (unique index)
        state = "expired" if lk in ("exclusive", "sole") else "concluded"
        deals.append((deal_id, patent, patent, "licence" if kind == "licence" else "assignment",
                       lk, licensor, licensee, state, f"C{deal_id}", NOW, NOW))
        registered = (on + timedelta(days=rnd.randint(10, 120))).isoformat() \
            if rnd.random() < 0.6 else None
        row = [deal_id, "conclusion", "", None, 1, f"C{deal_id}", on.isoformat(), on.isoformat(),
               None, kind, lk, open_l, fast, value, licensor, "university", licensee,
               "sme" if is_sme else "university", int(is_sme), 1, rnd.choice(INDUSTRIES),
               rnd.choice(DISTRICTS), f"[{patent}]", d2c]
        ledger.append(row)
        budget = rows - conclusions - len(reversals) - len(extra)
        if registered and budget > 0:
            extra.append([deal_id, "registration", "", None, 1, f"C{deal_id}", registered, None,
                          registered, *row[9:]])
            budget -= 1
        if budget > 0 and rnd.random() < 0.02:
            later = min(on + timedelta(days=rnd.randint(1, 60)), date(YEARS[-1], 12, 31))
            reversals.append([deal_id, "reversal", "", deal_id, -1, f"C{deal_id}",
                              later.isoformat(), on.isoformat(), registered, kind, lk, open_l,
                              fast, -value, *row[14:]])
            budget -= 1
        elif budget > 0 and kind == "licence" and rnd.random() < 0.25:
            paid = on + timedelta(days=rnd.randint(30, 700))
            if paid <= date(YEARS[-1], 12, 31):
                extra.append([deal_id, "royalty", f"R{deal_id}", None, 0, f"C{deal_id}",
                              paid.isoformat(), paid.isoformat(), paid.isoformat(), kind, lk,
                              open_l, fast, rnd.randint(1, 500) * 100_00, *row[14:23], None])
    conn.executemany(
        "INSERT INTO deal (id, patent_id, offer_id, kind, licence_kind, licensor_org_id,"
        " licensee_org_id, state, currency, upfront_fee_fen, upfront_mode, royalty_bp,"
        " royalty_base, royalty_threshold_fen, min_annual_royalty_fen, term_years, territory,"
        " field_of_use, proposed_by, licensee_details, contract_number, created_at,"
        " state_changed_at, version)"
        " VALUES (?,?,?,?,?,?,?,?,'CNY',0,'due_at_signing',0,'net_sales',0,0,1,'中国',"
        " '','licensee','{}',?,?,?,1)", deals)
    # append-only: rows arrive in booking order, reversals interleaved at their own dates
    ordered = sorted([*ledger, *reversals, *extra], key=lambda r: r[6])
    conn.executemany(
        "INSERT INTO ledger_entry (deal_id, entry, ref, reverses_id, sign, contract_number,"
        " concluded_on, deal_on, registered_on, kind, licence_kind, open_licence, fast_licence,"
        " contract_value_fen, licensor_org_id, licensor_kind, licensee_org_id, licensee_kind,"
        " licensee_is_sme, licensor_is_university, industry, district, patent_ids,"
        " days_to_conclusion, currency, patent_count, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'CNY',1,"
        f" '{NOW}')", ordered)
    conn.executemany(
        "INSERT INTO pledge_deal (pledgor_name, bank, application_numbers, patent_count,"
        " amount_fen, currency, pledged_on, source, created_at)"
        " VALUES ('某公司','盛京银行','[]',1,?,'CNY',?,'csv',?)",
        [(rnd.randint(1, 500) * 1_000_000, date(rnd.choice(YEARS), rnd.randint(1, 12),
                                                rnd.randint(1, 28)).isoformat(), NOW)
         for _ in range(2000)])
    fill_custody(conn, rnd, first_sme=N_LICENSORS + 1, first_agency=len(orgs) + 1)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


N_AGENCIES, N_CUSTODY = 40, 4000


def fill_custody(conn, rnd: random.Random, *, first_sme: int, first_agency: int) -> None:
    """Service agencies (verified over the years, a few exits and suspensions) and custody
    agreements of the SMEs with them: proposed, mostly accepted, some renewed or ended
    early, as the custody pages write them."""
    agencies = list(range(first_agency, first_agency + N_AGENCIES))
    conn.executemany(
        "INSERT INTO organisation (id, kind, name, credit_code, district, address, contact_name,"
        " contact_phone, contact_email, status, verified_at, created_at)"
        " VALUES (?,'agency',?,?,'浑南区','地址','联系人','024','a@b.cn','verified',?,?)",
        [(a, f"服务机构{a}", f"AGENCY{a:012d}",
          f"{rnd.choice(YEARS)}-{rnd.randint(1, 12):02d}-01 02:00:00.000000", NOW)
         for a in agencies])
    conn.executemany(
        "INSERT INTO agency_status_event (agency_org_id, kind, effective_on, reason, at)"
        " VALUES (?,?,?,'bench',?)",
        [(a, kind, f"{YEARS[-1]}-0{n + 1}-15", NOW)
         for n, (a, kind) in enumerate(zip(agencies[:6], ("exit", "suspension") * 3,
                                           strict=True))])
    events = []
    for agreement_id in range(1, N_CUSTODY + 1):
        sme, agency = rnd.randint(first_sme, first_sme + N_SMES - 1), rnd.choice(agencies)
        start = date(YEARS[0], 1, 1) + timedelta(days=rnd.randrange(5 * 365))
        end = start + timedelta(days=364)
        conn.execute(
            "INSERT INTO custody_agreement (id, sme_org_id, agency_org_id, proposed_by_org_id,"
            " scope_patents, scope_marks, scope_fee_reminders, scope_portfolio_review,"
            " starts_on, ends_on, fee_fen, currency, created_at)"
            " VALUES (?,?,?,?,1,0,1,0,?,?,300000,'CNY',?)",
            (agreement_id, sme, agency, sme, start.isoformat(), end.isoformat(), NOW))
        events.append((agreement_id, "proposed", sme, start, end))
        if rnd.random() < 0.1:
            continue  # never answered
        events.append((agreement_id, "accepted", agency, start, end))
        if rnd.random() < 0.4:
            later = end + timedelta(days=365)
            events += [(agreement_id, "renewal_proposed", agency, end, later),
                       (agreement_id, "renewed", sme, end, later)]
        if rnd.random() < 0.1:
            events.append((agreement_id, "terminated", sme, None,
                           start + timedelta(days=rnd.randint(30, 300))))
    conn.executemany(
        "INSERT INTO custody_event (agreement_id, kind, by_org_id, starts_on, ends_on, at)"
        f" VALUES (?,?,?,?,?,'{NOW}')",
        [(a, k, by, s.isoformat() if s else None, e.isoformat()) for a, k, by, s, e in events])


# The same ledger aggregates as the payload, written by hand in their fastest form found
# (grouping in index order, one scan for the breakdowns, "+column" for the SME count), for
# one view: {day} is the view's date column, {only} its extra condition.
FLOOR_SQL = """
SELECT 'cube', {day}, kind, licence_kind, open_licence, fast_licence, NULL, SUM(sign),
  SUM(contract_value_fen),
  SUM(CASE WHEN days_to_conclusion IS NOT NULL THEN sign * days_to_conclusion ELSE 0 END),
  SUM(CASE WHEN days_to_conclusion IS NOT NULL THEN sign ELSE 0 END)
FROM ledger_entry WHERE {day} BETWEEN :prev AND :end {only}
GROUP BY {day}, kind, licence_kind, open_licence, fast_licence
UNION ALL
SELECT 'breakdown', industry, district, licensor_is_university, licensor_org_id, kind, NULL,
  SUM(sign), SUM(contract_value_fen), NULL, NULL
FROM ledger_entry WHERE {day} BETWEEN :start AND :end {only}
GROUP BY industry, district, licensor_is_university, licensor_org_id, kind
UNION ALL
SELECT 'base', SUM(sign), SUM(contract_value_fen), NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL FROM ledger_entry WHERE {day} BETWEEN :base_start AND :base_end {only}
UNION ALL
SELECT 'smes', SUM(plan > 0), SUM(cur > 0), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM (
  SELECT SUM(sign) AS plan, SUM(CASE WHEN +{day} >= :start THEN sign ELSE 0 END) AS cur
  FROM ledger_entry WHERE licensee_is_sme = 1 AND licensor_is_university = 1
    AND +{day} BETWEEN :plan AND :end {only} GROUP BY licensee_org_id)
UNION ALL
SELECT 'custody', COUNT(DISTINCT CASE WHEN last >= :plan THEN sme END),
  COUNT(DISTINCT CASE WHEN last >= :end THEN sme END), NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL FROM (
  SELECT a.sme_org_id AS sme, MIN(CASE WHEN e.kind = 'accepted' THEN e.starts_on END) AS first,
    MIN(COALESCE(MIN(CASE WHEN e.kind = 'terminated' THEN e.ends_on END), '9999-12-31'),
        MAX(CASE WHEN e.kind IN ('accepted', 'renewed') THEN e.ends_on END)) AS last
  FROM custody_agreement a JOIN custody_event e ON e.agreement_id = a.id
  GROUP BY a.id, a.sme_org_id)
WHERE first IS NOT NULL AND first <= :end AND last >= first
"""
VIEW_SQL = {"deal": ("deal_on", ""), "registered": ("registered_on", ""),
            "booked": ("concluded_on", "AND deal_on IS NOT NULL")}
SINGLE_SQL = ("SELECT kind, SUM(sign), SUM(contract_value_fen) FROM ledger_entry"
              " WHERE deal_on BETWEEN :start AND :end GROUP BY kind")


def best_ms(fn, runs=5):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--keep", action="store_true", help="reuse --db if it exists")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.db or Path(folder.name) / "bench.sqlite"
    t0 = time.perf_counter()
    if not (args.keep and path.exists()):
        path.unlink(missing_ok=True)
        fill(path, args.rows, random.Random(7))
    fill_s = time.perf_counter() - t0
    year = YEARS[-1]
    base = YEARS[0]  # each indicator's base year in this run (the plan's 2018 has no rows)
    params = {"start": f"{year}-01-01", "end": f"{year}-12-31", "prev": f"{year - 1}-01-01",
              "plan": f"{YEARS[0]}-01-01", "base_start": f"{base}-01-01",
              "base_end": f"{base}-12-31"}
    raw = sqlite3.connect(path)
    counts = dict(raw.execute("SELECT entry, COUNT(*) FROM ledger_entry GROUP BY entry"))
    floors = {}
    for view, (day, only) in VIEW_SQL.items():
        sql = FLOOR_SQL.format(day=day, only=only)
        floor_rows = raw.execute(sql, params).fetchall()  # also warms the page cache
        total = sum(r[7] for r in floor_rows if r[0] == "cube" and r[1] >= params["start"])
        floors[view] = (min(best_ms(lambda sql=sql: raw.execute(sql, params).fetchall())), total)
    single = best_ms(lambda: raw.execute(SINGLE_SQL, params).fetchall())
    raw.close()
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    views = {}
    with app.app_context():
        for view in stats.VIEWS:
            def payload(view=view):
                result = stats.indicators(stats.Period.for_year(year), plan_start_year=YEARS[0],
                                          view=view, growth_base_years=dict.fromkeys(
                                              stats.DEFAULT_BASE_YEARS, base))
                db.session.remove()
                return result
            check = payload()
            page = best_ms(payload)
            median = statistics.median(page)
            floor, floor_total = floors[view]
            views[view] = {"indicators_ms": round(median, 1),
                           "indicators_best_ms": round(min(page), 1),
                           "sql_floor_ms": round(floor, 1), "ratio": round(median / floor, 2),
                           "deals_in_year": check["deals"]["total"],
                           "consistent": floor_total == check["deals"]["total"],
                           "custody_smes": check["custody_smes"]["cumulative"],
                           "agencies": check["agencies"]["current"]}
        db.engine.dispose()
    rows = sum(counts.values())
    slowest = max(views, key=lambda v: views[v]["indicators_ms"])
    print(json.dumps({
        "rows": rows, "royalty_rows": counts.get("royalty", 0),
        "reversal_rows": counts.get("reversal", 0),
        "registration_rows": counts.get("registration", 0), "year": year,
        "view": slowest, **views[slowest], "single_scan_ms": round(min(single), 1),
        "worst_ratio": max(v["ratio"] for v in views.values()),
        "fill_s": round(fill_s, 1), "views": views}))


if __name__ == "__main__":
    main()
