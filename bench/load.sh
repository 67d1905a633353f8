#!/usr/bin/env bash
# Load test of the production set-up on the embedded default database: gunicorn (WORKERS=2)
# with SQLite in a temporary folder, the demo data and the real patents of
# ../shared/data/patents_dev.csv imported (CSV built by bench/import.py), then wrk for
# DURATION on each endpoint. Prints one JSON line per endpoint:
#   {"endpoint", "requests_per_s", "p50_ms", "p99_ms", "errors" (non-2xx + socket errors), ...}
# Knobs: ENDPOINTS (default "/ /search/?q=石墨烯 /search/?q={queries} /patents/{listing} /healthz";
# {listing} becomes a published listing's id; {queries} makes every request ask a different
# search: QUERIES (5000) distinct terms taken from the imported titles, in a fixed shuffled
# order, so the anonymous page cache never answers it), DURATION (30s), CONNECTIONS (8),
# WRK_THREADS (1), WORKERS (2), LIMIT (rows to import; all by default).
# Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
ENDPOINTS=${ENDPOINTS:-"/ /search/?q=%E7%9F%B3%E5%A2%A8%E7%83%AF /search/?q={queries} /patents/{listing} /healthz"}
QUERIES=${QUERIES:-5000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-8}
WRK_THREADS=${WRK_THREADS:-1}
WORKERS=${WORKERS:-2}
LIMIT=${LIMIT:-}
command -v wrk > /dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d /tmp/market-load.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export MARKET_INSTANCE="$work/instance" DATABASE_URL="sqlite:///$work/market.sqlite"
export SEARCH_INDEX_DIR="$work/index" SECRET_KEY="load-$RANDOM-$RANDOM"
flask=("$BIN/flask" --app wsgi)
"${flask[@]}" db upgrade > "$work/setup.log" 2>&1
"${flask[@]}" demo load >> "$work/setup.log" 2>&1

# The CSV of bench/import.py and the credit code of a demo university to own the listings.
org=$("$BIN/python" - "$work/patents.csv" "${LIMIT:-0}" <<'PY'
import importlib, logging, sys
sys.path[:0] = [".", "bench"]
logging.disable(logging.INFO)
data, n = importlib.import_module("import").build_csv(int(sys.argv[2]) or None)
open(sys.argv[1], "wb").write(data)
from sqlalchemy import select
from market import create_app
from market.extensions import db
from market.models import Organisation, OrgKind
with create_app().app_context():
    org = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.UNIVERSITY)
                             .order_by(Organisation.id)).first()
    print(org.credit_code)
PY
)
start=$(date +%s)
"${flask[@]}" listings import "$work/patents.csv" --org "$org" --skip-invalid 2>&1 \
  | tail -n 1 | sed "s/^/import: /" >&2
"${flask[@]}" search sync >> "$work/setup.log" 2>&1
echo "import + index: $(( $(date +%s) - start )) s" >&2
listing=$("$BIN/python" - <<'PY'
import logging
logging.disable(logging.INFO)
from sqlalchemy import select
from market import create_app
from market.extensions import db
from market.models import ListingStatus, Patent
with create_app().app_context():
    print(db.session.scalars(select(Patent.id).where(Patent.status == ListingStatus.PUBLISHED)
                             .order_by(Patent.id).offset(100)).first())
PY
)
# Distinct search terms from the imported titles (jieba, as the index segments them).
"$BIN/python" - "$work/queries.txt" "$QUERIES" <<'PY'
import logging, random, sys
from urllib.parse import quote
logging.disable(logging.INFO)
from sqlalchemy import select
from market import create_app
from market.extensions import db
from market.models import Patent
from market.search.analysis import segment
with create_app().app_context():
    titles = db.session.scalars(select(Patent.title).order_by(Patent.id)).all()
terms = sorted({t for title in titles for t in segment(title) if len(t) >= 2 and not t.isascii()})
random.Random(8).shuffle(terms)
terms = terms[:int(sys.argv[2])]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.writelines(f"/search/?q={quote(t)}\n" for t in terms)
print(f"{len(terms)} distinct search terms", file=sys.stderr)
PY

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# no per-IP limits: wrk reads pages from one address (and gunicorn.conf.py refuses in-memory
# limits with several production workers)
MARKET_ENV=production PUBLIC_URL="http://127.0.0.1:$port" BIND="127.0.0.1:$port" WEB_CONCURRENCY="$WORKERS" ACCESS_LOG=/dev/null \
  RATELIMIT_ENABLED=0 LOG_LEVEL=warning "$BIN/gunicorn" --config gunicorn.conf.py > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.5; done
echo "gunicorn: $WORKERS workers on 127.0.0.1:$port; wrk: $WRK_THREADS threads, $CONNECTIONS connections, $DURATION per endpoint" >&2

for endpoint in $ENDPOINTS; do
  path=${endpoint//\{listing\}/$listing}
  label=$path paths_file=""
  if [[ $path == *"{queries}"* ]]; then  # a different search on every request: no cache hits
    paths_file="$work/queries.txt"
    label="${path//\{queries\}/{$(wc -l < "$paths_file") distinct terms\}}"
    path=${path%%\?*}
  else
    for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done  # warm every worker up
  fi
  PATHS_FILE="$paths_file" ENDPOINT="$label" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" \
    --timeout 10s -s bench/wrk_report.lua "http://127.0.0.1:$port$path" | grep '^{"endpoint"'
done
if grep -qiE "database is locked|Traceback" "$work/server.log"; then
  echo "server log shows errors:" >&2
  grep -iE -m 5 "database is locked|Error" "$work/server.log" >&2
fi
