"""Each user's email choices: at once, a daily digest or in-app only per category; legal mail
always goes; the digest is one email a day; unsubscribe links work without logging in."""
import re

import pytest
from sqlalchemy import func, select

from market.domain.mail_kinds import ALERTS, DEALS, DIGEST, IMMEDIATELY, IN_APP, PAYMENTS
from market.extensions import db
from market.models import DigestItem, Notification, OutboxEmail, SavedSearch
from market.services import accounts, mail_prefs, notifications, saved_searches
from market.unit_of_work import commit
from tests.conftest import log_in, post_form

from .conftest import PUBLIC_URL

pytestmark = pytest.mark.db


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _choose(user, **choices) -> None:
    mail_prefs.set_choices(user, choices)
    commit()


def test_every_category_defaults_to_immediately(app, make_user):
    user = make_user()
    assert set(mail_prefs.choices_of(user).values()) == {IMMEDIATELY}


def test_in_app_only_writes_the_notification_and_no_email(app, make_user):
    user = make_user()
    _choose(user, deals=IN_APP)
    notifications.notify_users([user], "deal_request", "新的许可请求", "", "/deals/1")
    notifications.notify_users([user], "payment_overdue", "付款逾期", "", "/deals/1")
    commit()
    assert _count(Notification) == 2  # the inbox row is always written
    [email] = db.session.scalars(select(OutboxEmail)).all()
    assert email.subject == "付款逾期"  # payments still at once


def test_legal_mail_cannot_be_switched_off(app, make_user):
    user = make_user()
    _choose(user, **dict.fromkeys(("deals", "signatures", "payments", "needs", "alerts"), IN_APP))
    notifications.notify_users([user], "deal_signed", "对方已签署，请您签署", "", "/deals/1")
    notifications.notify_users([user], "payment_confirmed", "付款已确认", "", "/deals/1")
    notifications.notify_users([user], "open_licence_notice", "书面通知", "", "/deals/1")
    with app.test_request_context():
        accounts.request_password_reset(user.email)
    commit()
    assert _count(OutboxEmail) == 4
    assert db.session.scalar(select(OutboxEmail.unsubscribe_url).limit(1)) is None


def test_three_events_make_one_digest_email_and_a_second_run_sends_nothing(
        smtp_app, smtp_server, make_user, runner):
    user = make_user(email="digest@example.cn")
    _choose(user, deals=DIGEST, payments=DIGEST)
    for n, kind in enumerate(("deal_request", "deal_counter", "payment_overdue"), start=1):
        notifications.notify_users([user], kind, f"事件{n}", "", f"/deals/{n}")
    commit()
    assert _count(DigestItem) == 3 and _count(OutboxEmail) == 0 and not smtp_server.messages
    first = smtp_app.test_cli_runner().invoke(args=["mail", "digest"])
    second = smtp_app.test_cli_runner().invoke(args=["mail", "digest"])
    assert "1 digest(s)" in first.output and "0 digest(s)" in second.output
    [message] = smtp_server.to("digest@example.cn")
    assert message["Subject"] == "沈阳知识产权交易平台：每日摘要（3 条）"
    text = message.get_body(("plain",)).get_content()
    for n in (1, 2, 3):
        assert f"事件{n}" in text and f"{PUBLIC_URL}/deals/{n}" in text
    assert message["List-Unsubscribe"].startswith(f"<{PUBLIC_URL}/account/unsubscribe/")
    # a new event after today's digest waits for tomorrow's
    notifications.notify_users([user], "deal_request", "事件4", "", "/deals/4")
    commit()
    smtp_app.test_cli_runner().invoke(args=["mail", "digest"])
    assert len(smtp_server.to("digest@example.cn")) == 1


def _alert(user, patent) -> None:
    search = SavedSearch(user_id=user.id, name="石墨烯", query="石墨烯")
    db.session.add(search)
    db.session.flush()
    saved_searches._tell(search, patent)
    commit()


def test_the_unsubscribe_link_of_a_real_alert_turns_alerts_off(
        smtp_app, smtp_server, make_user, make_listing, client):
    user = make_user(email="alerts@example.cn")
    patent = make_listing()
    _alert(user, patent)
    [message] = smtp_server.to("alerts@example.cn")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message["List-Unsubscribe"].strip("<>")
    text = message.get_body(("plain",)).get_content()
    assert header in text  # the same link in the body
    path = header.removeprefix(PUBLIC_URL)
    page = client.get(path)
    assert page.status_code == 200 and "订阅检索提醒" in page.get_data(as_text=True)
    assert mail_prefs.choice_for(user, ALERTS) == IMMEDIATELY  # GET changes nothing
    # RFC 8058 one-click: the mail client posts this body, with no session and no CSRF token
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db.session.rollback()
    assert mail_prefs.choice_for(user, ALERTS) == IN_APP
    assert mail_prefs.choice_for(user, DEALS) == IMMEDIATELY  # only that kind
    _alert(user, make_listing())
    assert len(smtp_server.to("alerts@example.cn")) == 1  # no new email
    assert _count(Notification) == 2  # but the inbox has both


def test_a_tampered_or_foreign_token_is_refused(app, make_user, client):
    user = make_user()
    token = mail_prefs.unsubscribe_token(user, ALERTS)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/account/unsubscribe/{forged}").status_code == 404
    assert client.post(f"/account/unsubscribe/{forged}").status_code == 404
    app.config["SECRET_KEY"] = "another-secret"
    assert client.post(f"/account/unsubscribe/{token}").status_code == 404
    assert mail_prefs.choice_for(user, ALERTS) == IMMEDIATELY


def test_the_digest_link_stops_every_category_held_for_the_digest(app, make_user, client):
    user = make_user()
    _choose(user, deals=DIGEST, payments=DIGEST)
    token = mail_prefs.unsubscribe_token(user, mail_prefs.ALL_DIGESTS)
    assert client.post(f"/account/unsubscribe/{token}").status_code == 200
    db.session.rollback()
    choices = mail_prefs.choices_of(user)
    assert (choices[DEALS], choices[PAYMENTS], choices[ALERTS]) == (IN_APP, IN_APP, IMMEDIATELY)


def test_the_settings_page_saves_the_choices_and_shows_errors_inline(app, make_user, client):
    user = make_user()
    log_in(client, user)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "交易动态" in page and "仅站内通知" in page
    assert re.search(r'value="immediately"[^>]*checked|checked[^>]*value="immediately"', page)
    form = {"deals": DIGEST, "signatures": IMMEDIATELY, "payments": IN_APP,
            "needs": IMMEDIATELY, "alerts": IN_APP}
    assert post_form(client, "/account/notifications", form).status_code == 302
    db.session.rollback()
    assert mail_prefs.choices_of(user) == form
    bad = post_form(client, "/account/notifications", {**form, "deals": "sms"})
    assert bad.status_code == 422 and 'id="deals-error"' in bad.get_data(as_text=True)
    missing = {k: v for k, v in form.items() if k != "alerts"}
    refused = post_form(client, "/account/notifications", missing)
    assert refused.status_code == 422 and "请选择接收方式" in refused.get_data(as_text=True)


def test_mail_is_written_in_the_recipients_language(app, make_user):
    chinese, english = make_user(), make_user()
    english.locale = "en"
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "zh"}):  # the actor reads Chinese
        for user in (chinese, english):
            accounts.request_password_reset(user.email)
    commit()
    subjects = dict(db.session.execute(select(OutboxEmail.to_address, OutboxEmail.subject)).all())
    assert subjects[chinese.email] == "沈阳知识产权交易平台：重置密码"
    assert subjects[english.email] == "Shenyang IP Market: reset your password"
