"""The cockpit's pages render the fixture ledger's figures."""
import pytest

from market.models import OrgKind

pytestmark = pytest.mark.db


def test_indicators_page_shows_the_figures_tables_and_chart_data(client, login_as, ledger_world):
    login_as("centre")
    html = client.get("/centre/indicators?year=2024&view=booked").get_data(as_text=True)
    assert 'id="kpi-deals">3<' in html
    assert 'id="kpi-smes">3 <small>/ 100' in html
    assert 'id="indicator-charts"' in html and 'type="application/json"' in html
    assert html.count("<canvas") == 6
    for key in ("summary", "monthly", "industry", "licensor", "district", "licence_kind",
                "top_patents"):
        assert f'id="table-{key}"' in html
    assert "东北大学" in html and "33.33%" in html  # conversion rate 1/3
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_date_range_and_bad_period(client, login_as, ledger_world):
    login_as("centre")
    html = client.get("/centre/indicators?start=2024-01-01&end=2024-06-30&view=booked").get_data(as_text=True)
    assert 'id="kpi-deals">1<' in html
    response = client.get("/centre/indicators?start=2024-13-01&end=2024-06-30")
    assert response.status_code == 302


def test_english_page(client, login_as, ledger_world):
    login_as("centre")
    html = client.get("/centre/indicators?year=2024&lang=en").get_data(as_text=True)
    assert "Growth against the plan" in html


def test_home_figures_are_kept_for_a_minute(app, client, make_user):
    """The home page's figures are read once per HEADLINE_CACHE_SECONDS per process."""
    app.config["HEADLINE_CACHE_SECONDS"] = 60
    before = client.get("/").get_data(as_text=True)
    make_user(kind=OrgKind.SME)  # one more verified SME
    assert client.get("/").get_data(as_text=True) == before
    app.extensions.pop("market.headline")  # the minute is over
    assert client.get("/").get_data(as_text=True) != before
