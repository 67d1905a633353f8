"""The payment fixtures (a deal awaiting its upfront fee, a webhook delivery through the real
``stripe`` library) for the webhook findings in test_webhook.py."""
from ..payments.conftest import (  # noqa: F401 (fixtures re-used here)
    awaiting,
    deliver,
    fake_stripe,
    stripe_app,
)
