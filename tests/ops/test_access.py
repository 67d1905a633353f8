"""Who may call the operations endpoints: /healthz is public (load balancers log in as no one)."""
import pytest

from ..conftest import ROLES, log_in

pytestmark = pytest.mark.db


@pytest.mark.parametrize("role", ("anonymous", *ROLES))
def test_healthz_answers_every_role(app, make_user, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, make_user(**ROLES[role]))
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
