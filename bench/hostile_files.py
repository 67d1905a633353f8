"""Post each hostile portfolio file to a real gunicorn worker and print one JSON line per
file: {"file", "bytes", "status", "seconds", "peak_rss_mb"}.

Every file is built in code (tests/hostile/import_bombs.py: small on disk, huge if read
naively). Each gets a fresh server (one sync worker, gunicorn.conf.py, a free loopback port,
a temporary SQLite database made by `flask db upgrade`), so peak_rss_mb (VmHWM of the worker
process) is that file's. Target: every status 4xx, peak_rss_mb <= 256, seconds <= 2.

Then sane files at the limits, which are accepted (target: status 200, peak_rss_mb <= 256,
seconds well within gunicorn's 30 s timeout): a 50,000-row CSV just under 20 MB and a
50,000-row XLSX (the preview POST), and the confirmation POST of that CSV (its line's
peak_rss_mb is the worker's over the preview and the confirmation, its seconds the import
with the after-commit search indexing the response waits for, status 302).
The first line gives the worker's start-up figures (no upload): peak_rss_mb after
create_app and the first requests, and the first search's seconds.
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


def sane_values(n: int, abstract_sentences: int = 8) -> list:
    """One valid row of the template: a published open licence, a ~90-character abstract."""
    from market.domain.patent_numbers import check_character
    from market.services.imports import COLUMNS
    digits = f"20191{n:07d}"
    values = {"application_number": f"{digits}.{check_character(digits)}",
              "title": f"一种焊接机器人的控制方法{n}",
              "abstract": "本发明涉及焊接机器人。" * abstract_sentences,
              "ipc_codes": "B25J 9/16", "legal_status": "有效", "filing_date": "2019-05-06",
              "grant_date": "2021-08-10", "offer": "开放许可", "upfront_fee_fen": "0",
              "upfront_mode": "免除", "royalty_bp": "3", "term_years": "5", "publish": "是"}
    return [values.get(key, "") for key, _, _ in COLUMNS]


def sane_csv(rows: int = 50_000) -> bytes:
    """The row limit in valid-looking rows: about 19.99 MB, just under the upload limit."""
    import csv
    import io

    from market.services.imports import COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([zh for _, zh, _ in COLUMNS])
    for n in range(rows):
        writer.writerow(sane_values(n))
    return out.getvalue().encode("utf-8")


def sane_xlsx(rows: int = 50_000) -> bytes:
    """The row limit as an Excel workbook (written by openpyxl: inline strings)."""
    import io

    from openpyxl import Workbook

    from market.services.imports import COLUMNS
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([zh for _, zh, _ in COLUMNS])
    for n in range(rows):
        sheet.append(sane_values(n))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
from market.models import OrgKind
from market.unit_of_work import commit
from tests.factories import make_user
app = create_app()
with app.app_context():
    make_user(db.session, kind=OrgKind.UNIVERSITY, name="基准测试大学", email=sys.argv[1],
              password=sys.argv[2], user_name="基准")
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


def run_one(env: dict, name: str, data: bytes | None, confirm: bool = False) -> dict:
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
        if data is None:
            return start_up(session, base, worker)
        start = time.perf_counter()
        response = session.post(f"{base}/patents/import", data={"csrf_token": token},
                                files={"file": (name, data)}, timeout=300)
        seconds = time.perf_counter() - start
        line = {"file": name, "bytes": len(data), "status": response.status_code,
                "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb(worker)}
        if confirm and response.status_code == 200:
            line["file"] = f"{name} (confirm)"
            action = re.search(r'action="(/patents/import/[^"]+)"', response.text).group(1)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                              response.text).group(1)
            start = time.perf_counter()
            response = session.post(f"{base}{action}", data={"csrf_token": token},
                                    allow_redirects=False, timeout=600)
            line.update(status=response.status_code, preview_seconds=line["seconds"],
                        seconds=round(time.perf_counter() - start, 2),
                        peak_rss_mb=peak_rss_mb(worker))
        return line
    finally:
        server.terminate()
        server.wait(timeout=30)


def start_up(session: requests.Session, base: str, worker: int) -> dict:
    """The worker's memory after start-up and its first pages, and its first search."""
    start = time.perf_counter()
    status = session.get(f"{base}/search/", params={"q": "焊接机器人"}, timeout=60).status_code
    seconds = time.perf_counter() - start
    session.get(f"{base}/", timeout=60)
    return {"file": "(start-up: /healthz, login, import page, first search)", "bytes": 0,
            "status": status, "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb(worker)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-sane", action="store_true", help="only the hostile files")
    args = parser.parse_args()
    from tests.hostile import import_bombs
    files = {name: make() for name, make in import_bombs.HOSTILE_FILES.items()}
    from market.domain.patent_numbers import check_character
    files["nul_in_cell.csv"] = import_bombs.nul_in_cell_csv(
        f"201910000001.{check_character('201910000001')}")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as workdir:
        env = prepare(Path(workdir))
        print(json.dumps(run_one(env, "", None), ensure_ascii=False), flush=True)
        for name, data in files.items():
            print(json.dumps(run_one(env, name, data), ensure_ascii=False), flush=True)
        if not args.skip_sane:
            csv_file = sane_csv()
            for name, data, confirm in (("sane_50000_rows.csv", csv_file, False),
                                        ("sane_50000_rows.xlsx", sane_xlsx(), False),
                                        ("sane_50000_rows.csv", csv_file, True)):
                print(json.dumps(run_one(env, name, data, confirm), ensure_ascii=False),
                      flush=True)


if __name__ == "__main__":
    main()
