"""Payment pages: what is due and paid, Stripe checkout and its return page, the licensor's
confirmation of a bank transfer, receipts, and the Stripe webhook."""
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..extensions import csrf, db
from ..forms_util import refusal_on
from ..gateways import InvalidWebhook, MalformedEvent, get_gateway
from ..models import Deal, PaymentScheduleItem, ScheduleStatus
from ..permissions import login_required, public
from ..services import deals, payments, stripe_webhooks
from ..services.errors import NotFound, PermissionDenied, ServiceError
from ..unit_of_work import commit, committing, flash_refusal
from ..urls import external_url_for
from .forms import ActionForm, CancelForm, ConfirmReceiptForm

bp = Blueprint("payments", __name__, url_prefix="/payments")
log = logging.getLogger("market.payments")


@bp.context_processor
def _labels():
    return {"row_kind": labels.schedule_label, "row_state": labels.schedule_status_label,
            "payment_state": labels.payment_status_label, "provider_label": labels.provider_label,
            "deal_state": labels.state_label}


def _deal_or_404(deal_id: int) -> Deal:
    deal = db.get_or_404(Deal, deal_id)
    if deals.role_of(deal, current_user) is None:
        abort(404)
    return deal


def _row_or_404(item_id: int) -> PaymentScheduleItem:
    row = db.get_or_404(PaymentScheduleItem, item_id)
    _deal_or_404(row.deal_id)
    return row


def _refused_on(show):
    """A payment action's ``on_refusal``: 404 or 403 when the row is not the user's to act
    on, else ``show(error)``."""
    def on_refusal(exc: ServiceError) -> None:
        if isinstance(exc, NotFound):
            abort(404)
        if isinstance(exc, PermissionDenied):
            abort(403)
        show(exc)
    return on_refusal


@bp.route("/")
@login_required
def mine():
    return render_template("payments/mine.html", rows=payments.rows_for(current_user),
                           gateway=get_gateway())


@bp.route("/deals/<int:deal_id>")
@login_required
def deal(deal_id: int):
    deal = _deal_or_404(deal_id)
    role = deals.role_of(deal, current_user)
    return render_template("payments/deal.html", deal=deal, role=role,
                           rows=payments.rows_of_deal(deal, current_user), gateway=get_gateway(),
                           payable=payments.accepts_payments(deal),
                           action_form=ActionForm(), cancel_form=CancelForm(),
                           can_cancel="cancel" in deals.allowed_actions(deal, current_user),
                           started=payments.licence_started(deal))


@bp.post("/items/<int:item_id>/checkout")
@login_required
def checkout(item_id: int):
    row = _row_or_404(item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with committing(_refused_on(flash_refusal)) as outcome:
        payments.start_checkout(
            row, current_user, get_gateway(),
            success_url=external_url_for("payments.checkout_return", item_id=row.id),
            cancel_url=external_url_for("payments.deal", deal_id=row.deal_id))
    if not outcome.committed:
        return redirect(url_for("payments.deal", deal_id=row.deal_id))
    # Our own page sends the browser on: a form's redirect to another origin would be
    # blocked by the Content-Security-Policy (form-action 'self').
    return redirect(url_for("payments.to_checkout", item_id=row.id), code=303)


@bp.route("/items/<int:item_id>/checkout")
@login_required
def to_checkout(item_id: int):
    """A page that forwards the licensee to the open Stripe checkout of the row."""
    row = _row_or_404(item_id)
    if deals.role_of(row.deal, current_user) != deals.LICENSEE:
        abort(403)
    url = payments.open_checkout_url(row)
    if url is None:
        return redirect(url_for("payments.deal", deal_id=row.deal_id))
    return render_template("payments/redirect.html", url=url, row=row)


@bp.route("/items/<int:item_id>/return")
@login_required
def checkout_return(item_id: int):
    """Where Stripe sends the payer back. It proves nothing: the page waits (and reloads
    itself) until the webhook has booked the payment."""
    row = _row_or_404(item_id)
    return render_template("payments/return.html", row=row, deal=row.deal,
                           waiting=row.status == ScheduleStatus.DUE)


@bp.route("/items/<int:item_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm_receipt(item_id: int):
    row = _row_or_404(item_id)
    if deals.role_of(row.deal, current_user) != deals.LICENSOR or not current_user.can_act:
        abort(403)
    form = ConfirmReceiptForm()
    if request.method == "GET":
        form.amount.data = row.amount_fen
    if form.validate_on_submit():
        with committing(_refused_on(refusal_on(form))) as outcome:
            payments.confirm_receipt(row, current_user, amount_fen=form.amount.data,
                                     received_on=form.received_on.data,
                                     bank_reference=form.bank_reference.data)
        if outcome.committed:
            flash(_("The payment has been recorded."), "success")
            return redirect(url_for("payments.deal", deal_id=row.deal_id))
    return (render_template("payments/confirm.html", form=form, row=row, deal=row.deal),
            200 if not form.errors else 422)


@bp.route("/items/<int:item_id>/receipt")
@login_required
def receipt(item_id: int):
    row = _row_or_404(item_id)
    view = next(v for v in payments.rows_of_deal(row.deal, current_user) if v.row.id == row.id)
    if view.payment is None:
        abort(404)
    return render_template("payments/receipt.html", view=view, row=row, deal=row.deal)


@bp.route("/items/<int:item_id>/receipt.pdf")
@login_required
def receipt_pdf(item_id: int):
    row = _row_or_404(item_id)
    view = next(v for v in payments.rows_of_deal(row.deal, current_user) if v.row.id == row.id)
    if view.payment is None:
        abort(404)
    from ..services import receipts  # reportlab: loaded by the first PDF, not every worker
    return Response(receipts.receipt_pdf(view.payment, row, row.deal), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{view.payment.receipt_number}.pdf"',
                             "Cache-Control": "private, no-store"})


@bp.post("/deals/<int:deal_id>/cancel")
@login_required
def cancel(deal_id: int):
    deal = _deal_or_404(deal_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    with committing(_refused_on(flash_refusal)) as outcome:
        refunded = payments.cancel_with_refunds(deal, current_user, get_gateway(),
                                                form.reason.data or "")
    if outcome.committed:
        flash(_("The deal has been cancelled; %(n)d payment(s) refunded.", n=len(refunded))
              if refunded else _("The deal has been cancelled."), "success")
    return redirect(url_for("payments.deal", deal_id=deal.id))


@bp.post("/stripe/webhook")
@csrf.exempt
@public
def stripe_webhook():
    """Stripe's deliveries: verified on the raw body, each event id applied once."""
    gateway = get_gateway()
    if gateway.name != "stripe":
        abort(404)
    try:
        event = gateway.verify_webhook(request.get_data(cache=False),
                                       request.headers.get("Stripe-Signature"))
    except InvalidWebhook as exc:
        log.warning("stripe webhook refused: %s", exc)
        return {"error": "invalid signature"}, 400
    except MalformedEvent as exc:
        return _malformed(None, exc)
    try:
        event_id = stripe_webhooks.check_envelope(event)
    except MalformedEvent as exc:
        return _malformed(event, exc)
    previous = stripe_webhooks.stored_result(event_id)
    if previous == "malformed":
        return {"error": "malformed event"}, 400  # the same answer as the first time
    if previous is not None:
        return {"received": True, "result": "duplicate"}
    try:
        stored = stripe_webhooks.apply(event, gateway)
        result = stored.result
        commit()
    except stripe_webhooks.DuplicateEvent:
        db.session.rollback()
        return {"received": True, "result": "duplicate"}
    except MalformedEvent as exc:
        db.session.rollback()
        return _malformed(event, exc)
    except payments.PaymentRejected as exc:
        db.session.rollback()
        log.error("stripe event %s (%s) rejected: %s (%s)", event_id, event.get("type"),
                  exc.code, exc.message)
        try:
            stripe_webhooks.store(event, "rejected", exc.code or "rejected")
            commit()
        except stripe_webhooks.DuplicateEvent:
            db.session.rollback()
            return {"received": True, "result": "duplicate"}
        result = "rejected"
    current_app.logger.info("stripe event %s (%s): %s", event_id, event.get("type"), result)
    return {"received": True, "result": result}


def _malformed(event, exc: MalformedEvent):
    """A signed delivery that is not a well-formed event: 400 (a 500 would only make Stripe
    retry it for days). Recorded as ``malformed`` when it has a usable id, else logged."""
    try:
        event_id = stripe_webhooks.event_id_of(event)
    except MalformedEvent:
        event_id = None
    log.error("stripe event %s is malformed: %s", event_id or "without a usable id", exc)
    if event_id is not None:
        try:
            stripe_webhooks.store(event, "malformed", str(exc))
            commit()
        except stripe_webhooks.DuplicateEvent:
            db.session.rollback()
    return {"error": "malformed event", "detail": str(exc)}, 400
