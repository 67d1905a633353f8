"""The centre's agency register: every verified agency with its record (entry and exit,
deals brokered, custody SMEs, response times, complaints, evaluations), and the records the
centre keeps on one agency."""
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.dates import local_today
from ..extensions import db
from ..forms_util import refusal_on
from ..models import AgencyComplaint
from ..permissions import centre_required
from ..services import agency_register
from ..services.errors import NotFound
from ..unit_of_work import committing
from .agency_forms import (
    AgencyStatusForm,
    CloseComplaintForm,
    ComplaintForm,
    CreditNoteForm,
    CriterionForm,
    evaluation_form,
)
from .blueprint import bp


def _plan_start() -> date:
    return date(current_app.config["PLAN_START_YEAR"], 1, 1)


@bp.get("/agencies")
@centre_required
def agency_register_page():
    rows = agency_register.register(plan_start=_plan_start())
    return render_template("centre/agencies.html", rows=rows,
                           criteria=agency_register.active_criteria(),
                           criterion_form=CriterionForm(formdata=None))


def _agency_or_404(agency_id: int):
    try:
        return agency_register.get_agency(agency_id)
    except NotFound:
        abort(404)


def _render_agency(agency, status=200, **forms):
    criteria = agency_register.active_criteria()
    today = local_today()
    defaults = {
        "status_form": AgencyStatusForm(formdata=None, effective_on=today),
        "complaint_form": ComplaintForm(formdata=None, received_on=today),
        "close_form": CloseComplaintForm(formdata=None, closed_on=today),
        "note_form": CreditNoteForm(formdata=None),
        "evaluation_form": evaluation_form(criteria, blank=True),
    }
    return render_template("centre/agency.html", agency=agency, criteria=criteria,
                           record=agency_register.record_of(agency),
                           **{**defaults, **forms}), status


@bp.get("/agencies/<int:agency_id>")
@centre_required
def agency_record(agency_id: int):
    return _render_agency(_agency_or_404(agency_id))


def _save(agency, form, form_name: str, call, done: str, anchor: str):
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            call()
        if outcome.committed:
            flash(done, "success")
            return redirect(url_for("centre.agency_record", agency_id=agency.id,
                                    _anchor=anchor))
    db.session.rollback()
    return _render_agency(agency, status=422, **{form_name: form})


@bp.post("/agencies/<int:agency_id>/status")
@centre_required
def agency_status(agency_id: int):
    agency, form = _agency_or_404(agency_id), AgencyStatusForm()
    return _save(agency, form, "status_form", lambda: agency_register.record_status(
        current_user, agency, kind=form.event_kind(), effective_on=form.effective_on.data,
        reason=form.reason.data), _("The change of standing is recorded."), "h-standing")


@bp.post("/agencies/<int:agency_id>/complaints")
@centre_required
def agency_complaint(agency_id: int):
    agency, form = _agency_or_404(agency_id), ComplaintForm()
    return _save(agency, form, "complaint_form", lambda: agency_register.record_complaint(
        current_user, agency, received_on=form.received_on.data,
        complainant=form.complainant.data, summary=form.summary.data),
        _("The complaint is recorded."), "h-complaints")


@bp.post("/agencies/complaints/<int:complaint_id>/close")
@centre_required
def agency_complaint_close(complaint_id: int):
    complaint = db.get_or_404(AgencyComplaint, complaint_id)
    agency, form = complaint.agency, CloseComplaintForm()
    return _save(agency, form, "close_form", lambda: agency_register.close_complaint(
        current_user, complaint, outcome=form.outcome_code(), closed_on=form.closed_on.data,
        note=form.note.data, sanction=form.sanction.data),
        _("The outcome of the complaint is recorded."), "h-complaints")


@bp.post("/agencies/<int:agency_id>/evaluations")
@centre_required
def agency_evaluation(agency_id: int):
    agency = _agency_or_404(agency_id)
    form = evaluation_form(agency_register.active_criteria())
    return _save(agency, form, "evaluation_form", lambda: agency_register.record_evaluation(
        current_user, agency, year=form.year.data, scores=form.scores(),
        grade=form.grade_code(), note=form.note.data),
        _("The evaluation is recorded."), "h-evaluations")


@bp.post("/agencies/<int:agency_id>/credit-notes")
@centre_required
def agency_credit_note(agency_id: int):
    agency, form = _agency_or_404(agency_id), CreditNoteForm()
    return _save(agency, form, "note_form", lambda: agency_register.add_credit_note(
        current_user, agency, kind=form.note_kind(), text=form.text.data),
        _("The credit note is recorded and published."), "h-credit")


@bp.post("/agencies/criteria")
@centre_required
def agency_criterion():
    form = CriterionForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            agency_register.add_criterion(current_user, name=form.name.data,
                                          max_score=form.max_score.data)
        if outcome.committed:
            flash(_("The criterion is added to the yearly evaluation."), "success")
            return redirect(url_for("centre.agency_register_page", _anchor="h-criteria"))
    rows = agency_register.register(plan_start=_plan_start())
    return render_template("centre/agencies.html", rows=rows,
                           criteria=agency_register.active_criteria(),
                           criterion_form=form), 422
