"""What the parties record on a deal page besides the negotiation: the pledgee's consent to
assign or license a pledged patent exclusively, and the technology contract registration
(技术合同认定登记) of the concluded contract. Views stay thin: one service, one commit."""
from dataclasses import dataclass

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from ..forms_util import strip
from ..models import Deal, DealState, OfferKind, PledgeDeal, PledgeeConsent
from ..permissions import login_required
from ..services import deals, pledges, tech_contracts
from ..services.deal_rules import EXCLUSIVE_KINDS
from ..services.errors import NotFound
from ..stored_files import stored_file_response
from ..unit_of_work import committing
from .views import _deal_or_404, _refused, bp, party_required

# consent still changes something while the terms are open or wait for signatures
CONSENT_STATES = (DealState.REQUESTED, DealState.COUNTERED, DealState.ACCEPTED)


class PledgeConsentForm(FlaskForm):
    consent = FileField(_l("The pledgee's written consent (scan or PDF)"),
                        validators=[FileRequired()],
                        description=_l("Signed and sealed by the pledgee: a JPEG or PNG image "
                                       "or a PDF."))


class TechRegistrationForm(FlaskForm):
    number = StringField(_l("Technology contract registration number"), filters=[strip],
                         validators=[DataRequired(), Length(max=60)],
                         description=_l("As on the registration certificate."))
    registered_on = DateField(_l("Date of registration"), validators=[DataRequired()])


@dataclass
class PledgeLine:
    pledge: PledgeDeal
    consent: PledgeeConsent | None


@dataclass
class PledgePanel:
    lines: list[PledgeLine]
    needs_consent: bool   # the deal assigns or licenses exclusively
    can_upload: bool

    @property
    def missing(self) -> bool:
        return self.needs_consent and any(line.consent is None for line in self.lines)


@bp.app_template_global()
def pledge_panel(deal: Deal) -> PledgePanel | None:
    """The registered pledges on the deal's patent and their consents (None: no pledge)."""
    registered = pledges.registered_on(deal.patent_id)
    if not registered:
        return None
    consents = pledges.consents_for(deal.patent_id)
    role = deals.role_of(deal, current_user)
    needs = deal.kind == OfferKind.ASSIGNMENT or deal.licence_kind in EXCLUSIVE_KINDS
    can_upload = needs and deal.state in CONSENT_STATES and current_user.can_act and (
        role == deals.LICENSOR or current_user.is_centre)
    return PledgePanel([PledgeLine(p, consents.get(p.id)) for p in registered], needs,
                       can_upload)


@bp.app_template_global()
def pledge_consent_form(pledge_id: int) -> PledgeConsentForm:
    """One form per pledge on the page: its field's id names the pledge (the label's too)."""
    form = PledgeConsentForm(formdata=None)
    form.consent.id = form.consent.label.field_id = f"consent-{pledge_id}"
    return form


@bp.app_template_global()
def tech_registration_panel(deal: Deal) -> dict | None:
    """The deal's technology contract registration, the relief it unlocks, and the form
    (None before conclusion)."""
    if deal.state not in tech_contracts.REGISTRABLE_STATES:
        return None
    may = tech_contracts.may_record(deal, current_user)
    return {"registration": tech_contracts.of(deal), "note": tech_contracts.relief_note(deal),
            "form": TechRegistrationForm(formdata=None) if may else None}


@bp.post("/<int:deal_id>/pledge-consent/<int:pledge_id>")
@party_required
def pledge_consent(deal_id: int, pledge_id: int):
    deal = _deal_or_404(deal_id)
    form = PledgeConsentForm()
    if not form.validate_on_submit():
        flash(_("Choose the pledgee's written consent (a JPEG or PNG image or a PDF)."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="pledges"))
    upload = form.consent.data
    with committing() as outcome:
        pledges.record_consent(deal, current_user, pledge_id=pledge_id,
                               filename=upload.filename, data=upload.read())
    if outcome.refusal is not None:
        return _refused(outcome.refusal, deal_id)
    flash(_("The pledgee's consent is recorded."), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="pledges"))


@bp.route("/<int:deal_id>/pledge-consent/file/<int:consent_id>")
@login_required
def pledge_consent_file(deal_id: int, consent_id: int):
    """The consent document, to the deal's parties and the centre only (404 to others)."""
    deal = _deal_or_404(deal_id)
    try:
        item = pledges.consent_file(deal, consent_id, current_user)
    except NotFound:
        abort(404)
    return stored_file_response(item)


@bp.post("/<int:deal_id>/tech-registration")
@party_required
def tech_registration(deal_id: int):
    deal = _deal_or_404(deal_id)
    form = TechRegistrationForm()
    if not form.validate_on_submit():
        flash(_("Enter the registration number and its date."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="tech-registration"))
    with committing() as outcome:
        tech_contracts.record(deal, current_user, number=form.number.data,
                              registered_on=form.registered_on.data)
    if outcome.refusal is not None:
        return _refused(outcome.refusal, deal_id)
    flash(_("The technology contract registration is recorded."), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id, _anchor="tech-registration"))
