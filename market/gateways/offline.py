"""Offline payments: the licensee transfers the amount to the payee's bank account (the
licensor's own, or the centre's in escrow mode: ``services.payees.payee_of``) with the row's
unique reference and reports it with the voucher; the payee confirms receipt, which books
it through ``services.payments.book``."""
from __future__ import annotations

from .base import CheckoutRequest, CheckoutSession, GatewayError, InvalidWebhook


class OfflineGateway:
    name = "offline"
    hosted_checkout = False

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        raise GatewayError("offline payments have no hosted checkout")

    def refund(self, *, payment_intent_id: str | None, provider_ref: str, amount_fen: int,
               idempotency_key: str) -> str:
        # The payee transfers the money back; the platform records that it is owed.
        return f"offline-refund-{idempotency_key}"

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict:
        raise InvalidWebhook("Stripe is not configured")
