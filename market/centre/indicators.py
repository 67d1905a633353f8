"""The centre's cockpit: the plan's indicators (page, table exports, the PDF return)."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..domain.dates import local_today
from ..permissions import centre_required
from ..services import exports, indicator_tables, stats
from ..services.periods import PeriodError, period_from_args
from .blueprint import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_or_redirect():
    try:
        return period_from_args(request.args), None
    except PeriodError:
        flash(_("That period could not be read. Showing the current year."), "error")
        return None, redirect(url_for("centre.indicators"))


def _view() -> str:
    """The view of the counts asked for (?view=), the plan's (by conclusion date) by default."""
    view = request.args.get("view", "").strip()
    return view if view in stats.VIEWS else stats.VIEW_DEAL


def _payload(period):
    config = current_app.config
    return stats.indicators(period, plan_start_year=config["PLAN_START_YEAR"], view=_view(),
                            growth_base_years=stats.parse_base_years(
                                config.get("GROWTH_BASE_YEARS")))


def _period_args(period) -> dict:
    view = {} if _view() == stats.VIEW_DEAL else {"view": _view()}
    if period.year is not None:
        return {"year": period.year, **view}
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), **view}


def _filename(period, suffix: str) -> str:
    name = str(period.year) if period.year else f"{period.start}_{period.end}"
    view = "" if _view() == stats.VIEW_DEAL else f"-{_view()}"
    return f"indicators-{name}{view}{suffix}"


@bp.route("/indicators")
@centre_required
def indicators():
    period, redirect_response = _period_or_redirect()
    if redirect_response:
        return redirect_response
    payload = _payload(period)
    all_tables = indicator_tables.tables(payload)
    return render_template(
        "centre/indicators.html", payload=payload, period=period, tables=all_tables,
        tables_by_key={t.key: t for t in all_tables}, period_args=_period_args(period),
        charts=indicator_tables.chart_data(payload, all_tables),
        years=stats.available_years(local_today().year), views=stats.VIEWS, view=_view(),
        view_names=indicator_tables.VIEW_NAMES, view_labels=indicator_tables.VIEW_LABELS,
        scope_note=indicator_tables.SCOPE_NOTE)


@bp.route("/indicators/export/<key>.<fmt>")
@centre_required
def indicators_export(key: str, fmt: str):
    period, redirect_response = _period_or_redirect()
    if redirect_response:
        return redirect_response
    all_tables = indicator_tables.tables(_payload(period))
    chosen = all_tables if key == "all" else [t for t in all_tables if t.key == key]
    if not chosen or fmt not in ("csv", "xlsx") or (fmt == "csv" and key == "all"):
        abort(404)
    if fmt == "csv":
        body, mimetype = exports.to_csv(chosen[0]), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.to_xlsx(chosen), XLSX
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{_filename(period, f"-{key}.{fmt}")}"'})


@bp.route("/indicators/report.pdf")
@centre_required
def indicators_report():
    period, redirect_response = _period_or_redirect()
    if redirect_response:
        return redirect_response
    from ..services import report_pdf  # reportlab: loaded by the first PDF, not every worker
    body = report_pdf.yearly_report(_payload(period))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{_filename(period, ".pdf")}"'})
