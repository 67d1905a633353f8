"""Two app processes, each with its own search index, on one database: what one server
publishes, the other finds after ``flask search sync`` (its own outbox cursor)."""
import json
import os
import random
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = [pytest.mark.db, pytest.mark.slow]  # a dozen app processes, ~25 s

ROOT = Path(__file__).resolve().parents[2]
KEYWORD = "量子点发光"

PUBLISH = textwrap.dedent("""
    import sys
    from datetime import date
    from market.extensions import db
    from market.models import OrgKind
    from market.services import listings
    from market.unit_of_work import commit
    from tests.factories import make_user, new_application_number
    from wsgi import app

    n = int(sys.argv[1])
    with app.app_context():
        user = make_user(db.session, kind=OrgKind.UNIVERSITY, number=n, name=f"扩展测试大学{n}",
                         email=f"scale{n}@example.cn", password=None)
        commit()
        patent = listings.create_patent(user, {
            "application_number": new_application_number(number=n),
            "title": f"一种{sys.argv[2]}材料的制备方法{n}", "abstract": "本发明公开了一种新材料。",
            "ipc_codes": "C09K 11/02", "legal_status": "granted",
            "filing_date": date(2019, 3, 1), "grant_date": date(2021, 6, 1)})
        listings.add_offer(user, patent, {"kind": "open_licence", "upfront_mode": "waived",
                                          "term_years": 3})
        listings.publish(user, patent)
        commit()  # syncs this server's index after the commit
        print(patent.id, user.id)
""")

WITHDRAW = textwrap.dedent("""
    import sys
    from market.extensions import db
    from market.models import Patent, User
    from market.services import listings
    from market.unit_of_work import commit
    from wsgi import app

    with app.app_context():
        user, patent = db.session.get(User, int(sys.argv[2])), db.session.get(Patent, int(sys.argv[1]))
        listings.withdraw(user, patent)
        commit()
""")

SEARCH = textwrap.dedent("""
    import sys
    from wsgi import app

    with app.app_context():
        result = app.extensions["market.search"].search(sys.argv[1])
        assert result.error is None, result.error
        print(" ".join(hit.id for hit in result.hits))
""")


@pytest.fixture()
def database(request, database_url, tmp_path):
    """PostgreSQL: the suite's database (the app fixture makes the tables and empties them
    after). SQLite: a new file, its schema made by ``flask db upgrade`` as in production."""
    if database_url.startswith("postgresql"):
        request.getfixturevalue("app")
        return database_url
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    _run(_env(url, tmp_path, "A"), "-m", "flask", "--app", "wsgi", "db", "upgrade")
    return url


def _env(url, tmp_path, name):
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "MARKET_ENV")}
    return {**env, "DATABASE_URL": url, "SEARCH_INDEX_DIR": str(tmp_path / f"index-{name}"),
            "MARKET_INSTANCE": str(tmp_path / f"instance-{name}"), "SECRET_KEY": f"scale-out-{name}",
            "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


def _run(env, *args, ok=True):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    if ok:
        assert done.returncode == 0, (args, done.stdout, done.stderr[-3000:])
    return done


def _flask(env, *args, ok=True):
    return _run(env, "-m", "flask", "--app", "wsgi", *args, ok=ok)


def _both(func, *calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: func(*call), calls))


def _check(env, *, ok):
    done = _flask(env, "search", "check", ok=False)
    assert done.returncode == (0 if ok else 1), (done.stdout, done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_servers_two_indexes_one_database(database, tmp_path):
    a, b = _env(database, tmp_path, "A"), _env(database, tmp_path, "B")
    _both(_flask, (a, "search", "sync"), (b, "search", "sync"))  # first sync builds each index
    n = random.randrange(900_000, 999_999)

    patent_id, user_id = map(int, _run(a, "-c", PUBLISH, str(n), KEYWORD).stdout.split())
    report_a, report_b = _both(lambda env, ok: _check(env, ok=ok), (a, True), (b, False))
    assert report_a["missing"] == [] and report_a["outbox_pending"] == 0
    assert report_b["missing"] == [str(patent_id)] and report_b["outbox_pending"] >= 1

    assert "applied 0 outbox rows" not in _flask(b, "search", "sync").stdout
    report_a, report_b = _both(lambda env, ok: _check(env, ok=ok), (a, True), (b, True))
    assert report_b["outbox_pending"] == 0 and report_b["indexed"] == report_b["listings"] >= 1
    assert str(patent_id) in _run(b, "-c", SEARCH, KEYWORD).stdout.split()

    # And back: B withdraws the listing, A drops it after its own sync.
    _run(b, "-c", WITHDRAW, str(patent_id), str(user_id))
    assert _check(a, ok=False)["extra"] == [str(patent_id)]
    _flask(a, "search", "sync")
    _both(lambda env, ok: _check(env, ok=ok), (a, True), (b, True))
    assert str(patent_id) not in _run(a, "-c", SEARCH, KEYWORD).stdout.split()
