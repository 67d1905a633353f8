"""Which transport a site uses, and the warnings when production has no mail server."""
import logging

import pytest

from market import create_app
from market.config import ProdConfig
from market.mail_transport import LogTransport, SmtpTransport, transport_for


def test_the_log_transport_only_without_a_mail_server():
    assert isinstance(transport_for({"MAIL_URL": None}), LogTransport)
    smtp = transport_for({"MAIL_URL": "smtps://u:p@mail.example.cn", "MAIL_SENDER": "a@b.cn"})
    assert isinstance(smtp, SmtpTransport) and smtp.server.port == 465


def _production(**overrides):
    return create_app(ProdConfig, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="x" * 32,
                      PUBLIC_URL="https://ipmarket.example.cn", **overrides)


def test_production_without_mail_url_warns_at_start(caplog):
    with caplog.at_level(logging.WARNING, logger="market.mail"):
        _production()
    assert "MAIL_URL is not set" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="market.mail"):
        _production(MAIL_URL="smtp://mail.example.cn")
    assert "MAIL_URL" not in caplog.text


def test_a_malformed_mail_url_refuses_to_start():
    with pytest.raises(RuntimeError, match="MAIL_URL must look like"):
        _production(MAIL_URL="mail.example.cn:25")


@pytest.mark.db
def test_the_centre_sees_that_no_mail_server_is_configured(app, client, login_as):
    login_as("centre")
    assert "MAIL_URL" not in client.get("/centre/indicators").get_data(as_text=True)
    app.config["ENV_NAME"] = "production"
    for path in ("/centre/indicators", "/centre/verification"):  # its first page too
        assert "未配置邮件服务器（MAIL_URL）" in client.get(path).get_data(as_text=True)
