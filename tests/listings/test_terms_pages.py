"""The terms and open-licence rules on the pages: inline errors for refusals, visible
notices (never refusals) for negotiated terms above market norms, the declaration shown on
the listing page, the evaluation report uploaded and read."""
import io

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import EvaluationReport, ListingStatus, Offer, OfferKind, OrgKind, PatentType

from ..conftest import log_in, post_form
from ..factories import EXCLUSIVE

pytestmark = pytest.mark.db

PDF = b"%PDF-1.4\n%report\n"
NEGOTIATED_25M = {"kind": "licence", "licence_kind": "exclusive", "upfront_mode": "due_at_signing",
                  "upfront_fee_fen": "25,000,000", "royalty_bp": "25", "royalty_base": "net_sales",
                  "term_years": "5", "territory": "中国大陆"}
OPEN = {"kind": "open_licence", "upfront_mode": "waived", "royalty_bp": "3",
        "royalty_base": "net_sales", "term_years": "3", "territory": "中国大陆",
        "declared_on": "2025-01-06", "cnipa_announcement_number": "KF-2025-0001"}


@pytest.fixture()
def uni(client, make_user):
    user = make_user(kind=OrgKind.UNIVERSITY)
    log_in(client, user)
    return user


@pytest.fixture()
def bare(make_listing, uni):
    return make_listing(uni.org, offers=[], status=ListingStatus.DRAFT)


def test_negotiated_licence_above_norms_is_saved_with_a_visible_notice(client, bare):
    response = post_form(client, f"/patents/{bare.id}/offers/new", NEGOTIATED_25M)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    offer = db.session.scalar(select(Offer))
    assert (offer.upfront_fee_fen, offer.royalty_bp) == (2_500_000_000, 2500)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('class="notice notice-warning"') == 2
    assert "高于 ¥20,000,000：超过开放许可的上限。协商许可可以约定，请核对金额。" in page
    assert "高于净销售额的 20%：超过开放许可的上限" in page
    # the edit form shows the same notices inline, next to their fields, not as errors
    form = client.get(f"/patents/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'id="upfront_fee_fen-warning"' in form and 'id="royalty_bp-warning"' in form
    assert "has-error" not in form


def test_open_licence_above_the_caps_is_refused_inline(client, bare):
    response = post_form(client, f"/patents/{bare.id}/offers/new",
                         {**OPEN, "upfront_mode": "due_at_signing",
                          "upfront_fee_fen": "25,000,000", "royalty_bp": "25"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    fee = page.split('id="upfront_fee_fen-error"')[1].split("</p>")[0]
    rate = page.split('id="royalty_bp-error"')[1].split("</p>")[0]
    assert "开放许可的入门费不得超过 ¥20,000,000" in fee
    assert "开放许可的提成比例不得超过净销售额的 20%" in rate
    assert db.session.scalar(select(Offer)) is None


def test_open_licence_on_profit_and_its_declaration_on_the_listing(client, bare):
    response = post_form(client, f"/patents/{bare.id}/offers/new",
                         {**OPEN, "royalty_base": "profit", "royalty_bp": "40"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = client.get(f"/patents/{bare.id}").get_data(as_text=True)
    assert "40% · 占利润" in page and "按利润的 40% 提成" in page
    assert "公告号 KF-2025-0001" in page


def test_awaiting_announcement_and_missing_date_on_the_pages(client, bare):
    response = post_form(client, f"/patents/{bare.id}/offers/new",
                         {**OPEN, "declared_on": ""})
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="declared_on-error"')[1].split("</p>")[0]
    assert "请填写向国家知识产权局声明开放许可的日期" in error
    response = post_form(client, f"/patents/{bare.id}/offers/new",
                         {**OPEN, "cnipa_announcement_number": ""})
    assert response.status_code == 302
    page = client.get(f"/patents/{bare.id}").get_data(as_text=True)
    assert "已声明，待公告" in page


def test_reduced_upfront_on_the_listing(client, bare):
    response = post_form(client, f"/patents/{bare.id}/offers/new",
                         {**OPEN, "upfront_mode": "reduced", "upfront_fee_fen": "3,000"})
    assert response.status_code == 302
    page = client.get(f"/patents/{bare.id}").get_data(as_text=True)
    assert "签约时支付（减收） ¥3,000" in page and "¥3,000.00 · 减收" in page


def test_evaluation_report_upload_then_open_licence_on_a_utility_model(app, client, uni,
                                                                       make_listing):
    from market.domain.patent_numbers import check_character
    digits = "202020123456"
    patent = make_listing(uni.org, offers=[], status=ListingStatus.DRAFT,
                          application_number=f"{digits}.{check_character(digits)}",
                          patent_type=PatentType.UTILITY_MODEL)
    refused = post_form(client, f"/patents/{patent.id}/offers/new", OPEN)
    assert refused.status_code == 422
    assert "专利权评价报告" in refused.get_data(as_text=True).split('id="kind-error"')[1]
    page = client.get(f"/patents/{patent.id}").get_data(as_text=True)
    assert "尚无专利权评价报告" in page
    bad = post_form(client, f"/patents/{patent.id}/evaluation-report",
                    {"report_file": (io.BytesIO(b"GIF89a"), "报告.pdf"), "conclusion": "no_defect"},
                    token_from=f"/patents/{patent.id}", follow_redirects=True)
    assert "评价报告须为 JPEG、PNG 图片或 PDF" in bad.get_data(as_text=True)
    ok = post_form(client, f"/patents/{patent.id}/evaluation-report",
                   {"report_file": (io.BytesIO(PDF), "报告.pdf"), "conclusion": "no_defect",
                    "issued_on": "2025-03-01"},
                   token_from=f"/patents/{patent.id}", follow_redirects=True)
    page = ok.get_data(as_text=True)
    assert "专利权评价报告已上传" in page and "未发现不符合授予专利权条件的缺陷" in page
    report = db.session.scalar(select(EvaluationReport))
    assert client.get(f"/patents/evaluation-reports/{report.id}").data == PDF
    assert post_form(client, f"/patents/{patent.id}/offers/new", OPEN).status_code == 302
    assert db.session.scalar(select(Offer)).kind == OfferKind.OPEN_LICENCE


def test_institute_takes_an_open_licence_through_the_page(app, make_user, make_listing,
                                                          university):
    patent = make_listing(university.org)
    institute = make_user(kind=OrgKind.INSTITUTE)
    client = app.test_client()
    log_in(client, institute)
    url = f"/deals/take/{patent.offers[0].id}"
    assert client.get(url).status_code == 200
    org = institute.org
    response = post_form(client, url, {"legal_name": org.name, "credit_code": org.credit_code,
                                       "address": org.address, "field_of_use": "材料研究",
                                       "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]


def test_request_above_norms_is_sent_with_a_notice(app, make_user, make_listing, university):
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    sme = make_user(kind=OrgKind.SME)
    client = app.test_client()
    log_in(client, sme)
    response = post_form(client, f"/deals/request/{offer.id}", {
        "licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": "45",
        "royalty_base": "profit", "term_years": "5", "territory": "中国大陆"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "高于利润的 40%：超过开放许可的上限" in page
