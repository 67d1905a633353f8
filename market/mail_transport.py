"""How outbox messages leave: SMTP when ``MAIL_URL`` names a server, else the log.

``MAIL_URL`` is one of ``smtp://host:25`` (plain), ``smtp+starttls://user:pw@host:587`` or
``smtps://user:pw@host:465`` (TLS from the start); the user and password are percent-decoded
(``%40`` for ``@``). A transport sends a batch over one connection and says, per message,
whether the server took it (:data:`SENT`), refused it for now (:data:`RETRY`: 4xx,
connection refused, reset or timed out) or for good (:data:`FAILED`: 5xx, recipient refused),
with the server's answer. It never touches the database: :mod:`market.services.mail` does.
"""
from __future__ import annotations

import html
import logging
import re
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

log = logging.getLogger("market.mail")

SENT, RETRY, FAILED = "sent", "retry", "failed"
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT = 30  # seconds for connecting and for each server answer


class Outgoing(NamedTuple):
    id: int
    to_address: str
    subject: str
    body: str
    unsubscribe_url: str | None = None  # alerts and digests (RFC 2369 / RFC 8058)


class Outcome(NamedTuple):
    status: str  # SENT, RETRY or FAILED
    error: str | None = None  # the server's answer (code and text) or the connection error


class Transport(Protocol):
    def send_batch(self, messages: list[Outgoing]) -> dict[int, Outcome]: ...


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def parse_mail_url(url: str) -> MailServer:
    """``MAIL_URL`` as a :class:`MailServer`; ValueError (naming the forms) when malformed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"MAIL_URL must look like smtp://host:25, smtp+starttls://user:pw@host:587"
                         f" or smtps://user:pw@host:465 (got scheme {parts.scheme!r}).")
    return MailServer(parts.scheme, parts.hostname, parts.port or SCHEMES[parts.scheme],
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password is not None else None)


def build_message(message: Outgoing, sender: str) -> EmailMessage:
    """A UTF-8 email with a plain text part and a simple HTML part (links clickable)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    email["Message-ID"] = make_msgid(domain=domain)
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body)
    email.add_alternative(_html(message.subject, message.body), subtype="html")
    return email


_LINK = re.compile(r"(https?://[^\s<>\"']+)")


def _html(subject: str, body: str) -> str:
    paragraphs = "".join(
        "<p>" + _LINK.sub(r'<a href="\1">\1</a>', html.escape(part, quote=False))
        .replace("\n", "<br>") + "</p>" for part in body.split("\n\n") if part.strip())
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head>"
            f'<body style="font-family:sans-serif;line-height:1.6">{paragraphs}</body></html>')


class LogTransport:
    """Development: the message goes to the log and counts as sent."""

    def send_batch(self, messages: list[Outgoing]) -> dict[int, Outcome]:
        for message in messages:
            log.info("email to=%s subject=%s\n%s", message.to_address, message.subject,
                     message.body)
        return {message.id: Outcome(SENT) for message in messages}


class SmtpTransport:
    """A batch over one SMTP connection (``smtplib``)."""

    def __init__(self, server: MailServer, sender: str, timeout: float = TIMEOUT):
        self.server, self.sender, self.timeout = server, sender, timeout

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.scheme == "smtps":
            connection = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            if server.scheme == "smtp+starttls":
                connection.starttls(context=ssl.create_default_context())
            if server.username:
                connection.login(server.username, server.password or "")
        except BaseException:
            connection.close()  # TLS or the login refused: no socket left open
            raise
        return connection

    def send_batch(self, messages: list[Outgoing]) -> dict[int, Outcome]:
        outcomes: dict[int, Outcome] = {}
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            # Even a 5xx here (login refused, TLS refused) is the server's set-up, not the
            # messages': they wait for it to be fixed.
            return _all(messages, Outcome(RETRY, _outcome_of(exc).error))
        try:
            for index, message in enumerate(messages):
                try:
                    email = build_message(message, self.sender)
                except (ValueError, TypeError, IndexError) as exc:
                    # A malformed address or header: no server will take it, and it must
                    # not hold up the queue behind it.
                    outcomes[message.id] = Outcome(FAILED, f"invalid message: {exc}"[:500])
                    continue
                try:
                    connection.send_message(email)
                    outcomes[message.id] = Outcome(SENT)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                    outcomes[message.id] = _outcome_of(exc)  # the connection still serves
                    _reset(connection)
                except smtplib.SMTPNotSupportedError as exc:  # a non-ASCII address: no SMTPUTF8
                    outcomes[message.id] = Outcome(FAILED, str(exc)[:500])
                except (OSError, smtplib.SMTPException) as exc:  # the connection is gone
                    outcomes.update(_all(messages[index:], _outcome_of(exc)))
                    break
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
        return outcomes


def _reset(connection: smtplib.SMTP) -> None:
    try:
        connection.rset()
    except (OSError, smtplib.SMTPException):
        pass  # the next send finds out whether the connection is gone


def _all(messages: Iterable[Outgoing], outcome: Outcome) -> dict[int, Outcome]:
    return {message.id: outcome for message in messages}


def _outcome_of(exc: BaseException) -> Outcome:
    """5xx (and refused recipients with a 5xx code) are permanent; everything else — 4xx,
    connection refused, reset, timeouts, a server that hung up — is worth another try."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return Outcome(RETRY, f"{type(exc).__name__}: {exc}"[:500])
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return Outcome(FAILED if 500 <= code < 600 else RETRY, f"{code} {text}"[:500])


def transport_for(config) -> Transport:
    """SMTP when ``MAIL_URL`` is set, else the log."""
    url = config.get("MAIL_URL")
    if not url:
        return LogTransport()
    return SmtpTransport(parse_mail_url(url), config["MAIL_SENDER"],
                         float(config.get("MAIL_TIMEOUT", TIMEOUT)))
