"""Pages in both languages, error pages, demo data, security headers."""
import pytest
from sqlalchemy import func, select

from market import demo
from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    DealEvent,
    LedgerEntry,
    Notification,
    Organisation,
    OrgKind,
    OutboxEmail,
    Patent,
    User,
)

pytestmark = pytest.mark.db


def test_home_is_chinese_by_default_and_english_by_switch(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "沈阳知识产权交易平台" in page
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Shenyang IP Market" in response.get_data(as_text=True)
    assert "lang=en" in response.headers["Set-Cookie"]
    # remembered
    assert '<html lang="en">' in client.get("/account/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in client.get("/?lang=zh").get_data(as_text=True)


@pytest.mark.parametrize("lang, text", [("zh", "找不到"), ("en", "could not find")])
def test_404_in_both_languages(client, lang, text):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404 and text in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, text", [("zh", "出错"), ("en", "went wrong")])
def test_500_page_without_stack_trace(app, lang, text):
    app.config["PROPAGATE_TEST_ERRORS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")
    from market.permissions import public
    public(boom)
    response = app.test_client().get(f"/boom?lang={lang}")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and text in body
    assert "secret detail" not in body and "Traceback" not in body


def test_429_and_403_pages_translated(app, client, login_as):
    login_as("sme")
    body = client.get("/centre/audit?lang=zh").get_data(as_text=True)
    assert "无权" in body


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_money_formatted_for_locale(app):
    from market.web import _money
    with app.test_request_context("/?lang=en"):
        assert _money(123400) == "¥1,234.00"
    with app.test_request_context("/"):
        assert _money(123400) == "¥1,234.00"


def test_demo_load(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    kinds = dict(db.session.execute(
        select(Organisation.kind, func.count()).group_by(Organisation.kind)).all())
    assert kinds[OrgKind.UNIVERSITY] >= 3 and kinds[OrgKind.INSTITUTE] >= 2
    assert kinds[OrgKind.SME] >= 12 and kinds[OrgKind.CENTRE] == 1
    assert kinds[OrgKind.AGENCY] == 3 and kinds[OrgKind.ENTERPRISE] == 1
    taken = db.session.execute(select(LedgerEntry.licensee_is_sme, LedgerEntry.open_licence).where(
        LedgerEntry.licensee_kind == "enterprise")).all()
    assert taken == [(False, True)]  # its open licence, outside the SME counts
    districts = db.session.scalar(select(func.count(func.distinct(Organisation.district))))
    assert districts >= 10
    assert db.session.scalar(select(func.count()).select_from(User)) == len(demo.USERS) == 22
    assert db.session.scalar(select(func.count()).select_from(Patent)) >= 300
    _assert_history_made_through_services()
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.to_address.like("%@demo.ipmarket.cn"))) == 0  # invented people get no mail
    assert db.session.scalar(select(func.count()).select_from(Notification)) > 100  # inboxes
    assert db.session.scalar(select(func.count()).select_from(DealEvent).where(
        DealEvent.notified_at.is_(None))) == 0  # every deal event told, each as of its day:
    oldest = db.session.scalar(select(func.min(Notification.created_at)))
    assert oldest.year <= local_today().year - 3  # the five years' notices are not all today's
    assert "演示数据" in app.test_client().get("/").get_data(as_text=True)
    assert "镁合金" in app.test_client().get("/search/?q=镁合金").get_data(as_text=True)
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output


def test_demo_services_alive(app, runner):
    """Beyond deals the demo is alive: agencies entered the register over the years and hold
    SMEs in custody (the plan's two indicators are non-zero and change by year), demands are
    published and answered (one turned into a request), listings have public Q&A, one
    exhibition ran and one is on, and a broker brought a deal to conclusion."""
    from datetime import date

    from market.domain.dates import local_today
    from market.models import Deal, ListingQuestion
    from market.services import agency_register, custody_stats, demand_queries, exhibitions
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    plan = date(app.config["PLAN_START_YEAR"], 1, 1)
    ends = [date(year, 12, 31) for year in (2022, 2023, 2024, 2025)]
    agencies = [agency_register.indicator(plan_start=plan, as_of=d)["current"] for d in ends]
    custody = [custody_stats.counts(plan_start=plan, as_of=d)["cumulative"] for d in ends]
    assert agencies == sorted(agencies) and agencies[0] > 0 and agencies[-1] > agencies[0]
    assert custody == sorted(custody) and custody[0] > 0 and custody[-1] > custody[0]
    assert custody_stats.counts(plan_start=plan, as_of=local_today())["current"] > 0
    demands = demand_queries.counts()
    assert demands["posted"] >= 3 and demands["to_deals"] >= 1 and demands["pending"] >= 1
    assert len(exhibitions.all_exhibitions()) == 2 and len(exhibitions.on_show()) == 1
    assert exhibitions.featured_listings(exhibitions.on_show()[0])
    assert exhibitions.signups(exhibitions.on_show()[0])
    assert db.session.scalar(select(func.count()).select_from(ListingQuestion).where(
        ListingQuestion.answer.is_not(None))) >= 3
    assert db.session.scalar(select(func.count()).select_from(Deal).where(
        Deal.broker_org_id.is_not(None), Deal.concluded_at.is_not(None))) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.to_address.like("%@demo.ipmarket.cn"))) == 0


def _assert_history_made_through_services():
    """The demo's deals went through the services: each concluded deal has its ledger row
    dated the day it was concluded (in the past), every deal its events, and the monitor
    finds work (stuck deals, unanswered requests, overdue payments)."""
    from market.domain.dates import local_date, local_today
    from market.models import Deal, DealEvent, DealState, LedgerEntry, PledgeDeal
    from market.services import monitor
    deals = db.session.scalars(select(Deal)).all()
    concluded = [d for d in deals if d.concluded_at is not None]
    assert len(deals) >= 60 and len(concluded) >= 50
    conclusions = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.entry == "conclusion")).all()
    assert sorted(e.deal_id for e in conclusions) == sorted(d.id for d in concluded)
    by_deal = {e.deal_id: e.concluded_on for e in conclusions}
    assert all(by_deal[d.id] == local_date(d.concluded_at) for d in concluded)
    assert min(by_deal.values()).year <= local_today().year - 4
    with_events = set(db.session.scalars(select(DealEvent.deal_id).distinct()))
    assert with_events == {d.id for d in deals}
    assert {DealState.REQUESTED, DealState.ACCEPTED} <= {d.state for d in deals}
    assert db.session.scalar(select(func.count()).select_from(PledgeDeal)) >= 5
    report = monitor.report(monitor.MonitorFilter())
    assert report["stuck"] and report["unanswered"] and report["overdue"]


@pytest.mark.db
@pytest.mark.parametrize(("lang", "words"), [("zh", "交易：接受"), ("en", "Deal: Accept")])
def test_audit_log_in_words(app, client, login_as, lang, words):
    """The centre reads what happened, not codes: a deal's action as the deal page words it,
    a known action from its label, an unknown one as its code; the deal is a link."""
    from market.extensions import db
    from market.models import Deal
    from market.services import audit
    centre = login_as("centre")
    audit.record("deal.accept", actor=centre, target=Deal(id=7))
    audit.record("org.verified", actor=centre)
    audit.record("something.new", actor=None)
    db.session.commit()
    body = client.get(f"/centre/audit?lang={lang}").get_data(as_text=True)
    assert words in body
    assert ("机构已认证" if lang == "zh" else "Organisation verified") in body
    assert "something.new" in body and 'href="/deals/7"' in body
