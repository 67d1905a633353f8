"""Deal pages of what follows a concluded contract: the licensee's royalty reports (and the
licensor's confirmation of the royalty received), and CNIPA's registration of an
assignment. A blueprint of its own under /deals, beside the negotiation's pages, whose
access rules (``_deal_or_404``, ``party_required``) it shares."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .. import labels
from ..domain.dates import local_today
from ..domain.terms import format_basis_points
from ..extensions import db
from ..forms_util import YuanField, refusal_on, strip
from ..models import RoyaltyReport
from ..permissions import login_required
from ..services import deals, recording, royalty_reports
from ..unit_of_work import committing
from .views import _deal_or_404, party_required

bp = Blueprint("royalties", __name__, url_prefix="/deals")


bp.add_app_template_global(labels.royalty_task_label, "royalty_task_label")


@bp.app_template_global()
def royalty_overview(deal) -> dict | None:
    """The deal page's royalty card: the periods that need something, the last reports."""
    if not royalty_reports.has_running_royalty(deal):
        return None
    today = local_today()
    periods = royalty_reports.periods(deal, today)
    return {"periods": periods,
            "due": [p for p in periods if p.report is None and not p.overdue(today)],
            "overdue": [p for p in periods if p.overdue(today)],
            "late": [p for p in periods if p.payment_late(today)],
            "reported": [p for p in periods if p.report is not None],
            "paid_fen": sum(p.report.paid_fen or 0 for p in periods if p.report is not None),
            "terms": royalty_reports.reporting_terms(deal)}


@bp.app_template_global()
def assignment_registration(deal):
    return recording.registration(deal)


@bp.app_template_global()
def royalty_tasks_of_current_user() -> list:
    """What the inbox lists above the notifications: reports to file or overdue (licensee),
    royalties unpaid after their due date (both sides)."""
    from ..permissions import member_org_id
    org_id = member_org_id(current_user) if current_user.is_authenticated else None
    if org_id is None:
        return []
    return [t for t in royalty_reports.tasks(org_id)
            if t.kind == "payment_late" or t.deal.licensee_org_id == org_id]


class RoyaltyReportForm(FlaskForm):
    period = SelectField(_l("Reporting period"), validators=[InputRequired()])
    net_sales = YuanField(_l("Net sales in the period (yuan)"), blank=None,
                          validators=[InputRequired()],
                          description=_l("Sales of the licensed products less returns, "
                                         "discounts and taxes, as the contract defines them."))
    units_sold = IntegerField(_l("Units sold (optional)"),
                              validators=[Optional(), NumberRange(min=0)])
    note = TextAreaField(_l("Note to the licensor (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=2000)])


class ConfirmRoyaltyForm(FlaskForm):
    paid_on = DateField(_l("Received on"), validators=[InputRequired()])


class RegistrationForm(FlaskForm):
    registered_on = DateField(_l("Date CNIPA registered the assignment"),
                              validators=[InputRequired()])
    announcement = StringField(_l("CNIPA announcement (gazette number, optional)"),
                               filters=[strip], validators=[Optional(), Length(max=60)],
                               description=_l("Leave empty while the announcement is awaited."))
    announced_on = DateField(_l("Announcement date (optional)"), validators=[Optional()])


def _on_profit(deal) -> bool:
    """A royalty on profit (the terms may say so: ``royalty_base``) rather than net sales."""
    return deal.royalty_base == "profit"


def _royalty_page(deal, form, status=200):
    role = deals.role_of(deal, current_user)
    if _on_profit(deal):
        form.net_sales.label.text = _("Profit in the period (yuan)")
        form.net_sales.description = _("The profit from the licensed products, as the "
                                       "contract defines it.")
    periods = royalty_reports.periods(deal)
    return render_template(
        "deals/royalties.html", deal=deal, role=role, periods=list(reversed(periods)),
        form=form, confirm_form=ConfirmRoyaltyForm(data={"paid_on": local_today()}),
        terms=royalty_reports.reporting_terms(deal), labels=labels, today=local_today(),
        rate=format_basis_points(deal.royalty_bp), on_profit=_on_profit(deal)), status


@bp.route("/<int:deal_id>/royalties", methods=["GET", "POST"])
@login_required  # strangers get 404 from _deal_or_404, as on the deal page
def royalties(deal_id: int):
    """The deal's reporting periods and reports; the licensee files one here."""
    deal = _deal_or_404(deal_id)
    if not royalty_reports.has_running_royalty(deal):
        abort(404)
    form = RoyaltyReportForm()
    open_periods = [p for p in royalty_reports.periods(deal) if p.report is None]
    form.period.choices = [(p.key, f"{p.start.isoformat()} – {p.end.isoformat()}")
                           for p in open_periods]
    if not form.is_submitted():
        return _royalty_page(deal, form)
    if not form.validate():
        return _royalty_page(deal, form, 422)
    with committing(refusal_on(form)) as outcome:
        royalty_reports.file_report(
            deal, current_user, period_start=date.fromisoformat(form.period.data),
            base_amount_fen=form.net_sales.data, units_sold=form.units_sold.data,
            note=form.note.data or "")
    if outcome.refusal is not None:
        return _royalty_page(deal, form, 422)
    flash(_("Your royalty report has been sent to the licensor."), "success")
    return redirect(url_for("royalties.royalties", deal_id=deal_id))


@bp.post("/<int:deal_id>/royalties/<int:report_id>/paid")
@party_required
def royalty_paid(deal_id: int, report_id: int):
    """The licensor confirms the royalty of one report received."""
    deal = _deal_or_404(deal_id)
    report = db.get_or_404(RoyaltyReport, report_id)
    if report.deal_id != deal.id:
        abort(404)
    form = ConfirmRoyaltyForm()
    if not form.validate_on_submit():
        flash(_("Enter the day the royalty was received."), "error")
        return redirect(url_for("royalties.royalties", deal_id=deal_id))
    with committing() as outcome:
        royalty_reports.confirm_paid(report, current_user, paid_on=form.paid_on.data)
    if outcome.refusal is not None:
        flash(str(outcome.refusal.message), "error")
    else:
        flash(_("The royalty has been confirmed and counted."), "success")
    return redirect(url_for("royalties.royalties", deal_id=deal_id))


def _registration_page(deal, form, status=200):
    return render_template("deals/registration.html", deal=deal, form=form,
                           status=recording.registration(deal),
                           role=deals.role_of(deal, current_user)), status


@bp.route("/<int:deal_id>/registration", methods=["GET", "POST"])
@login_required  # strangers get 404 from _deal_or_404, as on the deal page
def registration(deal_id: int):
    """CNIPA's registration of a concluded assignment, recorded by a party."""
    deal = _deal_or_404(deal_id)
    status = recording.registration(deal)
    if status is None:
        abort(404)
    record = status.record
    form = RegistrationForm(data={"registered_on": record.registered_on} if record else None)
    if not form.is_submitted():
        return _registration_page(deal, form)
    if not form.validate():
        return _registration_page(deal, form, 422)
    with committing(refusal_on(form)) as outcome:
        recording.register_assignment(
            deal, current_user, registered_on=form.registered_on.data,
            announcement=form.announcement.data or "", announced_on=form.announced_on.data)
    if outcome.refusal is not None:
        return _registration_page(deal, form, 422)
    flash(_("The registration has been noted."), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id) + "#registration")

