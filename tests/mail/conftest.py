"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the tests, and an app that delivers to it."""
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

PUBLIC_URL = "https://ipmarket.example.cn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The server's handler: keeps what it accepted; refuses the addresses in ``refuse``
    with a 550 and ``busy`` ones with a 451; ``delay`` slows every DATA (overlapping runs)."""

    def __init__(self):
        self.messages, self.refuse, self.busy, self.delay = [], set(), set(), 0.0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.busy:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # blocks the server's loop: one message at a time
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture()
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield mailbox
    controller.stop()


@pytest.fixture()
def smtp_app(app, smtp_server):
    """The test app, delivering inline to the local SMTP server, links on PUBLIC_URL."""
    app.config.update(MAIL_URL=smtp_server.url, PUBLIC_URL=PUBLIC_URL,
                      MAIL_SENDER="沈阳知识产权交易平台 <noreply@ipmarket.example.cn>")
    return app
