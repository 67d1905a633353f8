"""``/healthz`` for load balancers and monitors: cheap (no template, no session, no user)."""
import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db, limiter
from ..permissions import public

log = logging.getLogger("market.ops")
bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """200 while the database answers, 503 if not. ``degraded`` when the search index is
    missing, unreadable, or more outbox rows behind the database than ``SEARCH_MAX_LAG``."""
    database = _database_health()
    search = _search_health()
    if database != "ok":
        status = "fail"
    elif isinstance(search, dict) and not search.get("ok"):
        status = "degraded"
    else:
        status = "ok"
    response = jsonify(status=status, database=database, search=search)
    response.status_code = 503 if status == "fail" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_health() -> str:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not serving": report it, never raise
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return "fail"
    return "ok"


def _search_health() -> dict | str:
    service = current_app.extensions.get("market.search")
    if service is None:
        return "absent"
    try:
        return dict(service.health(max_lag=current_app.config.get("SEARCH_MAX_LAG")))
    except Exception as exc:
        log.warning("health check: search failed (%s)", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
