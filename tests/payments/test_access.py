"""Who may use the payment pages: every endpoint for every role (offline mode)."""
from datetime import date

import pytest

from market.services import payments
from market.unit_of_work import commit

from ..conftest import ROLES, log_in

pytestmark = pytest.mark.db


ROLE_NAMES = ("anonymous", "pending_sme", "sme", "university", "centre", "licensee", "licensor")
PARTIES = ("centre", "licensee", "licensor")


def expected(role):
    def party(status, *, centre=None, licensee=None, licensor=None):
        if role == "anonymous":
            return 302
        if role not in PARTIES:
            return 404  # strangers learn nothing about the deal
        return {"centre": centre, "licensee": licensee, "licensor": licensor}[role] or status
    return [
        ("GET", "/payments/", 302 if role == "anonymous" else 200),
        ("GET", "/payments/deals/{due}", party(200)),
        ("GET", "/payments/items/{due_row}/return", party(200)),
        ("GET", "/payments/items/{paid_row}/receipt", party(200)),
        ("GET", "/payments/items/{due_row}/receipt", party(404)),
        ("GET", "/payments/items/{paid_row}/receipt.pdf", party(200)),
        ("GET", "/payments/items/{due_row}/receipt.pdf", party(404)),
        ("GET", "/payments/items/{due_row}/confirm", party(200, centre=403, licensee=403)),
        ("POST", "/payments/items/{due_row}/confirm", party(422, centre=403, licensee=403)),
        # offline: the licensee is sent back to the transfer instructions
        ("POST", "/payments/items/{due_row}/checkout", party(302, centre=403, licensor=403)),
        ("GET", "/payments/items/{due_row}/checkout", party(302, centre=403, licensor=403)),
        ("POST", "/payments/stripe/webhook", 404),  # Stripe is not configured
        ("POST", "/payments/deals/{paid}/cancel", party(302)),  # last: the centre cancels
    ]


@pytest.fixture()
def world(awaiting, university):
    due = awaiting()
    paid = awaiting()
    payments.confirm_receipt(paid.schedule[0], university, amount_fen=1_000_000,
                             received_on=date.today(), bank_reference="BANK-ACCESS-1")
    commit()
    return {"due": due.id, "due_row": due.schedule[0].id, "paid": paid.id,
            "paid_row": paid.schedule[0].id}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_payment_access(app, role, make_user, world, sme, university):
    client = app.test_client()
    if role == "licensee":
        log_in(client, sme)
    elif role == "licensor":
        log_in(client, university)
    elif role != "anonymous":
        log_in(client, make_user(**ROLES[role]))
    app.config["WTF_CSRF_ENABLED"] = False
    failures = []
    for method, template, status in expected(role):
        path = template.format(**world)
        got = client.open(path, method=method).status_code
        if got != status:
            failures.append(f"{role}: {method} {path}: {got} != {status}")
    assert not failures, "\n".join(failures)
