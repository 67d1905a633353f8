"""Five years of demo market life, made through the service layer as users would make it.

The patent texts are real: ``data/demo_patents.csv.gz`` holds KPPatent-ZH records (MIT
licence, ``data/licences/KPPatent-ZH-LICENSE.txt``; see ``scripts/build_demo_patents.py`` for
how they were chosen). Their owners, application numbers, dates and terms are invented.

Every listing, deal, payment, recording, royalty report and pledge is made by the services
the pages call, each "as of" its historical moment (``dates.clock_at``: the one clock every
service reads), so events, ledger rows and notifications carry their historical dates. Signing
skips only the password re-entry (a ``Reauthenticated`` proof is built directly, as the tests
do): the demo users' real password hash is slow, and the signatures themselves are real.
Everything follows from the row index: the same database every time.
"""
from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from .domain.dates import clock_at
from .domain.patent_numbers import check_character
from .domain.terms import EDITABLE_TERM_FIELDS
from .extensions import db
from .models import DealState, Organisation, User

DATA = Path(__file__).resolve().parent / "data" / "demo_patents.csv.gz"
LICENSORS = ("neut", "sypu", "syau", "imr", "sia")
SMES = ("sme1", "sme2", "sme3", "sme4", "sme5", "sme6", "sme7", "sme8", "sme9", "sme10",
        "sme11")
START = datetime(2021, 12, 6, 2, 0, tzinfo=UTC)  # ten o'clock in Shenyang
# the offer of the i-th real patent, in turn (open licences need a granted patent)
OFFER_CYCLE = ("open", "licence", "open_fee", "assignment", "open_deferred", "licence",
               "open", "exclusive")


def real_patents() -> list[dict]:
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def _admin(org: Organisation) -> User:
    return db.session.scalar(select(User).where(User.org == org, User.is_org_admin))


def demo_number(year: int, seq: int) -> str:
    """An invented invention application number with a valid check character (demo only:
    the ``107`` block after the year is never a real one here)."""
    digits = f"{year}1{seq + 1070000:07d}"
    return f"{digits}.{check_character(digits)}"


def load_real_listings(orgs: dict[str, Organisation], now: datetime) -> list:
    """Publish the real patent texts, one every few days from START; returns the offers."""
    from .demo import OFFERS
    from .services import listings
    rows = real_patents()
    step = (now - timedelta(days=75) - START) / len(rows)
    offers = []
    for i, row in enumerate(rows):
        owner = _admin(orgs[LICENSORS[i % len(LICENSORS)]])
        year = 2015 + i % 6
        pending = i % 17 == 5
        kind = "assignment" if pending else OFFER_CYCLE[i * 5 // 4 % len(OFFER_CYCLE)]
        with clock_at(START + step * i):
            patent = listings.create_patent(owner, {
                "application_number": demo_number(year, i), "title": row["title"],
                "abstract": row["abstract"], "ipc_codes": "",
                "legal_status": "pending" if pending else "granted",
                "filing_date": date(year, 1 + i % 12, 1 + i % 28),
                "grant_date": None if pending else date(year + 2, 1 + (i + 5) % 12, 10),
                "inventors": "王明；李华", "keywords": "", "trl": str(3 + i % 6)})
            terms = dict(OFFERS[kind])
            if kind.startswith("open"):
                terms["declared_on"] = date(2021, 9, 1)
                terms["cnipa_announcement_number"] = f"DEMO-KF-2021-{i + 1:04d}"
            offers.append(listings.add_offer(owner, patent, terms))
            listings.publish(owner, patent)
    db.session.flush()
    return offers


def _proposal(offer) -> dict:
    values = {k: getattr(offer, k) for k in EDITABLE_TERM_FIELDS}
    kind = offer.licence_kind  # an enum, or the string just given to a new offer
    values["licence_kind"] = getattr(kind, "value", kind) or None
    values["price_fen"] = offer.asking_price_fen
    return values


def _sign(deal, *users: User) -> None:
    from .services import deals, signing
    for user in users:
        version = signing.current_version(deal)
        deals.sign(deal, user, signing.Reauthenticated(user.id, user.name),
                   sha256=version.data_sha256, ip="127.0.0.1", user_agent="demo")


def _details(user: User, start: date) -> dict:
    org = user.org
    return {"legal_name": org.name, "credit_code": org.credit_code, "address": org.address,
            "field_of_use": "产品研发与生产", "expected_start": start}


BANKS = ("中国工商银行沈阳分行", "盛京银行", "中国建设银行辽宁省分行", "沈阳农村商业银行")


def load_history(orgs: dict[str, Organisation], offers: list, now: datetime) -> dict:
    """Deals on every fourth listing, each starting some weeks after it was published: most
    concluded (paid, recorded, royalties reported), some left open (requests unanswered,
    contracts unsigned) and some payments left unpaid, so the centre's monitor has work.
    Returns counts."""
    counts = {"deals": 0, "concluded": 0, "payments": 0, "reports": 0, "pledges": 0}
    from .services import deals
    centre = _admin(orgs["centre"])
    last = now - timedelta(days=3)
    for i, offer in enumerate(offers):
        if i % 4:
            continue
        start = offer.patent.published_at + timedelta(days=15 + i % 50)
        if start > last:
            continue
        licensee = _admin(orgs[SMES[i % len(SMES)]])
        deal = _make_deal(offer, licensee, start, i, last)
        counts["deals"] += 1
        if deal.state != DealState.CONCLUDED:
            continue
        counts["concluded"] += 1
        licensor = _admin(deal.licensor)
        counts["payments"] += _pay(deal, licensor, centre, i, last)
        _record(deal, licensor, i, last)
        counts["reports"] += _report(deal, licensee, i, last)
    with clock_at(now - timedelta(days=45)):  # the daily clock: old waiting deals expire
        deals.flag_stale()
    counts["deals"] += _waiting(orgs, offers, now)
    counts["pledges"] = _pledges(orgs, centre, now)
    return counts


def _waiting(orgs: dict[str, Organisation], offers: list, now: datetime) -> int:
    """Open business of the last weeks: three requests unanswered for two to three weeks and
    three contracts accepted but unsigned for five (the monitor's "unanswered" and "stuck"),
    made after the daily clock last ran."""
    from .models import OfferKind
    from .services import deals
    chosen = [o for i, o in enumerate(offers) if i % 4 == 2 and o.kind != OfferKind.OPEN_LICENCE
              and o.patent.status.value == "published"][:6]
    for n, offer in enumerate(chosen):
        licensee = _admin(orgs[SMES[(n * 3 + 1) % len(SMES)]])
        at = now - timedelta(days=16 + n * 2 if n < 3 else 30 + n * 2)
        with clock_at(at):
            deal = deals.request_deal(licensee, offer, _proposal(offer),
                                      "请问贵方能否接受以下条件？")
        if n >= 3:
            with clock_at(at + timedelta(hours=20)):
                deals.accept(deal, _admin(offer.patent.owner))
    return len(chosen)


def _make_deal(offer, licensee: User, at: datetime, i: int, last: datetime):
    """Open licences are taken and signed; licences and assignments are requested, then
    (unless left waiting) accepted and signed by both sides a few days apart."""
    from .models import OfferKind
    from .services import deals
    licensor = _admin(offer.patent.owner)
    if offer.kind == OfferKind.OPEN_LICENCE:
        with clock_at(at):
            deal = deals.take_open(licensee, offer, _details(licensee, at.date()))
        with clock_at(min(at + timedelta(days=1), last)):
            _sign(deal, licensee)
        return deal
    with clock_at(at):
        deal = deals.request_deal(licensee, offer, _proposal(offer),
                                  "我们希望尽快洽谈合作，请审阅。")
    if i // 4 % 9 == 5 or at > last - timedelta(days=20):  # an unanswered request
        return deal
    with clock_at(min(at + timedelta(days=3), last)):
        deals.accept(deal, licensor)
    if i // 4 % 10 == 3:  # accepted, never signed: stuck
        return deal
    with clock_at(min(at + timedelta(days=5), last)):
        _sign(deal, licensee, licensor)
    return deal


def _pay(deal, licensor: User, centre: User, i: int, last: datetime) -> int:
    """Each instalment due by now is received a few days before its due date, except every
    seventh deal's (left overdue)."""
    from .models import ScheduleStatus
    from .services import payees, payments
    paid = 0
    for row in list(deal.schedule):
        if row.status != ScheduleStatus.DUE or row.due_on is None or i % 7 == 0:
            continue
        received = max(row.due_on - timedelta(days=3), deal.concluded_at.date())
        moment = datetime.combine(received, datetime.min.time(), UTC) + timedelta(hours=3)
        if moment > last:
            continue
        confirmer = payees.payee_of(row).confirmer
        user = centre if confirmer == payees.CONFIRMED_BY_CENTRE else \
            _admin(deal.broker_org) if confirmer == payees.CONFIRMED_BY_AGENCY else licensor
        with clock_at(moment):
            payments.confirm_receipt(row, user, amount_fen=row.amount_fen, received_on=received,
                                     bank_reference=f"DEMO{row.reference}")
        paid += 1
    return paid


def _record(deal, licensor: User, i: int, last: datetime) -> None:
    """Most licences are recorded with CNIPA about six weeks after conclusion."""
    from .models import OfferKind
    from .services import deals
    moment = deal.concluded_at + timedelta(days=40)
    if deal.kind == OfferKind.ASSIGNMENT or i % 5 == 2 or moment > last:
        return
    with clock_at(moment):
        deals.mark_recorded(deal, licensor, f"DEMO-BA-{moment.year}-{deal.id:05d}")


def _report(deal, licensee: User, i: int, last: datetime) -> int:
    """The licensee reports each ended period's net sales a week before it is due and the
    licensor confirms the royalty received on the due day (every sixth deal leaves its
    latest period unreported, every fifth its latest royalty unconfirmed)."""
    from .services import royalty_reports
    licensor = _admin(deal.licensor)
    due = royalty_reports.periods(deal, last.date())
    if i % 24 == 0:
        due = due[:-1]
    for n, period in enumerate(due):
        filed = min(max(period.due_on - timedelta(days=7), period.end + timedelta(days=1)),
                    last.date())
        with clock_at(_morning(filed)):
            report = royalty_reports.file_report(
                deal, licensee, period_start=period.start,
                base_amount_fen=(300 + (i * 37 + n * 91) % 900) * 10_000_00)
        paid = min(period.due_on, last.date())
        if report.royalty_fen <= 0 or (i % 5 == 1 and n == len(due) - 1):
            continue
        with clock_at(_morning(paid)):
            royalty_reports.confirm_paid(report, licensor, paid_on=paid)
    return len(due)


def _morning(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=2)


def _pledges(orgs: dict[str, Organisation], centre: User, now: datetime) -> int:
    """Two pledges a year by the universities and institutes on their own patents."""
    from .models import Patent
    from .services import pledges
    made = 0
    for n in range(10):
        pledgor = orgs[LICENSORS[n % len(LICENSORS)]]
        numbers = db.session.scalars(select(Patent.application_number).where(
            Patent.owner_org_id == pledgor.id).order_by(Patent.id).offset(n).limit(1 + n % 3)).all()
        day = (START + timedelta(days=170 * n + 30)).date()
        if day >= now.date():
            continue
        with clock_at(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=2)):
            pledges.record(centre, pledgor=pledgor.name, bank=BANKS[n % len(BANKS)],
                           application_numbers=list(numbers),
                           amount_fen=(200 + 150 * n) * 10_000_00, pledged_on=day)
        made += 1
    return made
