"""Conclude open-licence deals through the service layer as the pages do: the take-open page
(one unit of work), then the licensee's signature on the review page (re-authentication with
the password and full name, the signature, the conclusion: one unit of work). Print one JSON
line: deals per second, ledger rows and signatures.

The accounts' password hashes use a cheap scrypt (``scrypt:1024:8:1``, as the tests do): the
figure is the platform's, not the key-derivation function's (production's default scrypt adds
its own cost to each signature, as it does to each log-in). Both costs are printed
(``password_check_ms``, ``production_password_check_ms``), and the deals per CPU-second
without the bench's password checks (``deals_per_cpu_s_without_password_check``).

The after-commit work runs as in a server: emails are delivered by the outbox worker thread
(timed apart: ``outbox_drain_s`` is how long it took, after the last deal, to send what was
still queued; ``emails_sent`` must equal ``emails_queued``). On a shared machine wall time
varies with the other load: ``deals_per_cpu_s`` counts this process's CPU time (the deals
and the delivery of their emails) and varies less. ``commit_ms_p50`` /
``after_commit_ms_p50`` are per commit (the database commit, then its hooks), whatever the
number of commits per deal. Contract PDFs are not rendered on the deal's path: a sample of
``--pdf-sample`` concluded contracts is rendered after the run (``contract_pdf_ms_p50``).

Each unit of work runs as a writing (POST) request does: on SQLite its transaction begins with
``BEGIN IMMEDIATE`` (market/sqlite_transactions.py), so the patent lock inside it costs nothing.
The signature carries the contract's hash as the review page showed it (read when the terms
were taken, as the page reads it before the signer submits).

The database is a fresh SQLite file in a temporary folder (tables via db.create_all), with
the app's connection settings: WAL, and ``synchronous`` as ``SQLITE_SYNCHRONOUS`` says
(NORMAL by default: the log is synced at checkpoints, not at each commit; see
``Config.SQLITE_SYNCHRONOUS``). ``--synchronous FULL`` measures with a disk sync per commit.
``--workers N`` shares the deals among N server processes (each its own SMEs, started
together; ``deals_per_s`` is over the slowest, ``cpu_s`` their sum); ``--database-url`` runs on
another database (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/bench``: an empty one, its
tables are dropped and created).
Run:
    .venv/bin/python bench/deals.py [--deals 10000] [--pdf-sample 20] [--synchronous FULL]
                                    [--workers 2] [--database-url URL]
"""
import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


SIGNER, PASSWORD = "测试用户", "correct horse battery staple"


def seed(db, n_patents: int, n_smes: int):
    from market.models import LicenceKind, OfferKind, OrgKind
    from market.services.passwords import hash_password
    from tests.factories import make_listing, make_org, make_user

    uni = make_org(db.session, OrgKind.UNIVERSITY, name="东北测试大学")
    make_user(db.session, uni, email="tto@example.cn", password=None)
    smes = [make_user(db.session, kind=OrgKind.SME, name=f"沈阳测试科技{i}有限公司",
                      email=f"s{i}@example.cn", password=None) for i in range(n_smes)]
    offers = [make_listing(db.session, uni, title=f"一种测试材料的制备方法{i}", offers=[{
        "kind": OfferKind.OPEN_LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
        "upfront_mode": "waived", "royalty_bp": 300, "term_years": 3}]).offers[0]
        for i in range(n_patents)]
    password_hash = hash_password(PASSWORD)  # one hash for all: the seed stays quick
    for user in smes:
        user.password_hash, user.name = password_hash, SIGNER
    db.session.commit()
    return [o.id for o in offers], [u.id for u in smes]


def make_app(database_url: str, workdir: str, synchronous: str | None):
    from market import create_app
    from market.config import Config
    return create_app(Config, SQLALCHEMY_DATABASE_URI=database_url,
                      SEARCH_INDEX_DIR=str(Path(workdir) / "index"), SECRET_KEY="bench",
                      PASSWORD_HASH_METHOD="scrypt:1024:8:1",
                      **({"SQLITE_SYNCHRONOUS": synchronous} if synchronous else {}))


def run_deals(app, jobs, timing) -> float:
    """Take and sign one open licence per (offer id, user id) of ``jobs``, as the two
    requests do; then wait for the outbox worker to tell and deliver what they queued.
    Returns the seconds the worker needed after the last deal."""
    from market.extensions import db
    from market.mail_worker import worker
    from market.models import Offer, User
    from market.services import deals, signing
    from market.sqlite_transactions import immediate_transactions
    from tests.factories import details_of

    for offer_id, user_id in jobs:
        # each unit of work as a POST request runs it: on SQLite its transaction begins with
        # the write lock (market/sqlite_transactions.py)
        with immediate_transactions():
            user, offer = db.session.get(User, user_id), db.session.get(Offer, offer_id)
            deal = deals.take_open(user, offer, details_of(user, field_of_use="电池"))
            shown = signing.current_version(deal).data_sha256  # the hash the review page shows
            timing.commit()
            proof, errors = signing.reauthenticate(user, PASSWORD, SIGNER)
            assert not errors, errors
            deals.sign(deal, user, proof, sha256=shown, ip="127.0.0.1", user_agent="bench")
            timing.commit()
        db.session.expunge_all()  # like separate requests: no identity map growth
    drain_start = time.perf_counter()
    worker(app).wait_idle(120)
    drain = time.perf_counter() - drain_start
    worker(app).stop()
    return drain


def _worker_process(database_url, workdir, synchronous, jobs, ready, go, results) -> None:
    """One server worker process: its own app and connections, its share of the deals."""
    import logging
    logging.disable(logging.INFO)
    from market.extensions import db
    app = make_app(database_url, workdir, synchronous)
    timing = CommitTiming()
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connected before the clock starts
        ready.set()
        go.wait()
        cpu_start = time.process_time()
        drain = run_deals(app, jobs, timing)
        cpu = time.process_time() - cpu_start
        db.session.remove()
        db.engine.dispose()
    results.put({"end": time.perf_counter(), "cpu": cpu, "drain": drain,
                 "commit_s": timing.commit_s, "hooks_s": timing.hooks_s})


def run_in_processes(n: int, database_url, workdir, synchronous, jobs) -> dict:
    """The deals shared among ``n`` processes (each its own SMEs), started together."""
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    go, results = ctx.Event(), ctx.Queue()
    shares = [[job for job in jobs if job[1] % n == i] for i in range(n)]
    ready = [ctx.Event() for _ in range(n)]
    procs = [ctx.Process(target=_worker_process, args=(database_url, workdir, synchronous,
                                                        share, ready[i], go, results))
             for i, share in enumerate(shares)]
    for proc in procs:
        proc.start()
    for event in ready:
        event.wait(60)
    start = time.perf_counter()
    go.set()
    reports = [results.get(timeout=3600) for _ in procs]
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0, f"a worker process failed (exit {proc.exitcode})"
    timing = CommitTiming()
    for report in reports:
        timing.commit_s += report["commit_s"]
        timing.hooks_s += report["hooks_s"]
    ends = [r["end"] - r["drain"] for r in reports]  # the last deal, before the drains
    return {"elapsed": max(ends) - start, "cpu": sum(r["cpu"] for r in reports),
            "drain": max(r["drain"] for r in reports), "timing": timing}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--pdf-sample", type=int, default=20)
    parser.add_argument("--synchronous", choices=("NORMAL", "FULL", "EXTRA"), default=None,
                        help="SQLITE_SYNCHRONOUS for the run (default: the app's)")
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes sharing the deals (default 1: in this one)")
    parser.add_argument("--database-url", default=None,
                        help="an EMPTY database to use instead of a fresh SQLite file (e.g. "
                             "postgresql+psycopg://...): its tables are dropped and created")
    args = parser.parse_args()
    import logging

    from sqlalchemy import func, select

    from market.extensions import db
    from market.models import Deal, DealState, LedgerEntry, OutboxEmail, Signature
    from market.unit_of_work import commit

    logging.disable(logging.INFO)
    n_patents = 100
    n_smes = -(-args.deals // n_patents)
    with tempfile.TemporaryDirectory() as workdir:
        database_url = args.database_url or f"sqlite:///{Path(workdir) / 'bench.sqlite'}"
        app = make_app(database_url, workdir, args.synchronous)
        with app.app_context():
            if args.database_url:
                db.drop_all()
            db.create_all()
            offer_ids, user_ids = seed(db, n_patents, n_smes)
            commit()  # the seed's listings indexed, as their publishing requests did
            jobs = [(offer_ids[i % n_patents], user_ids[i // n_patents]) for i in range(args.deals)]
            if args.workers > 1:
                db.session.remove()
                db.engine.dispose()  # no connection crosses the fork
                run = run_in_processes(args.workers, database_url, workdir, args.synchronous, jobs)
                elapsed, cpu, drain, timing = run["elapsed"], run["cpu"], run["drain"], run["timing"]
            else:
                timing = CommitTiming()
                start, cpu_start = time.perf_counter(), time.process_time()
                drain = run_deals(app, jobs, timing)
                elapsed = time.perf_counter() - start - drain
                cpu = time.process_time() - cpu_start  # the deals and their emails' delivery
            concluded = db.session.scalar(select(func.count()).select_from(Deal).where(
                Deal.state == DealState.CONCLUDED))
            rows = db.session.scalar(select(func.count()).select_from(LedgerEntry))
            signatures = db.session.scalar(select(func.count()).select_from(Signature))
            queued = db.session.scalar(select(func.count()).select_from(OutboxEmail))
            sent = db.session.scalar(select(func.count()).select_from(OutboxEmail)
                                     .where(OutboxEmail.sent_at.is_not(None)))
            pdf_ms = contract_pdf_ms(db, Deal, args.pdf_sample)
            kdf = password_check_ms(app.config["PASSWORD_HASH_METHOD"])
            db.session.remove()
            db.engine.dispose()
    print(json.dumps({"deals": args.deals, "workers": args.workers,
                      "database": database_url.split(":")[0].split("+")[0],
                      "sqlite_synchronous": app.config["SQLITE_SYNCHRONOUS"],
                      "concluded": concluded, "ledger_rows": rows,
                      "signatures": signatures, "seconds": round(elapsed, 2),
                      "deals_per_s": round(args.deals / elapsed, 1),
                      "cpu_s": round(cpu, 2), "deals_per_cpu_s": round(args.deals / cpu, 1),
                      "commits": timing.commits,
                      "commit_ms_p50": timing.p50(timing.commit_s),
                      "after_commit_ms_p50": timing.p50(timing.hooks_s),
                      "emails_queued": queued, "emails_sent": sent,
                      "outbox_drain_s": round(drain, 2), "contract_pdf_ms_p50": pdf_ms,
                      "password_check_ms": kdf["bench"],
                      "deals_per_cpu_s_without_password_check": round(
                          args.deals / (cpu - args.deals * kdf["bench"] / 1000), 1),
                      "production_password_check_ms": kdf["production"]}))


class CommitTiming:
    """Times each unit-of-work commit: the database commit (with its flush), then its hooks."""

    def __init__(self):
        self.commit_s, self.hooks_s, self._committed = [], [], []

    @property
    def commits(self) -> int:
        return len(self.commit_s)

    def commit(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.orm import Session

        from market.unit_of_work import commit
        self._committed.clear()
        mark = lambda session: self._committed.append(time.perf_counter())  # noqa: E731
        event.listen(Session, "after_commit", mark)
        try:
            start = time.perf_counter()
            commit()
            done = time.perf_counter()
        finally:
            event.remove(Session, "after_commit", mark)
        self.commit_s.append(self._committed[0] - start)
        self.hooks_s.append(done - self._committed[0])

    @staticmethod
    def p50(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 2) if values else 0.0


def password_check_ms(method: str) -> dict:
    """Median milliseconds of one signer's password check (the key-derivation function) with
    the bench's hashing method and with production's (``Config.PASSWORD_HASH_METHOD``): each
    signature pays one, and it is the hashing's cost, not the platform's."""
    from werkzeug.security import check_password_hash, generate_password_hash

    from market.config import Config

    def median_ms(hashing: str, runs: int) -> float:
        hashed = generate_password_hash(PASSWORD, method=hashing)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            check_password_hash(hashed, PASSWORD)
            times.append(time.perf_counter() - start)
        return round(statistics.median(times) * 1000, 2)
    return {"bench": median_ms(method, 200), "production": median_ms(Config.PASSWORD_HASH_METHOD, 5)}


def contract_pdf_ms(db, deal_model, sample: int) -> float | None:
    """Median milliseconds to render and store one concluded contract, as its first download
    does (apart from the deal path)."""
    from sqlalchemy import select

    from market.services.signing import contract_document

    def contract_pdf(deal):
        return contract_document(deal).pdf
    ids = db.session.scalars(select(deal_model.id).order_by(deal_model.id).limit(sample)).all()
    if ids:
        contract_pdf(db.session.get(deal_model, ids[0]))  # warm-up: loads and subsets the font
    times = []
    for deal_id in ids:
        start = time.perf_counter()
        contract_pdf(db.session.get(deal_model, deal_id))
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1) if times else None


if __name__ == "__main__":
    main()
