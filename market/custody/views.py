"""/custody: an SME's and an agency's custody agreements, the portfolio an agency sees
while it holds the SME in custody."""
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.dates import local_today
from ..forms_util import refusal_on
from ..models import OrgKind
from ..permissions import login_required, role_required
from ..services import agency_register, custody
from ..services.errors import NotFound, PermissionDenied
from ..unit_of_work import committing
from .forms import AcceptForm, DeclineForm, ProposeForm, RenewForm, TerminateForm

bp = Blueprint("custody", __name__, url_prefix="/custody")
PARTIES = (OrgKind.SME, OrgKind.AGENCY)


def _agreement_or_404(agreement_id: int):
    try:
        return custody.get_for(current_user, agreement_id)
    except NotFound:
        abort(404)


@bp.get("/")
@role_required(*PARTIES)
def mine():
    agreements = custody.agreements_of(current_user.org_id)
    return render_template("custody/mine.html", agreements=agreements,
                           standings={a.id: custody.standing(a) for a in agreements})


def _propose_form() -> ProposeForm:
    form = ProposeForm()
    form.agency.choices = [(0, _("— choose —"))] + [
        (a.id, a.name) for a in agency_register.verified_agencies()
        if agency_register.is_active(a)]
    if not form.is_submitted():
        today = local_today()
        form.starts_on.data = today
        form.ends_on.data = today.replace(year=today.year + 1) - timedelta(days=1)
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PARTIES)
def propose():
    form = _propose_form()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            counterpart = custody.counterpart_for(current_user, form.sme_credit_code.data,
                                                  form.agency.data)
            agreement = custody.propose(
                current_user, counterpart, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, fee_fen=form.fee.data, scope=form.scope(),
                note=form.note.data)
        if outcome.committed:
            flash(_("The proposal is sent; the other side accepts or declines it."), "success")
            return redirect(url_for("custody.detail", agreement_id=agreement.id))
    status = 422 if form.is_submitted() else 200
    return render_template("custody/new.html", form=form,
                           is_sme=current_user.org.kind == OrgKind.SME), status


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    return _detail(agreement)


def _detail(agreement, *, renew_form=None, terminate_form=None, status=200):
    now = custody.standing(agreement)
    may = custody.allowed(current_user, agreement, now)
    return render_template(
        "custody/detail.html", agreement=agreement, now=now,
        side=custody.side_of(current_user, agreement),
        may_answer=may["answer"], may_change=may["change"],
        may_see_portfolio=custody.may_see_portfolio(current_user, agreement),
        accept_form=AcceptForm(formdata=None), decline_form=DeclineForm(formdata=None),
        renew_form=renew_form or RenewForm(formdata=None),
        terminate_form=terminate_form or TerminateForm(formdata=None,
                                                       last_day=local_today())), status


def _act(agreement_id: int, action, done: str):
    """Run a one-button action; a refusal is flashed. A stranger gets 404, the centre 403."""
    agreement = _agreement_or_404(agreement_id)
    with committing() as outcome:
        action(agreement)
    if isinstance(outcome.refusal, PermissionDenied):
        abort(403)
    if outcome.refusal is not None:
        flash(str(outcome.refusal.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for("custody.detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/accept")
@login_required
def accept(agreement_id: int):
    if not AcceptForm().validate_on_submit():
        abort(400)
    return _act(agreement_id, lambda a: custody.accept(current_user, a),
                _("Accepted: the term is in force."))


@bp.post("/<int:agreement_id>/decline")
@login_required
def decline(agreement_id: int):
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(agreement_id, lambda a: custody.decline(current_user, a, form.reason.data),
                _("Declined."))


def _form_action(agreement_id: int, form, call, done: str):
    agreement = _agreement_or_404(agreement_id)
    if custody.side_of(current_user, agreement) is None or not current_user.can_act:
        abort(403)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            call(agreement)
        if outcome.committed:
            flash(done, "success")
            return redirect(url_for("custody.detail", agreement_id=agreement_id))
    return None, agreement


@bp.post("/<int:agreement_id>/renew")
@login_required
def renew(agreement_id: int):
    form = RenewForm()
    result = _form_action(agreement_id, form, lambda a: custody.propose_renewal(
        current_user, a, ends_on=form.ends_on.data, fee_fen=form.fee.data),
        _("The renewal is proposed; the other side accepts or declines it."))
    if isinstance(result, tuple):
        return _detail(result[1], renew_form=form, status=422)
    return result


@bp.post("/<int:agreement_id>/terminate")
@login_required
def terminate(agreement_id: int):
    form = TerminateForm()
    result = _form_action(agreement_id, form, lambda a: custody.terminate(
        current_user, a, last_day=form.last_day.data, reason=form.reason.data),
        _("The end of the agreement is recorded."))
    if isinstance(result, tuple):
        return _detail(result[1], terminate_form=form, status=422)
    return result


@bp.get("/<int:agreement_id>/portfolio")
@login_required
def portfolio(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    if not custody.may_see_portfolio(current_user, agreement):
        abort(403)
    return render_template("custody/portfolio.html", agreement=agreement,
                           portfolio=custody.portfolio(agreement.sme), today=local_today())

