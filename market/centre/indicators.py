"""The centre's cockpit: the plan's indicators (page, exports, PDF return), the deal
monitor, pledge financing records and listing moderation. Registered on the centre
blueprint (imported at the end of ``views.py``)."""
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patent_numbers import InvalidPatentNumber
from ..extensions import db
from ..forms_util import show_service_error
from ..models import Organisation, Patent
from ..params import int_arg
from ..permissions import centre_required
from ..services import exports, indicator_tables, moderation, monitor, pledges, stats
from ..services.errors import ServiceError
from ..services.periods import PeriodError, period_from_args
from ..unit_of_work import commit
from .indicator_forms import ActionForm, HideForm, PledgeForm, PledgeImportForm
from .views import bp

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
        years=stats.available_years(date.today().year))


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


# --- deal monitor -------------------------------------------------------------------

def _monitor_filter() -> monitor.MonitorFilter:
    def day(name):
        try:
            return date.fromisoformat(request.args.get(name, "").strip())
        except ValueError:
            return None
    return monitor.MonitorFilter(org_id=int_arg("org"),
                                 start=day("start"), end=day("end"))


@bp.route("/monitor", endpoint="monitor")
@centre_required
def monitor_page():
    f = _monitor_filter()
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("centre/monitor.html", report=monitor.report(f), f=f, orgs=orgs,
                           days_since=monitor.days_since, limits=monitor)


# --- pledge financing -----------------------------------------------------------------

def _render_pledges(form=None, import_form=None, import_errors=None, status=200):
    return render_template("centre/pledges.html", form=form or PledgeForm(),
                           import_form=import_form or PledgeImportForm(formdata=None),
                           import_errors=import_errors or [], pledges=pledges.recent()), status


@bp.route("/pledges")
@centre_required
def pledge_list():
    return _render_pledges(form=PledgeForm(formdata=None))


@bp.route("/pledges", methods=["POST"])
@centre_required
def pledge_add():
    form = PledgeForm()
    if form.validate_on_submit():
        try:
            numbers = pledges.parse_application_numbers(form.patents.data)
            amount = parse_yuan(form.amount.data)
            pledges.record(current_user, pledgor=form.pledgor.data, bank=form.bank.data,
                           application_numbers=numbers, amount_fen=amount,
                           pledged_on=form.pledged_on.data)
        except InvalidPatentNumber as exc:
            form.patents.errors = [str(exc.message)]
        except InvalidAmount as exc:
            form.amount.errors = [str(exc.message)]
        except ServiceError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            commit()
            flash(_("The pledge deal is recorded."), "success")
            return redirect(url_for("centre.pledge_list"))
    db.session.rollback()
    return _render_pledges(form=form, status=422)


@bp.route("/pledges/import", methods=["POST"])
@centre_required
def pledge_import():
    form = PledgeImportForm()
    if form.validate_on_submit():
        try:
            created = pledges.import_csv(current_user, form.file.data.read())
        except pledges.ImportRejected as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return _render_pledges(import_form=form, import_errors=exc.errors, status=422)
        commit()
        flash(_("%(num)d pledge deals imported.", num=len(created)), "success")
        return redirect(url_for("centre.pledge_list"))
    return _render_pledges(import_form=form, status=422)


# --- moderation -------------------------------------------------------------------------

@bp.route("/listings/hidden")
@centre_required
def hidden_listings():
    query = request.args.get("q", "").strip()
    return render_template("centre/hidden.html", hidden=moderation.hidden_listings(),
                           query=query, found=moderation.find_listings(query),
                           action_form=ActionForm())


@bp.route("/listings/<int:patent_id>/hide", methods=["GET", "POST"])
@centre_required
def hide_listing(patent_id: int):
    patent = db.get_or_404(Patent, patent_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            moderation.hide(current_user, patent, form.reason.data)
        except ServiceError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            commit()
            flash(_("The listing is hidden; its owner has been told why."), "success")
            return redirect(url_for("centre.hidden_listings"))
    elif request.method == "GET" and patent.hidden:
        form.reason.data = patent.hidden_reason
    return render_template("centre/hide.html", patent=patent, form=form), \
        422 if form.errors else 200


@bp.route("/listings/<int:patent_id>/unhide", methods=["POST"])
@centre_required
def unhide_listing(patent_id: int):
    patent = db.get_or_404(Patent, patent_id)
    if ActionForm().validate_on_submit():
        moderation.unhide(current_user, patent)
        commit()
        flash(_("The listing is shown again; its owner has been told."), "success")
    return redirect(url_for("centre.hidden_listings"))
