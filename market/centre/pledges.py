"""The centre's pledge financing records: one by one or a CSV import."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patent_numbers import InvalidPatentNumber
from ..extensions import db
from ..forms_util import show_service_error
from ..permissions import centre_required
from ..services import pledges as pledge_service
from ..services.errors import ServiceError
from ..unit_of_work import commit
from .blueprint import bp
from .forms import PledgeForm, PledgeImportForm


def _render_pledges(form=None, import_form=None, import_errors=None, status=200):
    return render_template("centre/pledges.html", form=form or PledgeForm(),
                           import_form=import_form or PledgeImportForm(formdata=None),
                           import_errors=import_errors or [],
                           pledges=pledge_service.recent()), status


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
            numbers = pledge_service.parse_application_numbers(form.patents.data)
            amount = parse_yuan(form.amount.data)
            pledge_service.record(current_user, pledgor=form.pledgor.data,
                                  bank=form.bank.data, application_numbers=numbers,
                                  amount_fen=amount, pledged_on=form.pledged_on.data)
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
            created = pledge_service.import_csv(current_user, form.file.data.read())
        except pledge_service.ImportRejected as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return _render_pledges(import_form=form, import_errors=exc.errors, status=422)
        commit()
        flash(_("%(num)d pledge deals imported.", num=len(created)), "success")
        return redirect(url_for("centre.pledge_list"))
    return _render_pledges(import_form=form, status=422)
