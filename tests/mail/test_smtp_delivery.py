"""Delivery through a real SMTP server on 127.0.0.1: what arrives, what is retried, what fails
for good (and the centre sends again), and two deliverers at once sending each message once."""
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.mail_retry import MAX_ATTEMPTS
from market.extensions import db
from market.mail_transport import parse_mail_url
from market.mail_worker import deliver_due
from market.models import OrgKind, OutboxEmail
from market.models.base import utcnow
from market.services import deals, mail
from market.unit_of_work import commit
from tests.conftest import post_form
from tests.factories import EXCLUSIVE, proposal_of

from .conftest import PUBLIC_URL, free_port

pytestmark = pytest.mark.db


def _rows() -> list[OutboxEmail]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)))


def _later(minutes: int = 120):
    return utcnow() + timedelta(minutes=minutes)


def test_mail_url_forms_and_percent_decoded_credentials():
    server = parse_mail_url("smtp+starttls://ops%40example.cn:p%40ss%3Aw@mail.example.cn:587")
    assert (server.scheme, server.host, server.port) == ("smtp+starttls", "mail.example.cn", 587)
    assert (server.username, server.password) == ("ops@example.cn", "p@ss:w")
    assert parse_mail_url("smtps://u:p@mail.example.cn").port == 465
    assert parse_mail_url("smtp://127.0.0.1").port == 25
    with pytest.raises(ValueError, match="MAIL_URL"):
        parse_mail_url("http://mail.example.cn")


def test_a_password_reset_arrives_with_its_link_and_a_chinese_subject(smtp_app, smtp_server,
                                                                      client, make_user):
    user = make_user(email="reset@example.cn")
    response = post_form(client, "/account/reset", {"email": user.email})
    assert response.status_code == 302
    [message] = smtp_server.to("reset@example.cn")
    assert message["Subject"] == "沈阳知识产权交易平台：重置密码"  # decoded back
    assert "=?utf-8?" in message.as_string().lower()  # the header went out RFC 2047-encoded
    assert message["From"].addresses[0].display_name == "沈阳知识产权交易平台"
    assert message["Message-ID"].endswith("@ipmarket.example.cn>") and message["Date"]
    text = message.get_body(("plain",)).get_content()
    link = re.search(re.escape(PUBLIC_URL) + r"(/account/reset/\S+)", text).group(1)
    html = message.get_body(("html",)).get_content()
    assert f'href="{PUBLIC_URL}{link}"' in html
    assert client.get(link).status_code == 200  # the link opens the reset form
    [row] = _rows()
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None


def test_a_licence_request_reaches_the_licensors_admins(smtp_app, smtp_server, make_user,
                                                        make_listing):
    admin = make_user(kind=OrgKind.UNIVERSITY, email="admin@neu.example.cn")
    member = make_user(admin.org, email="member@neu.example.cn", admin=False)
    sme = make_user(kind=OrgKind.SME)
    offer = make_listing(admin.org, offers=[EXCLUSIVE]).offers[0]
    deal = deals.request_deal(sme, offer, proposal_of(offer), "我们希望获得许可。")
    commit()
    [message] = smtp_server.to("admin@neu.example.cn")
    assert smtp_server.to(member.email) == []  # members see it in the inbox only
    assert f"{PUBLIC_URL}/deals/{deal.id}" in message.get_body(("plain",)).get_content()


def test_server_down_is_retried_later_nothing_lost_nothing_twice(smtp_app, smtp_server):
    smtp_app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    for i in range(3):
        mail.queue_email(f"down{i}@example.cn", "通知", "正文")
    commit()  # inline delivery: connection refused
    rows = _rows()
    assert [r.sent_at for r in rows] == [None] * 3 and all(r.attempts == 1 for r in rows)
    assert all(r.next_attempt_at > utcnow() and r.failed_at is None for r in rows)
    assert "ConnectionRefused" in rows[0].last_error
    assert mail.deliver_pending() == 0  # not due yet: the backoff holds
    smtp_app.config["MAIL_URL"] = smtp_server.url  # the server is back
    assert mail.deliver_pending(now=_later(2)) == 3
    assert mail.deliver_pending(now=_later(200)) == 0
    assert sorted(m["To"] for m in smtp_server.messages) == [f"down{i}@example.cn"
                                                             for i in range(3)]
    assert all(r.sent_at is not None and r.attempts == 2 for r in _rows())


def test_backoff_doubles_and_gives_up_after_the_last_attempt(smtp_app, smtp_server):
    smtp_server.busy.add("busy@example.cn")  # 451 on every try
    mail.queue_email("busy@example.cn", "通知", "正文")
    commit()
    delays, now = [], utcnow()
    for _ in range(MAX_ATTEMPTS - 1):
        [row] = _rows()
        assert row.failed_at is None and row.last_error.startswith("451")
        delays.append(row.next_attempt_at - now)
        now = row.next_attempt_at
        mail.deliver_pending(now=now)
    [row] = _rows()
    assert row.failed_at is not None and row.attempts == MAX_ATTEMPTS
    assert round(delays[1] / delays[0]) == 2 and max(delays) <= timedelta(hours=1, seconds=5)
    assert smtp_server.messages == []


def test_a_550_fails_at_once_is_listed_for_the_centre_and_resend_works(
        smtp_app, smtp_server, client, login_as):
    smtp_server.refuse.add("gone@example.cn")
    mail.queue_email("gone@example.cn", "合同待签署", "请签署。")
    mail.queue_email("fine@example.cn", "合同待签署", "请签署。")
    commit()
    gone, fine = _rows()
    assert fine.sent_at is not None  # the same connection went on after the refusal
    assert gone.failed_at is not None and gone.attempts == 1 and gone.sent_at is None
    assert gone.last_error.startswith("550") and "mailbox unavailable" in gone.last_error
    assert mail.deliver_pending(now=_later(600)) == 0  # never retried by itself
    login_as("centre")
    page = client.get("/centre/mail").get_data(as_text=True)
    assert "gone@example.cn" in page and "mailbox unavailable" in page
    assert "fine@example.cn" not in page
    smtp_server.refuse.clear()  # the address was fixed on the server's side
    response = post_form(client, f"/centre/mail/{gone.id}/resend", {},
                         token_from="/centre/mail")
    assert response.status_code == 302
    gone = _rows()[0]
    assert gone.sent_at is not None and gone.failed_at is None
    assert len(smtp_server.to("gone@example.cn")) == 1
    assert "gone@example.cn" not in client.get("/centre/mail").get_data(as_text=True)
    # a second click (another tab) sends nothing more and says why
    again = post_form(client, f"/centre/mail/{gone.id}/resend", {}, token_from="/centre/mail")
    assert "已不在待重发列表中" in client.get(again.location).get_data(as_text=True)
    assert len(smtp_server.to("gone@example.cn")) == 1


def test_two_deliverers_at_once_send_each_message_once(smtp_app, smtp_server, make_app):
    """Two apps (own engines and connections), as two processes would, deliver the same
    outbox at the same time in small batches while the server is slow."""
    for i in range(40):
        mail.queue_email(f"r{i}@example.cn", "通知", "正文")
    smtp_app.config["MAIL_URL"] = None
    db.session.commit()  # queued without delivery (plain commit: no after-commit hook)
    smtp_server.delay = 0.01
    apps = [make_app(MAIL_URL=smtp_server.url) for _ in range(2)]
    claimed, errors = [0, 0], []

    def run(index):
        try:
            with apps[index].app_context():
                claimed[index] = deliver_due(batch=5)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    received = sorted(m["To"] for m in smtp_server.messages)
    assert received == sorted(f"r{i}@example.cn" for i in range(40))  # each once
    assert sum(claimed) == 40
    if db.engine.dialect.name == "postgresql":
        assert all(claimed), claimed  # both ran at once (SKIP LOCKED), neither waited
    assert all(r.sent_at is not None for r in _rows())


def test_flask_mail_deliver_sends_what_is_due(smtp_app, smtp_server, runner):
    mail.queue_email("timer@example.cn", "通知", "正文")
    db.session.commit()  # plain commit: nothing delivered yet
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "1 message(s)" in result.output
    assert len(smtp_server.to("timer@example.cn")) == 1
    assert "0 message(s)" in runner.invoke(args=["mail", "deliver"]).output


def test_the_mail_url_credentials_log_in(app):
    """``user:password`` of MAIL_URL, percent-decoded, authenticate; a wrong password keeps
    the message for a retry (the server's set-up, not the message, is at fault)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from .conftest import Mailbox
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"p@ss:w", handled=False)  # 535
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            authenticator=authenticator, auth_require_tls=False,
                            auth_required=False)  # the client logs in all the same
    controller.start()
    try:
        base = f"127.0.0.1:{controller.port}"
        app.config["MAIL_URL"] = f"smtp://ops%40example.cn:wrong@{base}"
        mail.queue_email("auth@example.cn", "通知", "正文")
        commit()
        [row] = _rows()
        assert row.sent_at is None and row.failed_at is None and row.last_error.startswith("535")
        app.config["MAIL_URL"] = f"smtp://ops%40example.cn:p%40ss%3Aw@{base}"
        assert mail.deliver_pending(now=_later()) == 1
    finally:
        controller.stop()
    assert logins[-1] == ("ops@example.cn", "p@ss:w") and len(mailbox.to("auth@example.cn")) == 1


def test_a_malformed_address_fails_alone_and_does_not_block_the_queue(smtp_app, smtp_server):
    mail.queue_email("bad\r\nBcc: victim@example.cn", "通知", "正文")
    mail.queue_email("next@example.cn", "通知", "正文")
    commit()
    bad, good = _rows()
    assert bad.failed_at is not None and bad.last_error.startswith("invalid message")
    assert good.sent_at is not None
    assert [m["To"] for m in smtp_server.messages] == ["next@example.cn"]
