"""The centre's pledge financing records: one by one or a CSV import, their release, and the
pledgees' consents it records before any deal exists."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patent_numbers import InvalidPatentNumber
from ..domain.trademark_numbers import InvalidTrademarkNumber
from ..extensions import db
from ..forms_util import show_service_error
from ..models import PledgeDeal, PledgeeConsent
from ..permissions import centre_required
from ..services import pledges as pledge_service
from ..services.errors import NotFound, ServiceError
from ..stored_files import stored_file_response
from ..unit_of_work import committing
from .blueprint import bp
from .forms import PledgeConsentForm, PledgeForm, PledgeImportForm, PledgeReleaseForm


def _render_pledges(form=None, import_form=None, import_errors=None, status=200):
    return render_template("centre/pledges.html", form=form or PledgeForm(),
                           import_form=import_form or PledgeImportForm(formdata=None),
                           import_errors=import_errors or [],
                           column_labels=pledge_service.COLUMN_LABELS,
                           column_label=pledge_service.column_label,
                           release_form=PledgeReleaseForm(formdata=None),
                           counts=pledge_service.mix_counts(),
                           pledges=pledge_service.recent()), status


@bp.route("/pledges")
@centre_required
def pledge_list():
    return _render_pledges(form=PledgeForm(formdata=None))


def _refusal_on(form):
    """A pledge's refusal on its field: the patent numbers, the amount, or the service's."""
    def show(exc) -> None:
        if isinstance(exc, InvalidPatentNumber):
            form.patents.errors = [str(exc.message)]
        elif isinstance(exc, InvalidTrademarkNumber):
            form.trademarks.errors = [str(exc.message)]
        elif isinstance(exc, InvalidAmount):
            form.amount.errors = [str(exc.message)]
        else:
            show_service_error(form, exc)
    return show


@bp.route("/pledges", methods=["POST"])
@centre_required
def pledge_add():
    form = PledgeForm()
    if form.validate_on_submit():
        refusals = (InvalidPatentNumber, InvalidTrademarkNumber, InvalidAmount, ServiceError)
        with committing(_refusal_on(form), refusals=refusals) as outcome:
            numbers = pledge_service.parse_application_numbers(form.patents.data)
            trademarks = pledge_service.parse_trademark_numbers(form.trademarks.data)
            amount = parse_yuan(form.amount.data)
            pledge_service.record(current_user, pledgor=form.pledgor.data,
                                  bank=form.bank.data, application_numbers=numbers,
                                  trademark_numbers=trademarks, amount_fen=amount,
                                  pledged_on=form.pledged_on.data)
        if outcome.committed:
            flash(_("The pledge deal is recorded."), "success")
            return redirect(url_for("centre.pledge_list"))
    db.session.rollback()
    return _render_pledges(form=form, status=422)


@bp.route("/pledges/import", methods=["POST"])
@centre_required
def pledge_import():
    form = PledgeImportForm()
    if form.validate_on_submit():
        with committing(refusals=(pledge_service.ImportRejected,)) as outcome:
            created = pledge_service.import_csv(current_user, form.file.data.read())
        if outcome.refusal is not None:
            flash(str(outcome.refusal.message), "error")
            return _render_pledges(import_form=form, import_errors=outcome.refusal.errors,
                                   status=422)
        flash(_("%(num)d pledge deals imported.", num=len(created)), "success")
        return redirect(url_for("centre.pledge_list"))
    return _render_pledges(import_form=form, status=422)


@bp.route("/pledges/<int:pledge_id>/release", methods=["POST"])
@centre_required
def pledge_release(pledge_id: int):
    """Record that a pledge was released: its patents are free of the consent rule again."""
    form = PledgeReleaseForm()
    if not form.validate_on_submit():
        flash(_("Enter the date the pledge was released."), "error")
        return redirect(url_for("centre.pledge_list", _anchor=f"pledge-{pledge_id}"))
    with committing() as outcome:
        pledge_service.release(pledge_service.get(pledge_id), current_user,
                               released_on=form.released_on.data)
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    if outcome.refusal is not None:
        flash(str(outcome.refusal.message), "error")
    else:
        flash(_("The release of the pledge is recorded."), "success")
    return redirect(url_for("centre.pledge_list", _anchor=f"pledge-{pledge_id}"))


@bp.route("/pledges/<int:pledge_id>/consent", methods=["POST"])
@centre_required
def pledge_consent(pledge_id: int):
    """Record a pledgee's consent for one of the pledge's patents before any deal exists."""
    pledge = db.get_or_404(PledgeDeal, pledge_id)
    form = PledgeConsentForm()
    form.patent_id.choices = [(link.patent_id, link.patent.application_number)
                              for link in pledge.patents]
    back = redirect(url_for("centre.pledge_list", _anchor=f"pledge-{pledge_id}"))
    if not form.validate_on_submit():
        flash(_("Choose the patent and the pledgee's written consent (a JPEG or PNG image or "
                "a PDF)."), "error")
        return back
    upload = form.consent.data
    with committing() as outcome:
        pledge_service.record_consent_by_centre(pledge, current_user,
                                                patent_id=form.patent_id.data,
                                                filename=upload.filename, data=upload.read())
    if outcome.refusal is not None:
        flash(str(outcome.refusal.message), "error")
    else:
        flash(_("The pledgee's consent is recorded."), "success")
    return back


@bp.route("/pledges/consents/<int:consent_id>")
@centre_required
def pledge_consent_file(consent_id: int):
    item = db.get_or_404(PledgeeConsent, consent_id)
    return stored_file_response(item)
