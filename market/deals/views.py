"""Deal pages. Views are thin: parse the form, check access, call one service, commit."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..domain.deadlines import STALE_DAYS
from ..domain.engagement import MIN_COMPARABLE_DEALS
from ..domain.terms import term_warnings
from ..extensions import db
from ..forms_util import refusal_on, show_service_error, show_service_errors
from ..gateways import get_gateway
from ..models import BUYER_KINDS, Deal, DealState, Offer, OfferKind, Organisation, OrgKind
from ..params import int_arg, page_arg
from ..permissions import login_required, member_org_id, role_required
from ..services import (
    contracts,
    deal_queries,
    deals,
    demands,
    exhibitions,
    mandates,
    notifications,
    payees,
    payment_queries,
    price_guidance,
    recording,
    signing,
)
from ..services.deal_rules import OPEN_LICENCE_TAKERS
from ..services.errors import FieldErrors, NotFound, ServiceError
from ..services.payments import cancel_with_refunds
from ..unit_of_work import commit, committing
from .forms import (
    ActionForm,
    BrokerTermsForm,
    DeclineForm,
    MessageForm,
    RecordForm,
    SignForm,
    TakeOpenForm,
    TermsForm,
)

bp = Blueprint("deals", __name__, url_prefix="/deals")
# templates/deals/_contract_text.html draws a contract's data with the PDF's words
bp.add_app_template_global(contracts.contract_view, "contract_view")
# licences and assignments on negotiated terms: SMEs and larger enterprises (deal_rules.require_taker)
buyer_required = role_required(*BUYER_KINDS)
# anyone may take an open licence (Patent Law art. 51): any verified organisation but the centre
taker_required = role_required(*OPEN_LICENCE_TAKERS)
party_required = role_required(*BUYER_KINDS, OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.CENTRE)
# negotiation is open to a broker of an IP service agency too (for its principal, under a
# live mandate: services/mandates.py); signing, paying and recording are not
negotiator_required = role_required(*BUYER_KINDS, OrgKind.UNIVERSITY, OrgKind.INSTITUTE,
                                    OrgKind.CENTRE, OrgKind.AGENCY)


@bp.app_context_processor
def _inbox_helpers():
    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user)
    return {"inbox_unread": inbox_unread}


def _deal_or_404(deal_id: int) -> Deal:
    """The deal if the current user is a party or the centre; 404 for everyone else."""
    deal = db.get_or_404(Deal, deal_id)
    if deals.role_of(deal, current_user) is None:
        abort(404)
    return deal


def _negotiated_deal_or_404(deal_id: int) -> Deal:
    """The deal if the current user is a party, the centre, or the broker acting for a party
    under a live mandate; 404 for everyone else (a revoked mandate included)."""
    deal = db.get_or_404(Deal, deal_id)
    if deals.viewer_role(deal, current_user) is None:
        abort(404)
    return deal


def _offer_or_404(offer_id: int, kinds) -> Offer:
    offer = db.get_or_404(Offer, offer_id)
    if offer.kind not in kinds or not offer.active or not offer.patent.is_public:
        abort(404)
    return offer


def _refused(exc: ServiceError, deal_id: int):
    """A refused action (already rolled back): 404 when the thing is not there, else said."""
    if isinstance(exc, NotFound):
        abort(404)
    flash(str(exc.message), "error")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.route("/")
@login_required
def mine():
    state = request.args.get("state", "")
    page = deal_queries.of_org(member_org_id(current_user), state, page_arg())
    return render_template("deals/mine.html", page=page, state=state, states=list(DealState),
                           labels=labels)


@bp.route("/<int:deal_id>")
@login_required
def detail(deal_id: int):
    deal = _negotiated_deal_or_404(deal_id)
    decline_form, counter_form = DeclineForm(), TermsForm()
    counter_form.fill(deal, deal.licence_kind)
    role = deals.role_of(deal, current_user)  # None for a broker: it never signs
    signing_view = signing.overview(deal, current_user, role)
    schedule = payment_queries.contract_schedule(deal, current_user)
    return render_template(
        "deals/detail.html", deal=deal, role=role, schedule=schedule,
        fee_receiver=any(payees.is_fee_agency(row, current_user) for row in schedule),
        payee_of=payees.payee_of,
        broker_for=None if role else deals.broker_role(deal, current_user),
        actions=deals.allowed_actions(deal, current_user), summaries=contracts.summaries(deal),
        signing_view=signing_view, **_contract_of(deal, signing_view),
        checklist=recording.checklist(deal), labels=labels, action_form=ActionForm(),
        decline_form=decline_form, message_form=MessageForm(), record_form=RecordForm(),
        counter_form=counter_form, sign_form=_sign_form(signing_view))


def _contract_of(deal: Deal, signing_view) -> dict:
    """The frozen contract's data and its signatures, as _contract_text.html takes them (a
    deal concluded before contracts were signed here: its data now, unsigned)."""
    version = signing_view.version
    if version is None:
        return {"contract": contracts.contract_data(deal) if deal.contract_number else None,
                "contract_signatures": []}
    return {"contract": version.data, "contract_signatures": signing.signature_rows(version)}


def _sign_form(signing_view, form: SignForm | None = None) -> SignForm | None:
    if not signing_view.can_sign:
        return None
    form = form or SignForm(formdata=None)
    form.sha256.data = form.sha256.data or signing_view.version.data_sha256
    return form


def _review_page(deal: Deal, form: SignForm | None = None, status: int = 200):
    role = deals.role_of(deal, current_user)
    signing_view = signing.overview(deal, current_user, role)
    if signing_view.version is None:
        abort(404)
    return render_template("deals/review.html", deal=deal, role=role,
                           signing_view=signing_view, **_contract_of(deal, signing_view),
                           sign_form=_sign_form(signing_view, form), labels=labels), status


@bp.route("/<int:deal_id>/review")
@login_required
def review(deal_id: int):
    """The frozen contract in full, its hash and signatures, and the sign form."""
    return _review_page(_negotiated_deal_or_404(deal_id))


@bp.post("/<int:deal_id>/sign")
@party_required
def sign(deal_id: int):
    """Sign the version shown: the password and full name first (a wrong answer is counted
    and committed, as a log-in's), then the signature, committed with the reset count."""
    deal = _deal_or_404(deal_id)
    refusal = signing.why_not_sign(deal, current_user, deals.role_of(deal, current_user))
    if refusal is not None:  # asked before the password: nothing to re-authenticate for
        flash(str(refusal), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id))
    form = SignForm()
    if form.validate_on_submit():
        proof, errors = signing.reauthenticate(current_user, form.password.data,
                                               form.full_name.data)
        if errors:
            commit()  # a wrong try stays counted (and audited) in the account's throttle
        for error in errors:
            show_service_error(form, error)
        if proof is not None:
            with committing(refusal_on(form)) as outcome:
                deals.sign(deal, current_user, proof, sha256=form.sha256.data,
                           ip=request.remote_addr or "",
                           user_agent=request.user_agent.string or "")
            if outcome.committed:
                flash(_("You signed the contract. It is concluded.")
                      if deal.state == DealState.CONCLUDED else
                      _("You signed the contract. It is concluded when the other side has "
                        "signed too."), "success")
                return redirect(url_for("deals.detail", deal_id=deal_id))
    return _review_page(db.get_or_404(Deal, deal_id), form, 422)


@bp.route("/<int:deal_id>/contract-draft.pdf")
@login_required
def contract_draft(deal_id: int):
    """The contract awaiting signatures as a PDF to read (not stored: not the contract)."""
    deal = _negotiated_deal_or_404(deal_id)
    if deal.state != DealState.ACCEPTED or signing.current_version(deal) is None:
        abort(404)
    return Response(signing.draft_pdf(deal), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="draft-{deal.id}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/take/<int:offer_id>", methods=["GET", "POST"])
@taker_required
def take_open(offer_id: int):
    offer = _offer_or_404(offer_id, (OfferKind.OPEN_LICENCE,))
    if offer.patent.owner_org_id == current_user.org_id:
        abort(403)  # a patentee does not license itself
    form = TakeOpenForm()
    if request.method == "GET":
        org = current_user.org
        form.legal_name.data, form.credit_code.data = org.name, org.credit_code
        form.address.data = org.address
    # started from an online exhibition: the query argument stays on the form's URL
    exhibition = exhibitions.featuring(int_arg("exhibition"), offer.patent_id)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            deal = deals.take_open(current_user, offer, form.details())
            exhibitions.record_lead(exhibition, deal=deal)
        if outcome.committed:
            flash(_("Your written notice has been sent to the patentee. Review the licence "
                    "contract and sign it: your signature concludes the licence."), "success")
            return redirect(url_for("deals.detail", deal_id=deal.id))
    return render_template("deals/take_open.html", form=form, offer=offer, patent=offer.patent,
                           summaries=contracts.summaries(_OfferTerms(offer))), \
        422 if form.errors else 200


class _OfferTerms:
    """An offer seen as the deal it would make (for the summaries)."""

    def __init__(self, offer: Offer):
        self._offer = offer
        self.kind, self.price_fen = offer.kind, offer.asking_price_fen

    def terms(self):
        return self._offer.terms()


@bp.route("/request/<int:offer_id>", methods=["GET", "POST"], endpoint="request")
@buyer_required
def request_licence(offer_id: int):
    offer = _offer_or_404(offer_id, (OfferKind.LICENCE, OfferKind.ASSIGNMENT))
    form = TermsForm()
    # started from an online exhibition: the query argument stays on the form's URL
    exhibition = exhibitions.featuring(int_arg("exhibition"), offer.patent_id)
    if request.method == "GET":
        form.fill(offer, offer.licence_kind)
        _prefill_from_demand(form, offer)
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            deal = deals.request_deal(current_user, offer, form.proposal(), form.message.data)
            exhibitions.record_lead(exhibition, deal=deal)
        if outcome.committed:
            flash(_("Your request has been sent. The patentee has %(days)d days to answer.",
                    days=STALE_DAYS), "success")
            _flash_term_warnings(deal)
            return redirect(url_for("deals.detail", deal_id=deal.id))
    return render_template("deals/request.html", form=form, offer=offer, patent=offer.patent,
                           guidance=price_guidance.for_offers(offer.patent, [offer]).get(offer.id),
                           min_deals=MIN_COMPARABLE_DEALS), \
        422 if form.errors else 200


def _prefill_from_demand(form, offer: Offer) -> None:
    """Coming from an answer to the SME's demand (``?demand=ID``): the licence kind it
    wanted and a first message naming the demand."""
    demand_id = request.args.get("demand", type=int)
    prefill = demands.request_prefill(current_user, offer.patent, demand_id)
    if prefill.get("licence_kind") and offer.kind == OfferKind.LICENCE:
        form.licence_kind.data = prefill["licence_kind"]
    if prefill.get("message"):
        form.message.data = prefill["message"]
@bp.route("/request/<int:offer_id>/for", methods=["GET", "POST"])
@role_required(OrgKind.AGENCY)
def request_for(offer_id: int):
    """A broker opens a request for a buyer principal under a live drafting mandate."""
    offer = _offer_or_404(offer_id, (OfferKind.LICENCE, OfferKind.ASSIGNMENT))
    form = BrokerTermsForm()
    form.fill_principals(mandates.principals_of(current_user.org_id, draft=True))
    if request.method == "GET":
        form.fill(offer, offer.licence_kind)
    if form.validate_on_submit():
        principal = db.get_or_404(Organisation, form.principal.data)
        with committing(refusal_on(form, listed=True)) as outcome:
            deal = deals.request_deal(current_user, offer, form.proposal(), form.message.data,
                                      for_org=principal)
        if outcome.committed:
            flash(_("The request has been sent for %(org)s. The patentee has %(days)d days to "
                    "answer; %(org)s signs the contract.", org=principal.name,
                    days=STALE_DAYS), "success")
            _flash_term_warnings(deal)
            return redirect(url_for("deals.detail", deal_id=deal.id))
    return render_template("deals/request.html", form=form, offer=offer, patent=offer.patent,
                           principals=form.principal.choices), 422 if form.errors else 200


@bp.route("/<int:deal_id>/counter", methods=["GET", "POST"])
@negotiator_required
def counter(deal_id: int):
    deal = _negotiated_deal_or_404(deal_id)
    if "counter" not in deals.allowed_actions(deal, current_user):
        flash(_("A counter-offer is not possible now."), "error")
        return redirect(url_for("deals.detail", deal_id=deal.id))
    form = TermsForm()
    if request.method == "GET":
        form.fill(deal, deal.licence_kind)
    if form.validate_on_submit():
        with committing() as outcome:
            deals.counter(deal, current_user, form.proposal(), form.message.data)
        if isinstance(outcome.refusal, FieldErrors):
            show_service_errors(form, outcome.refusal)
        elif outcome.refusal is not None:
            return _refused(outcome.refusal, deal_id)
        else:
            flash(_("Your counter-offer has been sent."), "success")
            _flash_term_warnings(deal)
            return redirect(url_for("deals.detail", deal_id=deal.id))
    return render_template("deals/counter.html", form=form, deal=deal, patent=deal.patent), \
        422 if form.errors else 200


def _flash_term_warnings(deal) -> None:
    """Proposed terms above market norms: a notice to check them, never a refusal."""
    if deal.kind == OfferKind.LICENCE:
        for warning in term_warnings(deal.terms(), kind=deal.licence_kind.value):
            flash(str(warning.message), "warning")


def _act(deal_id: int, service, success: str, *args):
    deal = _negotiated_deal_or_404(deal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with committing() as outcome:
        service(deal, current_user, *args)
    if outcome.refusal is not None:
        return _refused(outcome.refusal, deal_id)
    flash(success, "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.post("/<int:deal_id>/accept")
@negotiator_required
def accept(deal_id: int):
    if deals.broker_role(_negotiated_deal_or_404(deal_id), current_user):
        return _act(deal_id, deals.accept, _("You accepted the terms for your principal. It "
                                             "has been asked to review the contract and sign "
                                             "it."))
    return _act(deal_id, deals.accept, _("You accepted the terms. Review the contract and "
                                         "sign it: the deal is concluded when both sides "
                                         "have signed."))


@bp.post("/<int:deal_id>/withdraw")
@negotiator_required
def withdraw(deal_id: int):
    return _act(deal_id, deals.withdraw, _("Withdrawn."))


@bp.post("/<int:deal_id>/decline")
@negotiator_required
def decline(deal_id: int):
    form = DeclineForm()
    _negotiated_deal_or_404(deal_id)
    if not form.validate_on_submit():
        flash(_("Say why you decline."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id))
    return _act(deal_id, deals.decline, _("Declined."), form.reason.data)


@bp.post("/<int:deal_id>/cancel")
@party_required
def cancel(deal_id: int):
    """Cancel; paid rows are refunded when the licence has not started (payments service)."""
    def cancel_and_refund(deal, user, reason):
        return cancel_with_refunds(deal, user, get_gateway(), reason)
    return _act(deal_id, cancel_and_refund, _("The deal has been cancelled."),
                request.form.get("reason", ""))


@bp.post("/<int:deal_id>/messages")
@negotiator_required
def message(deal_id: int):
    form = MessageForm()
    _negotiated_deal_or_404(deal_id)
    if not form.validate_on_submit():
        flash(_("Write a message."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id))
    return _act(deal_id, deals.post_message, _("Message sent."), form.body.data)


@bp.post("/<int:deal_id>/recorded")
@party_required
def record(deal_id: int):
    form = RecordForm()
    _deal_or_404(deal_id)
    if not form.validate_on_submit():
        flash(_("Enter the CNIPA record number."), "error")
        return redirect(url_for("deals.detail", deal_id=deal_id))
    return _act(deal_id, deals.mark_recorded, _("The recording has been noted."),
                form.record_number.data)


@bp.route("/<int:deal_id>/contract.pdf")
@login_required
def contract_pdf(deal_id: int):
    """The concluded contract: the PDF stored at its first download, the same bytes ever
    after (its SHA-256 in a header, to compare with the one kept). The broker who negotiated
    it reads it too."""
    deal = _negotiated_deal_or_404(deal_id)
    if deal.contract_number is None:
        abort(404)
    with committing() as outcome:
        document = signing.contract_document(deal)
    if not outcome.committed:
        abort(404)
    return Response(document.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{deal.contract_number}.pdf"',
        "Cache-Control": "private, no-store", "X-Content-SHA256": document.pdf_sha256})


@bp.route("/inbox")
@login_required
def inbox():
    return render_template("deals/inbox.html", items=notifications.inbox(current_user),
                           shown=notifications.shown, action_form=ActionForm())


@bp.post("/inbox/read")
@login_required
def inbox_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(current_user)
    commit()
    return redirect(url_for("deals.inbox"))
