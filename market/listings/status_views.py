"""The owner's side of a listing's legal status: the annual fee's paid-through date, proof
of status for the centre to check, and the proof's file (to the owner and the centre)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.annual_fees import REMIND_DAYS
from ..extensions import db
from ..forms_util import refusal_on
from ..models import OrgKind, Patent
from ..permissions import login_required, member_org_id, role_required
from ..services import annual_fees, legal_status
from ..services.errors import NotFound
from ..services.uploads import scan_max_bytes
from ..stored_files import stored_file_response
from ..unit_of_work import committing
from .status_forms import PaidThroughForm, ProofForm

bp = Blueprint("legal_status", __name__, url_prefix="/patents")
owner_required = role_required(OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def _own_patent_or_404(patent_id: int) -> Patent:
    patent = db.get_or_404(Patent, patent_id)
    if member_org_id(current_user) != patent.owner_org_id:
        abort(404)
    return patent


def _page(patent: Patent, fee_form=None, proof_form=None, status=200):
    check = patent.status_check
    if fee_form is None:
        fee_form = PaidThroughForm(formdata=None, paid_through=getattr(
            check, "annual_fee_paid_through", None))
    return render_template("listings/legal_status.html", patent=patent, fee_form=fee_form,
                           proof_form=proof_form or ProofForm(formdata=None),
                           line=legal_status.status_line(patent),
                           fee=annual_fees.standing_of(patent),
                           surcharge_note=annual_fees.surcharge_note,
                           remind_days=REMIND_DAYS), status


@bp.route("/<int:patent_id>/legal-status")
@owner_required
def manage(patent_id: int):
    return _page(_own_patent_or_404(patent_id))


@bp.post("/<int:patent_id>/annual-fee")
@owner_required
def annual_fee(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = PaidThroughForm()
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            annual_fees.set_paid_through(current_user, patent, form.paid_through.data)
        if outcome.committed:
            flash(_("The annual fee's paid-through date is saved."), "success")
            return redirect(url_for("legal_status.manage", patent_id=patent.id))
    return _page(patent, fee_form=form, status=422)


@bp.post("/<int:patent_id>/legal-status/proof")
@owner_required
def upload_proof(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = ProofForm()
    if form.validate_on_submit():
        upload = form.file.data
        with committing(refusal_on(form)) as outcome:
            legal_status.upload_proof(current_user, patent, upload.filename,
                                      upload.read(scan_max_bytes() + 1),
                                      form.note.data or "")
        if outcome.committed:
            flash(_("Thank you. The centre will check the document."), "success")
            return redirect(url_for("legal_status.manage", patent_id=patent.id))
    return _page(patent, proof_form=form, status=422)


@bp.route("/legal-status/proofs/<int:proof_id>")
@login_required
def proof_file(proof_id: int):
    """The proof's file, to the owner's members and the centre (404 to anyone else)."""
    try:
        proof = legal_status.proof_for(proof_id, current_user)
    except NotFound:
        abort(404)
    return stored_file_response(proof)
