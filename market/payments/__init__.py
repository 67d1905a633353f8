"""Payment gateways (Stripe, offline bank transfer) and the payment pages."""
