"""F3: user text reached reportlab's Paragraph, which parses markup. A contact name holding a
link put a live link in the other party's contract, an address holding ``<img src>`` embedded a
file of the server, a ``<b>`` in a name answered 500. Every document must draw such text
literally: status 200, no link, no image, the text readable as typed (``check_pdf``)."""
from datetime import timedelta

import pytest
from PIL import Image

from market.domain.dates import local_date
from market.models import LicenceKind, OfferKind, OrgKind
from market.models.base import utcnow
from market.services import deals, payments
from market.unit_of_work import commit

from ..conftest import log_in
from ..factories import sign_contract
from ..pdf_check import check_pdf

pytestmark = pytest.mark.db

PAYLOADS = {
    "link": '<a href="https://evil.example/pay">请改向此账户付款</a>',
    "image": '<img src="{image}" width="200" height="200"/>',
    "unclosed_bold": "<b>加粗",  # reportlab refused the whole paragraph: a 500
    "entities": "&nbsp;&amp;&#x41;<br/>",
}


@pytest.fixture(scope="session")
def server_image(tmp_path_factory):
    """A file on the server's disk that a user must never get into a PDF."""
    path = tmp_path_factory.mktemp("img") / "s.png"
    Image.new("RGB", (4, 4), "red").save(path)
    return path


@pytest.fixture(params=sorted(PAYLOADS))
def hostile(request, server_image, make_user, make_listing):
    """A paid, concluded open licence between two organisations whose every text field holds
    the payload: names, addresses, contact names, patent title, territory, field of use."""
    payload = PAYLOADS[request.param].format(image=server_image)
    org = {"address": payload, "contact_name": payload}
    licensor = make_user(kind=OrgKind.UNIVERSITY, name=f"{payload}大学", **org)
    licensee = make_user(kind=OrgKind.SME, name=f"{payload}公司", **org)
    patent = make_listing(licensor.org, title=f"{payload}工艺", offers=[{
        "kind": OfferKind.OPEN_LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
        "upfront_mode": "due_at_signing", "upfront_fee_fen": 1_000_000, "term_years": 3,
        "territory": f"{payload}地域", "field_of_use": f"{payload}领域"}])
    deal = deals.take_open(licensee, patent.offers[0], {
        "legal_name": licensee.org.name, "credit_code": licensee.org.credit_code,
        "address": payload, "field_of_use": payload, "expected_start": None})
    sign_contract(deal, licensee)
    payments.confirm_receipt(deal.schedule[0], licensor, amount_fen=1_000_000,
                             received_on=local_date(utcnow()) - timedelta(days=1),
                             bank_reference="BANK-1")
    commit()
    return {"payload": payload, "deal": deal, "licensor": licensor, "licensee": licensee}


def _get(app, user, url):
    client = app.test_client()
    log_in(client, user)
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def test_contract_draws_user_markup_as_text(app, hostile):
    data = _get(app, hostile["licensee"], f"/deals/{hostile['deal'].id}/contract.pdf")
    p = hostile["payload"]
    check_pdf(data, f"{p}大学", f"{p}公司", f"{p}工艺", f"{p}地域", f"{p}领域")


def test_receipt_draws_user_markup_as_text(app, hostile):
    row = hostile["deal"].schedule[0]
    data = _get(app, hostile["licensor"], f"/payments/items/{row.id}/receipt.pdf")
    p = hostile["payload"]
    check_pdf(data, f"{p}大学", f"{p}公司", f"{p}工艺")


def test_centre_report_draws_user_markup_as_text(app, hostile, make_user):
    year = local_date(utcnow()).year
    data = _get(app, make_user(kind=OrgKind.CENTRE), f"/centre/indicators/report.pdf?year={year}")
    check_pdf(data, f"{hostile['payload']}大学")
