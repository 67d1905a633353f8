"""GET /api/v1/stats/indicators: the centre's indicators as JSON.

Open to a logged-in centre user (session) or a centre API token (``Authorization: Bearer``).
Anyone else gets 401 (no or bad credentials) or 403 (not the centre) as JSON.
"""
from flask import Blueprint, current_app, request
from flask_login import current_user

from ..permissions import public
from ..services import api_tokens, stats
from ..services.periods import PeriodError, period_from_args
from ..unit_of_work import commit

bp = Blueprint("api_stats", __name__, url_prefix="/api/v1/stats")


def _error(status: int, message: str):
    response = {"error": message}, status
    if status == 401:
        return (*response, {"WWW-Authenticate": 'Bearer realm="stats"'})
    return response


def _caller():
    """(user, status): the centre user calling, or None and the refusal status."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = api_tokens.user_for(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return None, 401
        return (user, 200) if user.is_centre else (None, 403)
    if not current_user.is_authenticated:
        return None, 401
    return (current_user, 200) if current_user.is_centre else (None, 403)


@bp.get("/indicators")
@public  # access is checked below: token or session, answered in JSON
def indicators():
    user, status = _caller()
    if user is None:
        return _error(status, "authentication required" if status == 401
                      else "the statistics are for the IP service centre")
    try:
        period = period_from_args(request.args)
    except PeriodError as exc:
        return _error(400, str(exc))
    view = request.args.get("view", stats.VIEW_DEAL).strip()
    if view not in stats.VIEWS:
        return _error(400, f"view must be one of {', '.join(stats.VIEWS)}")
    config = current_app.config
    payload = stats.indicators(period, plan_start_year=config["PLAN_START_YEAR"], view=view,
                               growth_base_years=stats.parse_base_years(
                                   config.get("GROWTH_BASE_YEARS")))
    if request.headers.get("Authorization"):
        commit()  # the token's last use
    return payload
