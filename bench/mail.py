"""The outbox delivered by several ``flask mail deliver`` processes at once to a real SMTP
server (aiosmtpd on 127.0.0.1, started here): MESSAGES queued messages, PROCESSES delivery
processes started together. Prints one JSON line: ``sent`` (rows marked sent), ``received``
(messages the server took), ``duplicates`` (received more than once: must be 0), ``lost``
(queued but never received, or not marked sent: must be 0) and ``per_s`` (received per
second, from the processes' start to the last one's end).

    .venv/bin/python bench/mail.py [--messages 10000] [--processes 2] [--batch 500]
    .venv/bin/python bench/mail.py --database-url postgresql+psycopg://postgres@127.0.0.1:PORT/db

SQLite (the default, a fresh file): the processes take turns for the write lock, one batch at
a time. PostgreSQL: they deliver side by side (``FOR UPDATE SKIP LOCKED``); the database's
``outbox_email`` table is emptied first.
"""
import argparse
import collections
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


class Counter:
    """The SMTP server's handler: counts what it accepted, per recipient."""

    def __init__(self):
        self.received = collections.Counter()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            for address in envelope.rcpt_tos:
                self.received[address] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _queue(database_url: str, workdir: Path, messages: int) -> None:
    from sqlalchemy import delete, insert

    from market import create_app
    from market.config import Config
    from market.extensions import db
    from market.models import OutboxEmail
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench",
                     SEARCH_INDEX_DIR=str(workdir / "index"))
    with app.app_context():
        db.create_all()
        db.session.execute(delete(OutboxEmail))
        db.session.execute(insert(OutboxEmail), [
            {"to_address": f"u{i}@example.cn", "subject": f"沈阳知识产权交易平台：通知 {i}",
             "body": f"您好，这是第 {i} 封通知。\n\nhttps://ipmarket.example.cn/deals/{i}"}
            for i in range(messages)])
        db.session.commit()
        db.engine.dispose()


def _sent_rows(database_url: str, workdir: Path) -> int:
    from sqlalchemy import func, select

    from market import create_app
    from market.config import Config
    from market.extensions import db
    from market.models import OutboxEmail
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench",
                     SEARCH_INDEX_DIR=str(workdir / "index"))
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxEmail)
                                 .where(OutboxEmail.sent_at.is_not(None)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from aiosmtpd.controller import Controller
    workdir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    _queue(database_url, workdir, args.messages)

    counter = Counter()
    server = Controller(counter, hostname="127.0.0.1", port=_free_port())
    server.start()
    env = {**os.environ, "DATABASE_URL": database_url, "MARKET_INSTANCE": str(workdir),
           "SECRET_KEY": "bench", "MAIL_URL": f"smtp://127.0.0.1:{server.port}",
           "MAIL_DELIVERY": "inline", "SEARCH_INDEX_DIR": str(workdir / "index")}
    command = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "mail", "deliver",
               "--batch", str(args.batch)]
    started = time.perf_counter()
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(args.processes)]
    outputs = [run.communicate()[0].strip() for run in runs]
    seconds = time.perf_counter() - started
    server.stop()

    expected = {f"u{i}@example.cn" for i in range(args.messages)}
    received = sum(counter.received.values())
    duplicates = sum(n - 1 for n in counter.received.values() if n > 1)
    sent = _sent_rows(database_url, workdir)
    lost = len(expected - set(counter.received)) + (args.messages - sent)
    print(json.dumps({
        "database": database_url.split(":")[0], "messages": args.messages,
        "processes": args.processes, "batch": args.batch, "sent": sent, "received": received,
        "duplicates": duplicates, "lost": lost, "seconds": round(seconds, 2),
        "per_s": round(received / seconds, 1),
        "per_process": outputs, "exit_codes": [run.returncode for run in runs]},
        ensure_ascii=False))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
