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


def _payload(period):
    return stats.indicators(period, plan_start_year=current_app.config["PLAN_START_YEAR"])


def _period_args(period) -> dict:
    if period.year is not None:
        return {"year": period.year}
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _filename(period, suffix: str) -> str:
    name = str(period.year) if period.year else f"{period.start}_{period.end}"
    return f"indicators-{name}{suffix}"


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
        years=stats.available_years(local_today().year))


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
