"""Probe for issue 12's F11 on a running instance: /healthz must report how far the search
index is behind the database (outbox rows) and say "degraded" past the threshold.

    python scripts/probes/index.py http://127.0.0.1:8000

Prints one line per check; exits 1 if a finding reappears. (A damaged index file cannot be
made from outside; tests/hostile/test_index.py covers that.)
"""
import sys

import requests


def main(base: str) -> int:
    failed = 0

    def check(ok: bool, what: str) -> None:
        nonlocal failed
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
        failed += not ok

    response = requests.get(f"{base.rstrip('/')}/healthz", timeout=10)
    body = response.json() if response.headers.get("Content-Type", "").startswith(
        "application/json") else {}
    search = body.get("search")
    check(response.status_code == 200, f"/healthz answers 200 (got {response.status_code})")
    check(isinstance(search, dict) and isinstance(search.get("lag"), int),
          f"/healthz reports the search index lag (search: {search!r})")
    if isinstance(search, dict) and isinstance(search.get("lag"), int):
        behind = search.get("max_lag") is not None and search["lag"] > search["max_lag"]
        check(not behind or body.get("status") == "degraded",
              f"/healthz is degraded when the index is {search['lag']} rows behind "
              f"(max {search.get('max_lag')}): status {body.get('status')!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
