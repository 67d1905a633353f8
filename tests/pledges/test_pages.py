"""The pledge pages: the centre's form and CSV import refuse a pledgor who does not hold a
patent (on the field, per line) and a bad trademark number; the release; the deal page's
pledge panel with the consent upload, and the technology contract registration."""
import io
from datetime import date

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import Deal, DealState, PledgeDeal, PledgeeConsent, TechContractRegistration
from market.services import deals, pledges
from market.unit_of_work import commit

from ..conftest import log_in, post_form
from ..factories import proposal_of, sign_contract
from .conftest import PDF

pytestmark = pytest.mark.db


def _pledge_form(**changes):
    return {"pledgor": "沈阳某科技有限公司", "bank": "盛京银行", "patents": "201710601862.3",
            "trademarks": "", "amount": "500000", "pledged_on": "2026-01-05", **changes}


def test_the_form_refuses_a_pledgor_who_does_not_hold_the_patent(client, centre, patent,
                                                                   make_org):
    sme = make_org(name="沈阳某科技有限公司")
    log_in(client, centre)
    response = post_form(client, "/centre/pledges", _pledge_form(
        pledgor=sme.name, patents=patent.application_number))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"专利 {patent.application_number} 的权利人是东北大学" in html
    assert 'id="patents-error"' in html
    assert db.session.scalars(select(PledgeDeal)).all() == []


def test_the_form_records_a_mixed_pledge_and_refuses_a_bad_trademark(client, centre, patent,
                                                                       university):
    log_in(client, centre)
    bad = post_form(client, "/centre/pledges", _pledge_form(
        pledgor=university.org.name, patents=patent.application_number, trademarks="TM123"))
    assert bad.status_code == 422
    assert 'id="trademarks-error"' in bad.get_data(as_text=True)
    good = post_form(client, "/centre/pledges", _pledge_form(
        pledgor=university.org.name, patents=patent.application_number,
        trademarks="第12345678号"))
    assert good.status_code == 302
    made = db.session.scalars(select(PledgeDeal)).one()
    assert made.trademark_numbers == ["12345678"] and made.is_mixed
    html = client.get("/centre/pledges").get_data(as_text=True)
    assert "纯专利质押 0 笔，专利与商标混合质押 1 笔" in html


def test_the_csv_import_names_the_line_of_each_refusal(client, centre, patent, university):
    log_in(client, centre)
    rows = ("pledgor,bank,patents,amount_yuan,date,trademarks\n"
            f"{university.org.name},盛京银行,{patent.application_number},1000,2026-01-05,12345678\n"
            f"沈阳乙公司,中国银行,{patent.application_number},1000,2026-01-05,\n"
            f"{university.org.name},中国银行,97101765.4,1000,2026-01-05,ABC\n")
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO(rows.encode()), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 422
    with pytest.raises(pledges.ImportRejected) as caught:
        pledges.import_csv(centre, rows.encode())
    assert {(e.line, e.field) for e in caught.value.errors} == {(3, "patents"),
                                                                (4, "trademarks")}
    assert patent.application_number in caught.value.errors[0].message
    db.session.rollback()
    good = rows.splitlines()[:2]
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO("\n".join(good).encode()), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 302
    made = db.session.scalars(select(PledgeDeal)).one()
    assert (made.trademark_numbers, [p.patent_id for p in made.patents]) == \
        (["12345678"], [patent.id])


def test_the_centre_records_a_release(client, centre, patent, pledge):
    made = pledge(patent)
    log_in(client, centre)
    response = post_form(client, f"/centre/pledges/{made.id}/release",
                         {"released_on": "2026-03-01"}, token_from="/centre/pledges")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PledgeDeal, made.id).released_on == date(2026, 3, 1)
    html = client.get("/centre/pledges").get_data(as_text=True)
    assert "已于 2026年3月1日 解除" in html and f"登记人：{centre.name}" in html
    again = post_form(client, f"/centre/pledges/{made.id}/release",
                      {"released_on": "2026-03-02"}, token_from="/centre/pledges")
    assert again.status_code == 302
    assert db.session.get(PledgeDeal, made.id).released_on == date(2026, 3, 1)


def test_the_licensor_uploads_the_consent_on_the_deal_page(client, patent, pledge, sme,
                                                            university):
    offer = next(o for o in patent.offers if o.licence_kind and o.licence_kind.value ==
                 "exclusive")
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    made = pledge(patent)
    log_in(client, university)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "在平台登记每一质权人的书面同意之前" in page and "上传同意文件" in page
    assert f'<label class="label" for="consent-{made.id}">' in page
    assert f'id="consent-{made.id}"' in page
    refused = post_form(client, f"/deals/{deal.id}/accept", {}, token_from=f"/deals/{deal.id}")
    assert refused.status_code == 302
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f"专利 {patent.application_number} 已出质给盛京银行" in page
    response = post_form(client, f"/deals/{deal.id}/pledge-consent/{made.id}",
                         {"consent": (io.BytesIO(PDF), "同意书.pdf")},
                         token_from=f"/deals/{deal.id}", content_type="multipart/form-data")
    assert response.status_code == 302
    consent = db.session.scalars(select(PledgeeConsent)).one()
    assert client.get(f"/deals/{deal.id}/pledge-consent/file/{consent.id}").data == PDF
    accepted = post_form(client, f"/deals/{deal.id}/accept", {}, token_from=f"/deals/{deal.id}")
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(deal), deal.id).state == DealState.ACCEPTED


def test_the_licensee_sees_the_pledge_but_cannot_upload(client, patent, pledge, sme):
    offer = next(o for o in patent.offers if o.licence_kind and o.licence_kind.value ==
                 "non_exclusive")
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    pledge(patent)
    log_in(client, sme)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "普通许可在平台上无需质权人同意" in page and "上传同意文件" not in page


def test_the_registration_reminder_until_a_party_enters_it(client, patent, sme, university):
    offer = next(o for o in patent.offers if o.licence_kind and o.licence_kind.value ==
                 "non_exclusive")
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    deals.accept(deal, university)
    sign_contract(deal, sme, university)
    commit()
    log_in(client, sme)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "技术合同认定登记" in page and "免征增值税" in page
    bad = post_form(client, f"/deals/{deal.id}/tech-registration",
                    {"number": "12", "registered_on": local_today().isoformat()},
                    token_from=f"/deals/{deal.id}")
    assert bad.status_code == 302
    assert db.session.scalars(select(TechContractRegistration)).all() == []
    assert "6 至 40 位" in client.get(f"/deals/{deal.id}").get_data(as_text=True)
    good = post_form(client, f"/deals/{deal.id}/tech-registration",
                     {"number": "2026210103000123", "registered_on": local_today().isoformat()},
                     token_from=f"/deals/{deal.id}")
    assert good.status_code == 302
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "已登记：2026210103000123" in page and "免征增值税" not in page


def test_the_sme_is_told_on_the_request_form(client, patent, pledge, sme):
    pledge(patent)
    offer = next(o for o in patent.offers if o.kind.value == "assignment")
    log_in(client, sme)
    url = f"/deals/request/{offer.id}"
    response = post_form(client, url, {"price_fen": "90000", "message": "报价 9 万"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="error-summary"' in page
    assert f"专利 {patent.application_number} 已出质给盛京银行" in page
    assert db.session.scalars(select(Deal)).all() == []


def test_the_centre_uploads_a_consent_on_the_pledge_page(client, centre, patent, pledge, sme):
    made = pledge(patent)
    log_in(client, centre)
    page = client.get("/centre/pledges").get_data(as_text=True)
    assert f'<label class="label" for="consent-file-{made.id}">' in page
    response = post_form(client, f"/centre/pledges/{made.id}/consent",
                         {"patent_id": str(patent.id), "consent": (io.BytesIO(PDF), "同意书.pdf")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 302
    consent = db.session.scalars(select(PledgeeConsent)).one()
    assert client.get(f"/centre/pledges/consents/{consent.id}").data == PDF
    assert f'href="/centre/pledges/consents/{consent.id}"' in \
        client.get("/centre/pledges").get_data(as_text=True)


@pytest.mark.parametrize("header", [
    "出质人,开户银行,出质专利,金额（元）,质押登记日期,商标",
    "出质人（机构名称或统一社会信用代码）,质权人/银行,专利,金额,日期,商标（注册号，选填）",
    "Pledgor,Bank,Patents (application numbers),Amount (yuan),Date of the pledge,Trademarks",
])
def test_the_csv_import_takes_the_pages_own_column_names(client, centre, patent, university,
                                                          header):
    log_in(client, centre)
    page = client.get("/centre/pledges").get_data(as_text=True)
    assert 'id="pledge-columns"' in page and "出质人" in page  # the columns are documented
    rows = (f"{header}\n{university.org.name},盛京银行,{patent.application_number},"
            "1000,2026-01-05,12345678\n")
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO(rows.encode("utf-8-sig")), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [pledge] = db.session.scalars(select(PledgeDeal)).all()
    assert pledge.amount_fen == 100_000 and pledge.bank == "盛京银行"


def test_a_missing_column_is_named_as_the_page_labels_it(client, centre):
    log_in(client, centre)
    response = post_form(client, "/centre/pledges/import",
                         {"file": (io.BytesIO("出质人,开户银行\n某公司,某银行\n".encode()), "p.csv")},
                         token_from="/centre/pledges", content_type="multipart/form-data")
    assert response.status_code == 422
    assert "出质专利（申请号）" in response.get_data(as_text=True)
