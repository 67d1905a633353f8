"""Post each hostile portfolio file to a real gunicorn worker and print one JSON line per
file: {"file", "bytes", "status", "seconds", "peak_rss_mb"}.

Every file is built in code (tests/hostile/import_bombs.py: small on disk, huge if read
naively). Each gets a fresh server (one sync worker, gunicorn.conf.py, a free loopback port,
a temporary SQLite database made by `flask db upgrade`), so peak_rss_mb (VmHWM of the worker
process) is that file's. Target: every status 4xx, peak_rss_mb <= 256, seconds <= 2. The
last line is a sane file near the upload limit, which is accepted (a figure, no target).
Run from the repository root:
    .venv/bin/python bench/hostile_files.py [--skip-sane]
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = ROOT / ".venv" / "bin" / "python"
EMAIL, PASSWORD = "bench-import@example.cn", "bench-hostile-files-2026"


def sane_csv(rows: int = 40_000) -> bytes:
    """Valid-looking rows with ~300-character abstracts: about 19 MB, under the 20 MB limit."""
    import csv
    import io

    from market.domain.patent_numbers import check_character
    from market.services.imports import COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([zh for _, zh, _ in COLUMNS])
    for n in range(rows):
        digits = f"20191{n:07d}"
        values = {"application_number": f"{digits}.{check_character(digits)}",
                  "title": f"一种焊接机器人的控制方法{n}", "abstract": "本发明涉及焊接机器人。" * 10,
                  "ipc_codes": "B25J 9/16", "legal_status": "有效", "filing_date": "2019-05-06",
                  "grant_date": "2021-08-10", "offer": "开放许可", "upfront_fee_fen": "0",
                  "upfront_mode": "免除", "royalty_bp": "3", "term_years": "5", "publish": "是"}
        writer.writerow([values.get(key, "") for key, _, _ in COLUMNS])
    return out.getvalue().encode("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(workdir: Path) -> dict:
    env = {**os.environ, "MARKET_INSTANCE": str(workdir), "SECRET_KEY": "bench-hostile",
           "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
           "SEARCH_INDEX_DIR": str(workdir / "index"), "FLASK_APP": "wsgi"}
    subprocess.run([str(PYTHON), "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([str(PYTHON), "-c", MAKE_USER, EMAIL, PASSWORD], cwd=ROOT, env=env,
                   check=True)
    return env


MAKE_USER = """
import sys
from market import create_app
from market.extensions import db
from market.models import Organisation, OrgKind, OrgStatus, User
from market.models.base import utcnow
from market.services.passwords import hash_password
from market.unit_of_work import commit
from tests.conftest import new_credit_code
app = create_app()
with app.app_context():
    org = Organisation(kind=OrgKind.UNIVERSITY, name="基准测试大学", district="浑南区",
                       credit_code=new_credit_code(OrgKind.UNIVERSITY), address="沈阳市",
                       contact_name="x", contact_phone="024-12345678",
                       contact_email="bench@example.cn", status=OrgStatus.VERIFIED,
                       verified_at=utcnow())
    db.session.add(org)
    db.session.add(User(email=sys.argv[1], name="基准", password_hash=hash_password(sys.argv[2]),
                        org=org, is_org_admin=True))
    commit()
"""


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10).text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024, 1)


def run_one(env: dict, name: str, data: bytes) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(PYTHON), "-m", "gunicorn", "--config", "gunicorn.conf.py"], cwd=ROOT,
        env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "ACCESS_LOG": "/dev/null",
             "LOG_LEVEL": "warning", "GUNICORN_TIMEOUT": "120"},
        stdout=subprocess.DEVNULL, stderr=(Path(env["MARKET_INSTANCE"]) / "gunicorn.log").open("ab"))
    try:
        session = requests.Session()
        for _ in range(200):
            try:
                session.get(f"{base}/healthz", timeout=60)  # the worker's first request
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        session.post(f"{base}/account/login", timeout=10, data={
            "csrf_token": csrf(session, f"{base}/account/login"), "email": EMAIL,
            "password": PASSWORD})
        token = csrf(session, f"{base}/patents/import")
        worker = worker_pid(server.pid)
        start = time.perf_counter()
        response = session.post(f"{base}/patents/import", data={"csrf_token": token},
                                files={"file": (name, data)}, timeout=300)
        seconds = time.perf_counter() - start
        return {"file": name, "bytes": len(data), "status": response.status_code,
                "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb(worker)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-sane", action="store_true", help="only the hostile files")
    args = parser.parse_args()
    from tests.hostile import import_bombs
    files = {name: make() for name, make in import_bombs.HOSTILE_FILES.items()}
    from market.domain.patent_numbers import check_character
    files["nul_in_cell.csv"] = import_bombs.nul_in_cell_csv(
        f"201910000001.{check_character('201910000001')}")
    if not args.skip_sane:
        files["sane_40000_rows.csv"] = sane_csv()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as workdir:
        env = prepare(Path(workdir))
        for name, data in files.items():
            print(json.dumps(run_one(env, name, data), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
