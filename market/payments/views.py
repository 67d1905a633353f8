"""Payment pages: what is due and paid and to whom, Stripe checkout and its return page, the
payer's report of a bank transfer with its voucher, the receiver's confirmation or dispute,
the centre's pay-out (escrow), receipts, and the Stripe webhook."""
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
from ..models import Deal, Payment, PaymentScheduleItem, ScheduleStatus
from ..permissions import login_required, public
from ..services import (
    deals,
    payees,
    payment_queries,
    payment_reports,
    payments,
    stripe_webhooks,
)
from ..services.errors import NotFound, PermissionDenied, ServiceError
from ..services.uploads import scan_max_bytes
from ..stored_files import stored_file_response
from ..unit_of_work import commit, committing, flash_refusal
from ..urls import external_url_for
from .forms import (
    ActionForm,
    CancelForm,
    ConfirmReceiptForm,
    ConfirmReportForm,
    DisputeForm,
    PayoutForm,
    ReportTransferForm,
)

bp = Blueprint("payments", __name__, url_prefix="/payments")
log = logging.getLogger("market.payments")


@bp.context_processor
def _labels():
    return {"row_kind": labels.schedule_label, "row_state": labels.schedule_status_label,
            "payment_state": labels.payment_status_label, "provider_label": labels.provider_label,
            "deal_state": labels.state_label, "payee_of": payees.payee_of}


def _deal_or_404(deal_id: int) -> Deal:
    """The deal, to its parties, the centre and the agency a broker's fee of it is owed to."""
    deal = db.get_or_404(Deal, deal_id)
    if not payment_queries.deal_visible(deal, current_user):
        abort(404)
    return deal


def _row_or_404(item_id: int) -> PaymentScheduleItem:
    row = db.get_or_404(PaymentScheduleItem, item_id)
    if not payment_queries.visible(row, current_user):
        abort(404)
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
    return render_template("payments/mine.html", rows=payment_queries.rows_for(current_user),
                           gateway=get_gateway())


@bp.route("/deals/<int:deal_id>")
@login_required
def deal(deal_id: int):
    deal = _deal_or_404(deal_id)
    role = deals.role_of(deal, current_user)
    rows = payment_queries.rows_of_deal(deal, current_user)
    contract_rows = [v for v in rows if not v.row.is_broker_fee]
    fee_rows = [v for v in rows if v.row.is_broker_fee]
    return render_template("payments/deal.html", deal=deal, role=role, rows=rows,
                           gateway=get_gateway(), payable=payments.accepts_payments(deal),
                           payee=contract_rows[0].payee if contract_rows else None,
                           fee_payee=fee_rows[0].payee if fee_rows else None,
                           contract_rows=contract_rows, fee_rows=fee_rows,
                           confirms={v.row.id: _confirms(v.row) for v in rows},
                           payouts={v.row.id: payment_reports.payout_of(v.row) for v in rows},
                           held={v.row.id: payment_reports.held_by_centre(v.row) for v in rows},
                           action_form=ActionForm(), cancel_form=CancelForm(),
                           payout_form=PayoutForm(),
                           can_cancel="cancel" in deals.allowed_actions(deal, current_user),
                           started=payments.licence_started(deal))


def _confirms(row: PaymentScheduleItem, payment: Payment | None = None) -> bool:
    """Whether the current user confirms receipt of ``row``'s payments (bank details aside)."""
    try:
        payments.require_receiver(row, current_user, payees.payee_of(row, payment))
    except (NotFound, PermissionDenied):
        return False
    except ServiceError:
        return True  # the receiver, who still has to add its bank account
    return True


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
    """A page that forwards the payer to the open Stripe checkout of the row."""
    row = _row_or_404(item_id)
    if not payees.is_payer(row, current_user):
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
    """The receiver records a transfer it found on its statement (no report needed)."""
    row = _row_or_404(item_id)
    payee = payees.payee_of(row)
    try:
        payments.require_receiver(row, current_user, payee)
    except (NotFound, PermissionDenied):
        abort(403)
    except ServiceError as exc:  # the licensor has no bank account yet: say so, no form
        return render_template("payments/confirm.html", form=None, row=row, deal=row.deal,
                               payee=payee, blocked=exc.message, view=None)
    form = ConfirmReceiptForm()
    view = payment_queries.view_of(row, current_user)
    if request.method == "GET":
        form.amount.data = view.balance_fen
    if form.validate_on_submit():
        with committing(_refused_on(refusal_on(form))) as outcome:
            payments.confirm_receipt(row, current_user, amount_fen=form.amount.data,
                                     received_on=form.received_on.data,
                                     bank_reference=form.bank_reference.data)
        if outcome.committed:
            flash(_("The payment has been recorded."), "success")
            return redirect(url_for("payments.deal", deal_id=row.deal_id))
    return (render_template("payments/confirm.html", form=form, row=row, deal=row.deal,
                            payee=payee, blocked=None, view=view),
            200 if not form.errors else 422)


@bp.route("/items/<int:item_id>/report", methods=["GET", "POST"])
@login_required
def report_transfer(item_id: int):
    """The payer reports a bank transfer it made, with the bank's voucher."""
    row = _row_or_404(item_id)
    if not payees.is_payer(row, current_user) or not current_user.can_act:
        abort(403)
    form = ReportTransferForm()
    view = payment_queries.view_of(row, current_user)
    if request.method == "GET":
        form.amount.data = view.balance_fen or None
    if form.validate_on_submit():
        upload = form.voucher.data
        data = upload.read(scan_max_bytes() + 1)
        with committing(_refused_on(refusal_on(form))) as outcome:
            payment_reports.report_transfer(
                row, current_user, token=form.token.data, amount_fen=form.amount.data,
                paid_on=form.paid_on.data, bank_reference=form.bank_reference.data,
                voucher_name=upload.filename, voucher_data=data)
        if outcome.committed:
            flash(_("Thank you. The receiver has been asked to confirm the payment."),
                  "success")
            return redirect(url_for("payments.deal", deal_id=row.deal_id))
    return (render_template("payments/report.html", form=form, row=row, deal=row.deal,
                            view=view, payee=payees.payee_of(row)),
            200 if not form.errors else 422)


def _report_or_404(payment_id: int) -> Payment:
    payment = db.get_or_404(Payment, payment_id)
    _row_or_404(payment.schedule_item_id)
    if payment.reported_by_user_id is None:
        abort(404)  # not a payer's report (a card payment or the receiver's own record)
    return payment


def _report_page(payment: Payment, confirm_form=None, dispute_form=None, status=200):
    row = payment.schedule_item
    confirm_form = confirm_form or ConfirmReportForm(formdata=None,
                                                     amount=payment.reported_amount_fen)
    return render_template("payments/report_detail.html", payment=payment, row=row,
                           deal=row.deal, view=payment_queries.view_of(row, current_user),
                           payee=payees.payee_of(row, payment),
                           may_decide=_confirms(row, payment),
                           confirm_form=confirm_form,
                           dispute_form=dispute_form or DisputeForm(formdata=None)), status


@bp.route("/reports/<int:payment_id>")
@login_required
def report(payment_id: int):
    return _report_page(_report_or_404(payment_id))


@bp.post("/reports/<int:payment_id>/confirm")
@login_required
def confirm_report(payment_id: int):
    return _decide(payment_id, ConfirmReportForm, "confirm_form",
                   lambda payment, form: payment_reports.confirm_report(
                       payment, current_user, amount_fen=form.amount.data),
                   _("The payment has been recorded."))


@bp.post("/reports/<int:payment_id>/dispute")
@login_required
def dispute_report(payment_id: int):
    return _decide(payment_id, DisputeForm, "dispute_form",
                   lambda payment, form: payment_reports.dispute_report(
                       payment, current_user, reason=form.reason.data),
                   _("The payer has been told that the payment was not found."))


def _decide(payment_id: int, form_class, form_name: str, decide, done: str):
    """The receiver confirms or disputes a reported payment: ``decide(payment, form)`` in
    the request's one commit, then back to the deal's payments; else the report page with
    the form's errors (422)."""
    payment = _report_or_404(payment_id)
    if not _confirms(payment.schedule_item, payment):
        abort(403)
    form = form_class()
    if form.validate_on_submit():
        with committing(_refused_on(refusal_on(form))) as outcome:
            decide(payment, form)
        if outcome.committed:
            flash(done, "success")
            return redirect(url_for("payments.deal", deal_id=payment.deal_id))
    return _report_page(payment, status=422, **{form_name: form})


@bp.route("/reports/<int:payment_id>/voucher")
@login_required
def voucher(payment_id: int):
    """The voucher, to the deal's parties and the centre only (404 to anyone else)."""
    try:
        item = payment_reports.voucher_of(payment_id, current_user)
    except NotFound:
        abort(404)
    return stored_file_response(item)


@bp.post("/items/<int:item_id>/payout")
@login_required
def payout(item_id: int):
    """The centre records that it paid the money it held on to the licensor."""
    row = _row_or_404(item_id)
    if not current_user.is_centre:
        abort(403)
    form = PayoutForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for("payments.deal", deal_id=row.deal_id))
    with committing(_refused_on(flash_refusal)) as outcome:
        payment_reports.record_payout(row, current_user, paid_out_on=form.paid_out_on.data,
                                      bank_reference=form.bank_reference.data)
    if outcome.committed:
        flash(_("The pay-out has been recorded."), "success")
    return redirect(url_for("payments.deal", deal_id=row.deal_id))


def _receipt_payment(row: PaymentScheduleItem):
    """The view of ``row`` and the receipt asked for (``?payment=``; default the latest)."""
    view = payment_queries.view_of(row, current_user)
    wanted = request.args.get("payment", type=int)
    chosen = next((p for p in view.receipts if p.id == wanted), None) if wanted \
        else view.payment
    if chosen is None:
        abort(404)
    return view, chosen


@bp.route("/items/<int:item_id>/receipt")
@login_required
def receipt(item_id: int):
    row = _row_or_404(item_id)
    view, payment = _receipt_payment(row)
    return render_template("payments/receipt.html", view=view, payment=payment, row=row,
                           deal=row.deal, payee=payees.payee_of(row, payment))


@bp.route("/items/<int:item_id>/receipt.pdf")
@login_required
def receipt_pdf(item_id: int):
    row = _row_or_404(item_id)
    _view, payment = _receipt_payment(row)
    from ..services import receipts  # reportlab: loaded by the first PDF, not every worker
    return Response(receipts.receipt_pdf(payment, row, row.deal), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{payment.receipt_number}.pdf"',
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
