"""The centre's verification queue: new organisations, and changes of a verified name or
credit code."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms_util import refusal_on
from ..models import Organisation
from ..permissions import centre_required
from ..services import orgs as org_service
from ..stored_files import stored_file_response
from ..unit_of_work import commit, committing, flash_refusal
from .blueprint import bp
from .forms import ApproveForm, RejectForm


@bp.route("/verification")
@centre_required
def verification_queue():
    pending = org_service.pending_organisations()
    return render_template("centre/verification.html", pending=pending,
                           scans={o.id: org_service.licence_scan(o.id) for o in pending},
                           changes=org_service.pending_changes(),
                           approve_form=ApproveForm(), reject_form=RejectForm())


@bp.route("/verification/<int:org_id>/licence")
@centre_required
def licence_scan(org_id: int):
    """The business licence the organisation uploaded at registration (centre only)."""
    scan = org_service.licence_scan(org_id)
    if scan is None:
        abort(404)
    return stored_file_response(scan)


@bp.route("/verification/<int:org_id>/approve", methods=["POST"])
@centre_required
def approve(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    if ApproveForm().validate_on_submit():
        org_service.verify(current_user, org)
        commit()
        flash(_("%(org)s is verified.", org=org.name), "success")
    return redirect(url_for("centre.verification_queue"))


@bp.route("/verification/<int:org_id>/reject", methods=["GET", "POST"])
@centre_required
def reject(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = RejectForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            org_service.reject(current_user, org, form.reason.data)
        if outcome.committed:
            flash(_("%(org)s was refused; the organisation has been told why.", org=org.name),
                  "success")
            return redirect(url_for("centre.verification_queue"))
    return render_template("centre/reject.html", org=org, form=form), \
        200 if not form.errors else 422


@bp.route("/verification/<int:org_id>/change/approve", methods=["POST"])
@centre_required
def approve_change(org_id: int):
    """A verified organisation's new name or credit code, checked: it takes effect."""
    org = db.get_or_404(Organisation, org_id)
    if ApproveForm().validate_on_submit():
        with committing(flash_refusal) as outcome:
            org_service.approve_change(current_user, org)
        if outcome.committed:
            flash(_("%(org)s: the change is verified.", org=org.name), "success")
    return redirect(url_for("centre.verification_queue"))


@bp.route("/verification/<int:org_id>/change/refuse", methods=["POST"])
@centre_required
def refuse_change(org_id: int):
    """The requested change is dropped; the verified name and credit code stay."""
    org = db.get_or_404(Organisation, org_id)
    form = RejectForm()
    if form.validate_on_submit():
        org_service.refuse_change(current_user, org, form.reason.data)
        commit()
        flash(_("%(org)s: the change was refused; the organisation has been told why.",
                org=org.name), "success")
    else:
        flash(_("Give a reason the organisation can act on."), "error")
    return redirect(url_for("centre.verification_queue"))
