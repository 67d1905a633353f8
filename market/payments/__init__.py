"""The payment pages: schedule, checkout, offline confirmation, receipts, the Stripe webhook."""
