"""The centre's legal-status page: import CNIPA's status records, check owners' proofs."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms_util import show_service_error
from ..models import LegalStatusProof
from ..permissions import centre_required
from ..services import legal_status
from ..services.import_files import ImportFileError
from ..unit_of_work import committing, flash_refusal
from .blueprint import bp
from .forms import LegalStatusImportForm, ProofDecisionForm


def _page(form=None, outcome=None, status=200):
    return render_template("centre/legal_status.html",
                           form=form or LegalStatusImportForm(formdata=None), outcome=outcome,
                           proofs=legal_status.pending_proofs(),
                           decision_form=ProofDecisionForm(formdata=None),
                           column_label=legal_status.column_label), status


@bp.route("/legal-status")
@centre_required
def legal_status_page():
    return _page()


@bp.post("/legal-status/import")
@centre_required
def legal_status_import():
    form = LegalStatusImportForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    upload = form.file.data
    with committing(lambda exc: show_service_error(form, exc),
                    refusals=(ImportFileError,)) as done:
        outcome = legal_status.import_records(current_user, upload.filename or "",
                                              upload.read())
    if not done.committed:
        return _page(form, status=422)
    return _page(outcome=outcome, status=200 if not outcome.bad_rows else 422)


@bp.post("/legal-status/proofs/<int:proof_id>/<any(accept, reject):decision>")
@centre_required
def legal_status_decide(proof_id: int, decision: str):
    proof = db.get_or_404(LegalStatusProof, proof_id)
    form = ProofDecisionForm()
    if form.validate_on_submit():
        with committing(flash_refusal) as outcome:
            legal_status.decide_proof(proof, current_user, accept=decision == "accept",
                                      reason=form.reason.data or "")
        if outcome.committed:
            flash(_("The owner has been told.") if decision == "reject"
                  else _("The listing's legal status is verified."), "success")
    return redirect(url_for("centre.legal_status_page"))
