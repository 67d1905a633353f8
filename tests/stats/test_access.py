"""Who may open the cockpit: every endpoint of the feature for every role."""
import pytest

from tests.conftest import ROLES, log_in

pytestmark = pytest.mark.db

ANON, PENDING, SME, UNI, CENTRE = "anonymous", "pending_sme", "sme", "university", "centre"
ALL_ROLES = (ANON, PENDING, SME, UNI, CENTRE)


def centre_only(centre_status=200):
    return {ANON: 302, PENDING: 403, SME: 403, UNI: 403, CENTRE: centre_status}


# endpoint -> (method, path template, {role: status}); {patent} is a published listing.
ENDPOINTS = {
    "centre.indicators": ("GET", "/centre/indicators?year=2024", centre_only()),
    "centre.indicators_export": ("GET", "/centre/indicators/export/summary.csv?year=2024",
                                 centre_only()),
    "centre.indicators_report": ("GET", "/centre/indicators/report.pdf?year=2024",
                                 centre_only()),
    "centre.monitor": ("GET", "/centre/monitor", centre_only()),
    "centre.pledge_list": ("GET", "/centre/pledges", centre_only()),
    "centre.pledge_add": ("POST", "/centre/pledges", centre_only(422)),
    "centre.pledge_import": ("POST", "/centre/pledges/import", centre_only(422)),
    "centre.hidden_listings": ("GET", "/centre/listings/hidden", centre_only()),
    "centre.hide_listing": ("GET", "/centre/listings/{patent}/hide", centre_only()),
    "centre.unhide_listing": ("POST", "/centre/listings/{patent}/unhide", centre_only(302)),
    "api_stats.indicators": ("GET", "/api/v1/stats/indicators?year=2024",
                             {ANON: 401, PENDING: 403, SME: 403, UNI: 403, CENTRE: 200}),
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_access(app, role, make_user, make_listing):
    patent = make_listing()
    client = app.test_client()
    if role != ANON:
        log_in(client, make_user(**ROLES[role]))
    app.config["WTF_CSRF_ENABLED"] = False  # access, not CSRF, is checked here
    failures = []
    for endpoint, (method, template, expected) in ENDPOINTS.items():
        path = template.format(patent=patent.id)
        response = client.open(path, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {path} ({endpoint}): {response.status_code} "
                            f"!= {expected[role]}")
    assert not failures, "\n".join(failures)


def test_every_endpoint_of_the_feature_is_listed(app):
    ours = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith(("/centre/indicators", "/centre/monitor", "/centre/pledges",
                                     "/centre/listings", "/api/v1/stats"))}
    assert ours == set(ENDPOINTS)
