"""Who may use the search pages and the API."""
import pytest

from ..conftest import ROLES, log_in

pytestmark = pytest.mark.db


@pytest.mark.parametrize("role", ["anonymous", "pending_sme", "sme", "university", "centre"])
def test_search_access(app, make_user, role):
    client = app.test_client()
    if role != "anonymous":
        log_in(client, make_user(**ROLES[role]))
    app.config["WTF_CSRF_ENABLED"] = False
    sme = role in ("sme", "pending_sme")
    saved = 200 if sme else (302 if role == "anonymous" else 403)
    expected = [
        ("GET", "/search/", 200), ("GET", "/search/?q=test", 200),
        ("POST", "/search/need", 422), ("GET", "/search/need", 200),
        ("GET", "/search/saved", saved),
        ("POST", "/search/saved", 302 if sme or role == "anonymous" else 403),
        ("POST", "/search/saved/999/delete", 404 if sme else saved),
        ("GET", "/api/v1/patents?q=x", 200), ("GET", "/api/v1/patents/999", 404),
        ("GET", "/api/v1/openapi.json", 200),
    ]
    failures = [f"{m} {p}: {got} != {want}" for m, p, want in expected
                if (got := client.open(p, method=m).status_code) != want]
    assert not failures
