"""``/healthz`` for load balancers and monitors: cheap (no template, no session, no user)."""
import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from ..extensions import db, limiter
from ..permissions import public
from ..services.deal_events import pending_notices

log = logging.getLogger("market.ops")
bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """200 while the database answers, 503 if not. ``degraded`` when the search index is
    missing, unreadable, or more outbox rows behind the database than ``SEARCH_MAX_LAG``.

    ``?full=1`` (monitors, not the load balancer's frequent probe: it costs more) also
    checks the demand board's index, and the deal events waiting for their notices:
    ``degraded`` when one has waited longer than ``NOTICE_MAX_DELAY`` seconds (no outbox
    worker or ``flask mail deliver`` timer is telling them)."""
    full = request.args.get("full") == "1"
    database, notices = _database_health(full)
    parts = {"search": _search_health("market.search")}
    if full:
        parts.update(demand_search=_search_health("market.demand_search"), notices=notices)
    if database != "ok":
        status = "fail"
    elif any(isinstance(part, dict) and not part.get("ok") for part in parts.values()):
        status = "degraded"
    else:
        status = "ok"
    response = jsonify(status=status, database=database, **parts)
    response.status_code = 503 if status == "fail" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_health(notices: bool) -> tuple[str, dict | None]:
    """The database's state, and (``notices``) the deal events waiting for their notices."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            return "ok", _notice_health(connection) if notices else None
    except Exception as exc:  # any failure means "not serving": report it, never raise
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        return "fail", {"ok": False, "error": "database"}


def _notice_health(connection) -> dict:
    try:
        notices = pending_notices(connection)
    except Exception as exc:  # noqa: BLE001 - report (a schema not migrated yet), don't fail
        log.warning("health check: notices unreadable (%s)", type(exc).__name__)
        connection.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": notices["oldest_seconds"] <= current_app.config["NOTICE_MAX_DELAY"],
            **notices}


def _search_health(key: str) -> dict | str:
    service = current_app.extensions.get(key)
    if service is None:
        return "absent"
    try:
        return dict(service.health(max_lag=current_app.config.get("SEARCH_MAX_LAG")))
    except Exception as exc:
        log.warning("health check: search failed (%s)", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
