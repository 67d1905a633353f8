"""The payment gateway interface: what a checkout asks for, what a gateway answers, its errors."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class CheckoutSession:
    """A hosted checkout page the payer is sent to."""

    id: str
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class CheckoutRequest:
    """What to charge for one schedule row (amount in the currency's minor unit)."""

    schedule_item_id: int
    deal_id: int
    reference: str
    amount_fen: int
    currency: str
    description: str
    attempt: int
    success_url: str
    cancel_url: str
    customer_email: str | None = None


class GatewayError(Exception):
    """The provider refused or could not be reached; nothing was booked."""


class InvalidWebhook(Exception):
    """A webhook delivery whose signature or timestamp does not verify."""


class MalformedEvent(ValueError):
    """A verified webhook delivery that is not an event of a shape the provider sends (not
    JSON, not an object, a field of the wrong type): answered 400, recorded, never applied."""


class PaymentGateway(Protocol):
    name: str            # 'stripe' | 'offline'
    hosted_checkout: bool  # True: the payer pays on the provider's page

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Open a checkout for one schedule row (idempotent per row and attempt)."""

    def refund(self, *, payment_intent_id: str | None, provider_ref: str, amount_fen: int,
               idempotency_key: str) -> str:
        """Refund a payment in full; returns the provider's refund reference."""

    def verify_webhook(self, payload: bytes, signature: str | None) -> dict:
        """Verify ``payload`` (the raw body) and return the event; raises InvalidWebhook."""
