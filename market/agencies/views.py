"""Agency pages: the agency's profile and staff (its admin), the mandates it holds, and the
mandates a principal grants and revokes. Views are thin: form, permission, one service,
commit."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..domain.dates import local_today
from ..extensions import db
from ..forms_util import refusal_on
from ..models import Mandate, MandateScope, Organisation, OrgKind, StaffQualification
from ..permissions import role_required
from ..services import agencies, mandates
from ..services.errors import ServiceError
from ..unit_of_work import committing, flash_refusal
from .forms import AgencyProfileForm, MandateForm, StaffForm

bp = Blueprint("agencies", __name__, url_prefix="/agencies")
# an agency fills its profile while the centre verifies it
agency_member = role_required(OrgKind.AGENCY, verified=False)
principal_required = role_required(*mandates.PRINCIPAL_KINDS)


def _own_agency_admin() -> Organisation:
    if not current_user.is_org_admin:
        abort(403)
    return current_user.org


@bp.route("/profile", methods=["GET", "POST"])
@agency_member
def edit_profile():
    org = _own_agency_admin()
    profile = agencies.profile_of(org)
    form = AgencyProfileForm(data={"services": profile.services, "industries": profile.industries,
                                   "description": profile.description,
                                   "cnipa_agency_code": profile.cnipa_agency_code})
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            agencies.update_profile(current_user, org, services=form.services.data,
                                    industries=form.industries.data,
                                    description=form.description.data,
                                    agency_code=form.cnipa_agency_code.data)
        if outcome.committed:
            flash(_("The agency's profile has been saved."), "success")
            return redirect(url_for("orgs.profile", org_id=org.id))
    return _profile_page(org, form, StaffForm(formdata=None))


def _profile_page(org, form, staff_form):
    status = 422 if form.errors or staff_form.errors else 200
    return render_template("agencies/edit.html", org=org, form=form, staff_form=staff_form,
                           staff=agencies.staff_of(org.id)), status


@bp.post("/staff")
@agency_member
def add_staff():
    org = _own_agency_admin()
    form = StaffForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            agencies.add_staff(current_user, org, name=form.name.data,
                               qualification=StaffQualification(form.qualification.data),
                               certificate_number=form.certificate_number.data)
        if outcome.committed:
            flash(_("%(name)s has been added to the staff list.", name=form.name.data),
                  "success")
            return redirect(url_for("agencies.edit_profile"))
    profile = agencies.profile_of(org)
    return _profile_page(org, AgencyProfileForm(formdata=None, data={
        "services": profile.services, "industries": profile.industries,
        "description": profile.description,
        "cnipa_agency_code": profile.cnipa_agency_code}), form)


@bp.post("/staff/<int:staff_id>/delete")
@agency_member
def remove_staff(staff_id: int):
    org = _own_agency_admin()
    with committing(flash_refusal) as outcome:
        agencies.remove_staff(current_user, org, staff_id)
    if outcome.committed:
        flash(_("Removed from the staff list."), "success")
    return redirect(url_for("agencies.edit_profile"))


@bp.route("/mandates")
@role_required(OrgKind.AGENCY)
def mandates_held():
    """The mandates the agency holds: for whom its brokers act, how far, until when."""
    return render_template("agencies/held.html", mandates=mandates.held_by(current_user.org_id),
                           today=local_today(), labels=labels)


@bp.route("/mandates/granted", methods=["GET", "POST"])
@principal_required
def mandates_granted():
    """A principal's mandates; its admin grants a new one."""
    form = MandateForm()
    form.fill_agencies(agencies.verified_agencies())
    if not form.is_submitted():
        form.valid_from.data = local_today()
    if form.validate_on_submit():
        if not current_user.is_org_admin:
            abort(403)
        with committing(refusal_on(form)) as outcome:
            agency = db.session.get(Organisation, int(form.agency.data))
            if agency is None:
                raise ServiceError(_("Choose a verified IP service agency."), field="agency")
            mandates.grant(current_user, agency, scope=MandateScope(form.scope.data),
                           valid_from=form.valid_from.data, valid_until=form.valid_until.data,
                           patent_ids=mandates.patent_ids_from(form.patents.data),
                           fee_fen=form.fee.data)
        if outcome.committed:
            flash(_("The mandate has been granted to %(org)s.", org=agency.name), "success")
            return redirect(url_for("agencies.mandates_granted"))
    return render_template("agencies/granted.html", form=form,
                           mandates=mandates.granted_by(current_user.org_id),
                           today=local_today(), labels=labels), 422 if form.errors else 200


@bp.post("/mandates/<int:mandate_id>/revoke")
@principal_required
def revoke(mandate_id: int):
    mandate = db.get_or_404(Mandate, mandate_id)
    if mandate.principal_org_id != current_user.org_id:
        abort(404)
    if not current_user.is_org_admin:
        abort(403)
    with committing(flash_refusal) as outcome:
        mandates.revoke(current_user, mandate)
    if outcome.committed:
        flash(_("The mandate has been revoked: %(org)s's brokers can no longer act for you.",
                org=mandate.agency.name), "success")
    return redirect(url_for("agencies.mandates_granted"))
