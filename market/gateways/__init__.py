"""Payment gateways, and the choice between Stripe and offline transfer.

Stripe serves when both ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET`` are set (card
payments are collected by the centre: Connect is out of reach); else the offline gateway
(bank transfer, confirmed by the payee ``market.services.payees.payee_of`` names) does.
Either way a payment is booked by ``market.services.payments.book``: the gateways only talk
to the outside world. The interface is in ``base.py``; only ``stripe_gateway.py`` imports ``stripe``.
"""
from __future__ import annotations

from flask import Flask, current_app

from .base import (
    CheckoutRequest,
    CheckoutSession,
    GatewayError,
    InvalidWebhook,
    MalformedEvent,
    PaymentGateway,
)
from .offline import OfflineGateway

_KEY = "market.payment_gateway"

__all__ = ["CheckoutRequest", "CheckoutSession", "GatewayError", "InvalidWebhook",
           "MalformedEvent", "PaymentGateway", "get_gateway", "stripe_configured"]


def stripe_configured(config) -> bool:
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET"))


def _build(app: Flask) -> PaymentGateway:
    config = app.config
    if stripe_configured(config):
        from .stripe_gateway import StripeGateway  # `stripe` loads only when it serves
        return StripeGateway(config["STRIPE_SECRET_KEY"], config["STRIPE_WEBHOOK_SECRET"],
                             api_base=config.get("STRIPE_API_BASE"),
                             tolerance=config.get("STRIPE_WEBHOOK_TOLERANCE", 300),
                             max_network_retries=config.get("STRIPE_MAX_NETWORK_RETRIES", 2))
    return OfflineGateway()


def get_gateway(app: Flask | None = None) -> PaymentGateway:
    """The gateway ``app`` (default: the current app) is configured for, built once."""
    app = app or current_app._get_current_object()
    gateway = app.extensions.get(_KEY)
    if gateway is None:
        gateway = app.extensions[_KEY] = _build(app)
    return gateway
