"""Stripe Checkout: the only module that imports ``stripe``.

One Checkout Session per schedule row and attempt (idempotency key ``checkout-<row>-<n>``),
amounts in the currency's minor unit (fen for CNY), the row's ids and reference in the
metadata. Webhooks are verified on the raw body with a timestamp tolerance.
"""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import stripe

from .base import (
    CheckoutRequest,
    CheckoutSession,
    GatewayError,
    InvalidWebhook,
    MalformedEvent,
)


class StripeGateway:
    name = "stripe"
    hosted_checkout = True

    def __init__(self, secret_key: str, webhook_secret: str, *, api_base: str | None = None,
                 tolerance: int = 300, max_network_retries: int = 2):
        options = {"max_network_retries": max_network_retries}
        if api_base:
            options["base_addresses"] = {"api": api_base}
        self.client = stripe.StripeClient(secret_key, **options)
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        metadata = {"deal_id": str(request.deal_id),
                    "schedule_item_id": str(request.schedule_item_id),
                    "reference": request.reference}
        params = {
            "mode": "payment",
            "payment_method_types": ["card", "alipay"],
            "line_items": [{
                "quantity": 1,
                "price_data": {"currency": request.currency.lower(),
                               "unit_amount": request.amount_fen,
                               "product_data": {"name": request.description[:250]}},
            }],
            "client_reference_id": request.reference,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": request.reference},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,
                options={"idempotency_key": f"checkout-{request.schedule_item_id}-{request.attempt}"})
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        expires = getattr(session, "expires_at", None)
        return CheckoutSession(id=session.id, url=session.url,
                               expires_at=datetime.fromtimestamp(expires, UTC) if expires else None)

    def refund(self, *, payment_intent_id: str | None, provider_ref: str, amount_fen: int,
               idempotency_key: str) -> str:
        if not payment_intent_id:
            raise GatewayError(f"no payment intent known for {provider_ref}")
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment_intent_id, "amount": amount_fen,
                        "metadata": {"checkout_session": provider_ref}},
                options={"idempotency_key": idempotency_key})
        except stripe.StripeError as exc:
            raise GatewayError(str(exc)) from exc
        return refund.id

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict:
        """The event in ``payload`` as plain JSON once its signature verifies and its time
        is within ``tolerance`` seconds of now, either side. Raises InvalidWebhook, and
        MalformedEvent for a signed body that is not JSON."""
        try:
            # verify only: stripe's construct_event fails with AttributeError (a 500) on a
            # signed body that is valid JSON but not an object
            stripe.WebhookSignature.verify_header(payload, signature or "", self.webhook_secret,
                                                  tolerance=self.tolerance)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        self._check_not_future(signature or "")
        try:
            return json.loads(payload)
        except ValueError as exc:  # includes UnicodeDecodeError
            raise MalformedEvent(f"the body is not JSON ({exc})") from exc

    def _check_not_future(self, signature: str) -> None:
        """stripe refuses old timestamps only: a header dated ahead (a clock far off, or a
        signature made now to be replayed later) is refused too."""
        # read "t" as stripe does (the first t=, through int()); it has verified by now
        stamps = [item.split("=", 2) for item in signature.split(",")]
        timestamp = int([item[1] for item in stamps if item[0] == "t"][0])
        if self.tolerance and timestamp > time.time() + self.tolerance:
            raise InvalidWebhook(f"timestamp {timestamp} is in the future (tolerance "
                                 f"{self.tolerance} s)")
