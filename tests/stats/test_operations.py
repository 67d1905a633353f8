"""Pledge records and CSV import, moderation, the deal monitor, the API and its tokens."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    ApiToken,
    AuditEvent,
    Deal,
    DealEvent,
    DealState,
    ListingChange,
    Notification,
    OfferKind,
    OrgKind,
    OutboxEmail,
    Patent,
    PaymentScheduleItem,
    PledgeDeal,
    SearchOutbox,
)
from market.models.base import utcnow

from ..conftest import post_form

pytestmark = pytest.mark.db

GOOD_CSV = ("pledgor,bank,patents,amount_yuan,date\n"
            "沈阳甲科技有限公司,盛京银行,201710601862.3;95115608.X,\"500,000\",2024-03-31\n"
            "某个体工商户,中国银行沈阳分行,97101765.4,1200.50,2024-04-01\n")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_record_a_pledge_through_the_form(client, login_as, make_org):
    org = make_org(name="沈阳甲科技有限公司")
    login_as("centre")
    response = post_form(client, "/centre/pledges", {
        "pledgor": org.credit_code, "bank": "盛京银行", "patents": "ZL201710601862.3, 95115608x",
        "amount": "1,000,000", "pledged_on": "2024-05-06"})
    assert response.status_code == 302
    pledge = db.session.scalars(select(PledgeDeal)).one()
    assert (pledge.pledgor_org_id, pledge.pledgor_name, pledge.amount_fen) == \
        (org.id, org.name, 100_000_000)
    assert pledge.application_numbers == ["201710601862.3", "95115608.X"]
    html = client.get("/centre/indicators?year=2024").get_data(as_text=True)
    assert "¥1,000,000.00" in html


def test_pledge_form_errors_are_shown_by_field(client, login_as):
    login_as("centre")
    response = post_form(client, "/centre/pledges", {
        "pledgor": "x", "bank": "y", "patents": "201710601862.4", "amount": "1",
        "pledged_on": "2024-05-06"})
    assert response.status_code == 422
    assert _count(PledgeDeal) == 0


@pytest.mark.parametrize("encode", [lambda t: ("\ufeff" + t).encode(), lambda t: t.encode("gbk")],
                         ids=["utf-8-bom", "gbk"])
def test_csv_import_all_rows(client, login_as, encode):
    login_as("centre")
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO(encode(GOOD_CSV)), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 302
    amounts = sorted(p.amount_fen for p in db.session.scalars(select(PledgeDeal)))
    assert amounts == [120_050, 50_000_000]


def test_csv_import_is_all_or_nothing_and_names_line_and_field(client, login_as):
    login_as("centre")
    bad = GOOD_CSV + ",农业银行,201710601862.3,-5,2024-02-30\n某公司,,123,abc,2024-01-01\n"
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO(bad.encode()), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 422
    assert _count(PledgeDeal) == 0
    html = response.get_data(as_text=True)
    assert "未导入任何记录" in html
    from market.services import pledges
    from market.services.pledges import ImportRejected
    with pytest.raises(ImportRejected) as caught:
        pledges.import_csv(_centre_user(), bad.encode())
    found = {(e.line, e.field) for e in caught.value.errors}
    assert found == {(4, "pledgor"), (4, "amount_yuan"), (4, "date"), (5, "bank"),
                     (5, "patents"), (5, "amount_yuan")}
    db.session.rollback()


def _centre_user():
    from market.models import User
    return next(u for u in db.session.scalars(select(User)) if u.is_centre)


def test_csv_missing_columns(client, login_as):
    login_as("centre")
    from market.services import pledges
    with pytest.raises(pledges.ImportRejected) as caught:
        pledges.import_csv(_centre_user(), b"pledgor,bank\nx,y\n")
    assert {e.field for e in caught.value.errors} == {"patents", "amount_yuan", "date"}


def test_hide_and_unhide_a_listing(client, login_as, make_user, make_listing):
    owner_admin = make_user(kind=OrgKind.UNIVERSITY)
    colleague = make_user(owner_admin.org, admin=False)
    patent = make_listing(owner_admin.org)
    login_as("centre")
    response = post_form(client, f"/centre/listings/{patent.id}/hide",
                         {"reason": "专利已失效，请更新法律状态"})
    assert response.status_code == 302
    db.session.expire_all()
    patent = db.session.get(Patent, patent.id)
    assert patent.hidden and patent.hidden_reason == "专利已失效，请更新法律状态"
    assert [c.action for c in db.session.scalars(select(ListingChange))] == ["hidden"]
    assert [o.patent_id for o in db.session.scalars(select(SearchOutbox))] == [patent.id]
    notes = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notes] == [owner_admin.id]  # admins only, not colleague
    assert colleague.id not in [n.user_id for n in notes]
    emails = db.session.scalars(select(OutboxEmail)).all()
    assert [e.to_address for e in emails] == [owner_admin.email]
    assert "专利已失效" in emails[0].body
    assert "listing.hidden" in db.session.scalars(select(AuditEvent.action)).all()
    html = client.get("/centre/listings/hidden").get_data(as_text=True)
    assert patent.title in html

    response = post_form(client, f"/centre/listings/{patent.id}/unhide", {},
                         token_from="/centre/listings/hidden")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Patent, patent.id).hidden
    assert [c.action for c in db.session.scalars(select(ListingChange).order_by(
        ListingChange.id))] == ["hidden", "unhidden"]
    assert _count(SearchOutbox) == 2


def test_a_reason_ending_in_a_full_stop_reads_as_one_sentence(client, login_as, make_user,
                                                              make_listing):
    owner_admin = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(owner_admin.org)
    login_as("centre")
    post_form(client, f"/centre/listings/{patent.id}/hide", {"reason": "请核对法律状态后再发布。"})
    body = db.session.scalars(select(OutboxEmail.body)).one()
    assert "再发布。" in body and "。。" not in body and "。." not in body


def test_hide_needs_a_reason(client, login_as, make_listing):
    patent = make_listing()
    login_as("centre")
    response = post_form(client, f"/centre/listings/{patent.id}/hide", {"reason": "  "})
    assert response.status_code == 422
    db.session.expire_all()
    assert not db.session.get(Patent, patent.id).hidden
    assert _count(SearchOutbox) == 0


def test_find_listing_to_hide(client, login_as, make_listing):
    patent = make_listing()
    login_as("centre")
    html = client.get(f"/centre/listings/hidden?q={patent.application_number[:8]}")\
        .get_data(as_text=True)
    assert f"/centre/listings/{patent.id}/hide" in html


def _deal(patent, licensee, state, *, age_days, **fields):
    moment = utcnow() - timedelta(days=age_days)
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                licence_kind="non_exclusive", licensor_org_id=patent.owner_org_id,
                licensee_org_id=licensee.id, state=state, created_at=moment,
                state_changed_at=moment, **fields)
    db.session.add(deal)
    db.session.flush()
    db.session.add(DealEvent(deal_id=deal.id, actor_role="licensee", action="request",
                             to_state="requested", at=moment))
    return deal


def test_monitor_lists_what_needs_attention(client, login_as, make_org, make_listing):
    sme, other = make_org(), make_org()
    patent = make_listing()
    old_request = _deal(patent, sme, DealState.REQUESTED, age_days=20)
    _deal(patent, sme, DealState.REQUESTED, age_days=3)  # fresh: not listed
    stuck = _deal(patent, other, DealState.ACCEPTED, age_days=40)
    unrecorded = _deal(patent, sme, DealState.CONCLUDED, age_days=120,
                       concluded_at=utcnow() - timedelta(days=100))
    _deal(patent, sme, DealState.CONCLUDED, age_days=120,
          concluded_at=utcnow() - timedelta(days=100), recorded_at=utcnow())
    paying = _deal(patent, sme, DealState.AWAITING_PAYMENT, age_days=5)
    db.session.add(PaymentScheduleItem(deal_id=paying.id, kind="upfront", amount_fen=123_400,
                                       due_on=local_today() - timedelta(days=2),
                                       reference="PAY-OVERDUE-1"))
    db.session.add(PaymentScheduleItem(deal_id=paying.id, kind="royalty", amount_fen=1,
                                       due_on=local_today() + timedelta(days=2),
                                       reference="PAY-LATER-1"))
    db.session.commit()
    login_as("centre")
    from market.services import monitor
    report = monitor.report(monitor.MonitorFilter())
    assert [d.id for d in report["unanswered"]] == [old_request.id]
    assert [d.id for d in report["stuck"]] == [stuck.id]
    assert [i.reference for i in report["overdue"]] == ["PAY-OVERDUE-1"]
    assert [d.id for d in report["unrecorded"]] == [unrecorded.id]
    only_other = monitor.report(monitor.MonitorFilter(org_id=other.id))
    assert [d.id for d in only_other["stuck"]] == [stuck.id] and not only_other["unanswered"]
    recent = monitor.report(monitor.MonitorFilter(start=local_today() - timedelta(days=30)))
    assert [d.id for d in recent["unanswered"]] == [old_request.id] and not recent["unrecorded"]
    html = client.get("/centre/monitor").get_data(as_text=True)
    assert f"#{old_request.id}" in html and "PAY-OVERDUE-1" in html and "¥1,234.00" in html
    assert ">upfront " not in html and "首付" in html  # the schedule row's kind as a label
    html = client.get(f"/centre/monitor?org={other.id}&start=&end=").get_data(as_text=True)
    assert f"#{stuck.id}" in html and f"#{old_request.id}<" not in html


def test_api_with_session_and_token(client, login_as, ledger_world, runner, app):
    user = login_as("centre")
    data = client.get("/api/v1/stats/indicators?year=2024").get_json()
    # by conclusion date (the default view): the 2023 deal reversed in 2024 stays in 2023
    assert data["deals"]["total"] == 4 and data["smes"]["cumulative"] == 3
    assert client.get("/api/v1/stats/indicators?year=abc").status_code == 400

    result = runner.invoke(args=["users", "create-token", user.email, "--label", "市局"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    stored = db.session.scalars(select(ApiToken)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64
    fresh = app.test_client()
    response = fresh.get("/api/v1/stats/indicators?year=2024",
                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == data
    db.session.expire_all()
    assert db.session.scalars(select(ApiToken)).one().last_used_at is not None
    bad = fresh.get("/api/v1/stats/indicators", headers={"Authorization": "Bearer sym_nope"})
    assert bad.status_code == 401 and bad.get_json()["error"]
    assert fresh.get("/api/v1/stats/indicators").status_code == 401


def test_api_token_of_a_non_centre_user(runner, make_user, app):
    sme_user = make_user()
    result = runner.invoke(args=["users", "create-token", sme_user.email])
    assert result.exit_code != 0
    from market.models import ApiToken as Token
    from market.services import api_tokens
    raw = "sym_" + "x" * 40
    db.session.add(Token(user_id=sme_user.id, token_hash=api_tokens._digest(raw)))
    db.session.commit()
    response = app.test_client().get("/api/v1/stats/indicators",
                                     headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403


def test_revoked_token_is_refused(runner, make_user, app):
    from market.services import api_tokens
    centre = make_user(kind=OrgKind.CENTRE)
    _, raw = api_tokens.create(centre)
    db.session.scalars(select(ApiToken)).one().revoked_at = datetime.now(UTC)
    db.session.commit()
    response = app.test_client().get("/api/v1/stats/indicators",
                                     headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
