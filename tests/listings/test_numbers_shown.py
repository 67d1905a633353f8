"""A number is shown as what it is: ZL (granted) only for a granted patent; an application
shows its application number, on every page, in the API and in a contract."""
import pytest

from market.domain.patents import LegalStatus

pytestmark = pytest.mark.db


@pytest.fixture()
def application(make_listing):
    return make_listing(legal_status=LegalStatus.PENDING,
                        offers=[{"kind": "licence", "licence_kind": "non_exclusive"}])


def test_an_application_has_no_patent_number(application, make_listing):
    assert application.patent_number is None
    assert application.shown_number == application.application_number
    granted = make_listing()
    assert granted.patent_number == "ZL" + granted.application_number == granted.shown_number


def test_pages_and_api_show_an_application_number_without_zl(client, login_as, application):
    number = application.application_number
    for path in (f"/patents/{application.id}", f"/search/?q={application.title}"):
        html = client.get(path).get_data(as_text=True)
        assert number in html and "ZL" + number not in html, path
    api = client.get(f"/api/v1/patents/{application.id}").get_json()
    assert api["patent_number"] is None and api["application_number"] == number


