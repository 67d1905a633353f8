"""Organisation profiles and members."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.bank_accounts import format_account_number
from ..extensions import db
from ..forms_util import refusal_on
from ..models import Organisation, OrgKind, User
from ..permissions import (
    can_edit_org,
    can_manage_members,
    can_view_org,
    login_required,
    member_org_id,
    public,
)
from ..services import agencies, payees
from ..services import orgs as org_service
from ..unit_of_work import committing, flash_refusal
from .forms import BankAccountForm, InviteForm, MemberDecisionForm, OrgProfileForm

bp = Blueprint("orgs", __name__, url_prefix="/org")


def _org_or_404(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    if not can_view_org(current_user, org):
        abort(404)  # do not reveal that a pending organisation exists
    return org


@bp.route("/")
@login_required
def mine():
    return redirect(url_for("orgs.profile", org_id=current_user.org_id))


@bp.route("/<int:org_id>")
@public
def profile(org_id: int):
    org = _org_or_404(org_id)
    return render_template("orgs/profile.html", org=org,
                           is_member=member_org_id(current_user) == org.id,
                           agency=_agency_view(org))


def _agency_view(org: Organisation) -> dict | None:
    """What an agency's page adds: its profile, certified staff and record."""
    if org.kind != OrgKind.AGENCY:
        return None
    return {"profile": agencies.profile_of(org), "staff": agencies.staff_of(org.id),
            "record": agencies.record_of(org.id)}


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = _org_or_404(org_id)
    if not can_edit_org(current_user, org):
        abort(403)
    # the form shows what the organisation asked for, not yet verified, so saving it
    # again keeps the request
    form = OrgProfileForm(obj=org)
    if not form.is_submitted():
        form.name.data = org.pending_name or org.name
        form.credit_code.data = org.pending_credit_code or org.credit_code
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            waits = org_service.update_profile(current_user, org, form.org_fields())
        if outcome.committed:
            flash(_("The profile has been saved. The new name or credit code takes effect "
                    "once the IP service centre has checked it.") if waits
                  else _("The profile has been saved."), "success")
            return redirect(url_for("orgs.profile", org_id=org.id))
    return render_template("orgs/edit.html", form=form, org=org), 200 if not form.errors else 422


@bp.route("/<int:org_id>/bank-account", methods=["GET", "POST"])
@login_required
def bank_account(org_id: int):
    """The account payers transfer into (licensor paid directly: PAYMENT_RECEIVER=licensor).
    Members see it; the admin changes it."""
    org = _org_or_404(org_id)
    if member_org_id(current_user) != org.id:
        abort(403)
    may_edit = current_user.is_org_admin and current_user.can_act
    form = BankAccountForm(data={
        "account_name": org.bank_account_name or org.name, "bank_name": org.bank_name,
        "account_number": format_account_number(org.bank_account_number),
        "name_note": org.bank_name_note})
    if form.is_submitted() and not may_edit:
        abort(403)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            payees.set_bank_account(current_user, org, account_name=form.account_name.data,
                                    bank_name=form.bank_name.data,
                                    account_number=form.account_number.data,
                                    name_note=form.name_note.data)
        if outcome.committed:
            flash(_("The bank account has been saved."), "success")
            return redirect(url_for("orgs.profile", org_id=org.id))
    return (render_template("orgs/bank_account.html", form=form, org=org, may_edit=may_edit),
            200 if not form.errors else 422)


@bp.route("/<int:org_id>/members", methods=["GET", "POST"])
@login_required
def members(org_id: int):
    org = _org_or_404(org_id)
    if member_org_id(current_user) != org.id:
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        if not can_manage_members(current_user, org):
            abort(403)
        with committing(refusal_on(form)) as outcome:
            org_service.invite_colleague(current_user, form.email.data, form.name.data)
        if outcome.committed:
            flash(_("%(email)s has been added and emailed a link to set a password.",
                    email=form.email.data), "success")
            return redirect(url_for("orgs.members", org_id=org.id))
    return render_template("orgs/members.html", org=org, form=form,
                           decision_form=MemberDecisionForm(),
                           can_manage=can_manage_members(current_user, org)), \
        200 if not form.errors else 422


@bp.route("/<int:org_id>/members/<int:user_id>", methods=["POST"])
@login_required
def decide_member(org_id: int, user_id: int):
    org = _org_or_404(org_id)
    member = db.get_or_404(User, user_id)
    if not can_manage_members(current_user, org) or member.org_id != org.id:
        abort(403)
    form = MemberDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    decision = form.decision.data
    with committing(flash_refusal) as outcome:
        if decision in ("approve", "decline"):
            org_service.decide_membership(current_user, member, decision == "approve")
        elif decision in ("make_signatory", "remove_signatory"):
            org_service.set_signatory(current_user, member, decision == "make_signatory")
        else:
            org_service.set_admin(current_user, member, decision == "make_admin")
    if outcome.committed:
        flash(_("Saved."), "success")
    return redirect(url_for("orgs.members", org_id=org.id))
