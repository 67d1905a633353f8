"""Offline payments: the licensee transfers the amount to the bank account shown with the
row's unique reference; the licensor confirms receipt (``record_payment``)."""
from __future__ import annotations

from .base import CheckoutRequest, CheckoutSession, GatewayError, InvalidWebhook


class OfflineGateway:
    name = "offline"
    hosted_checkout = False

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        raise GatewayError("offline payments have no hosted checkout")

    def refund(self, *, payment_intent_id: str | None, provider_ref: str, amount_fen: int,
               idempotency_key: str) -> str:
        # The licensor transfers the money back; the platform records that it is owed.
        return f"offline-refund-{idempotency_key}"

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict:
        raise InvalidWebhook("Stripe is not configured")
