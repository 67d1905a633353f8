"""The contract: one data object, its Chinese text and English reading copy, the page partial
and a deterministic PDF, all saying the same dates, field of use and names."""
import html as html_module
import json
import re
from datetime import date

import pytest
from flask import render_template

from market.domain.contract_text import clauses, en, zh
from market.domain.dates import local_date
from market.domain.patents import LegalStatus
from market.extensions import db
from market.models import LicenceKind, OfferKind
from market.services import deals
from market.services.contracts import (
    contract_data,
    data_sha256,
    render_contract_pdf,
)
from market.unit_of_work import commit

from ..factories import details_of, proposal_of, sign_contract
from ..pdf_check import check_pdf, pdftotext

pytestmark = pytest.mark.db

LICENCE = {"kind": OfferKind.LICENCE, "upfront_mode": "due_at_signing",
           "upfront_fee_fen": 80_000_000, "royalty_bp": 250, "royalty_threshold_fen": 1_000_000_00,
           "min_annual_royalty_fen": 5_000_000, "term_years": 3, "territory": "辽宁省",
           "field_of_use": "动力电池负极材料"}
KINDS = ("exclusive", "sole", "non_exclusive", "open_licence", "assignment")
SIGNED = [{"role": "licensor", "org_name": "沈阳测试大学", "signer_name": "李四",
           "signed_at": "2026-03-01T06:05:00+00:00", "sha256": "a" * 64},
          {"role": "licensee", "org_name": "沈阳测试科技有限公司", "signer_name": "王五",
           "signed_at": "2026-03-02T15:30:00+00:00", "sha256": "a" * 64}]


@pytest.fixture()
def agreed(make_listing, university, sme):
    """A deal of ``kind`` whose terms are agreed (a request accepted, or an open licence
    taken), committed."""
    def run(kind: str):
        if kind == "open_licence":
            patent = make_listing(university.org, offers=[{
                "kind": OfferKind.OPEN_LICENCE, "term_years": 3, "royalty_bp": 300,
                "field_of_use": "新能源"}])
            deal = deals.take_open(sme, patent.offers[0], details_of(
                sme, field_of_use="锂电池负极", expected_start=date(2031, 12, 1)))
        else:
            offer = {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 50_000_000} \
                if kind == "assignment" else {**LICENCE, "licence_kind": LicenceKind(kind)}
            patent = make_listing(university.org, offers=[offer])
            deal = deals.request_deal(sme, patent.offers[0], proposal_of(patent.offers[0]), "请求")
            deal.expected_start = date(2031, 12, 1)
            deals.accept(deal, university)
        commit()
        return deal
    return run


def _partial(app, data, lang="zh", signatures=None) -> str:
    with app.test_request_context("/"):
        return render_template("deals/_contract_text.html", contract=data, contract_lang=lang,
                               contract_signatures=signatures)


def _text(html: str) -> str:
    """The page's words without tags or whitespace, as pdf_check compares them."""
    return re.sub(r"\s+", "", html_module.unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.mark.parametrize("kind", KINDS)
def test_page_and_pdf_say_the_same_dates_field_and_names(app, agreed, kind):
    deal = agreed(kind)
    data = contract_data(deal)
    assert data == json.loads(json.dumps(data))  # plain JSON, nothing lost
    assert data["kind"] == kind
    licensor, licensee = data["parties"]["licensor"], data["parties"]["licensee"]
    facts = [licensor["name"], licensee["name"], licensor["credit_code"], licensee["credit_code"],
             zh.day(data["patents"][0]["filing_date"]), zh.day(data["patents"][0]["grant_date"]),
             zh.day(data["patents"][0]["expiry_date"]), data["patents"][0]["patent_number"]]
    if kind == "assignment":
        assert data["term"] is None and data["recording"]["duty"] == "registration"
        facts += ["专利权转让登记", "自国务院专利行政部门登记之日起生效", "伍拾万元整"]
    else:
        # one rule: three years from 1 December 2031 end on 30 November 2034
        assert (data["term"]["start"], data["term"]["end"]) == ("2031-12-01", "2034-11-30")
        facts += ["2031年12月1日", "2034年11月30日", data["scope"]["field_of_use"]]
        assert data["recording"]["duty"] == "recording"
    if kind == "open_licence":
        assert data["scope"]["field_of_use"] == "锂电池负极"  # what the SME declared, not 不限
        assert data["open_licence"]["declared_field_of_use"] == "新能源"
    page = _text(_partial(app, data))
    pdf_text = check_pdf(render_contract_pdf(data, []), *facts)
    for fact in facts:
        assert re.sub(r"\s+", "", fact) in page, fact
    assert "不限领域" not in page and "不限领域" not in _text(pdf_text)
    assert "联系人：联系人" not in page and "联系人及联系方式：联系人" not in page


@pytest.mark.parametrize("kind", ["exclusive", "assignment"])
def test_every_clause_heading_is_on_the_page_and_in_the_pdf(app, agreed, kind):
    data = contract_data(agreed(kind))
    for lang in ("zh", "en"):
        headings = [s.heading for s in clauses(data, lang)]
        assert len(headings) == len(set(headings))
        page = _text(_partial(app, data, lang))
        pdf_text = re.sub(r"\s+", "", pdftotext(render_contract_pdf(data, [], lang=lang)))
        for heading in headings:
            assert re.sub(r"\s+", "", heading) in page, heading
            assert re.sub(r"\s+", "", heading) in pdf_text, heading
    keys = [s.key for s in clauses(data, "zh")]
    expected = {"parties", "recitals", "patent", "fees", "warranties", "confidentiality",
                "breach", "dispute", "recording", "effect"}
    if kind != "assignment":
        expected |= {"scope", "reporting", "assistance", "improvements", "infringement"}
    assert expected <= set(keys)
    assert keys == [s.key for s in clauses(data, "en") if s.key != "translation"]


def test_the_english_copy_is_marked_as_a_translation(app, agreed):
    data = contract_data(agreed("non_exclusive"))
    assert clauses(data, "en")[0].heading == en.MARK
    assert "English reading copy" in _partial(app, data, "en")
    text = check_pdf(render_contract_pdf(data, [], lang="en"), en.MARK, "Chinese text prevails")
    # the mark is in the footer of every page too
    pages = text.split("\f")
    assert all("Chinese text prevails" in page for page in pages if page.strip())
    with pytest.raises(ValueError):
        clauses(data, "fr")


def test_the_pdf_is_the_same_bytes_every_time(agreed):
    data = contract_data(agreed("exclusive"))
    first = render_contract_pdf(data, SIGNED)
    assert render_contract_pdf(json.loads(json.dumps(data)), SIGNED) == first
    assert render_contract_pdf(data, SIGNED[:1]) != first


def test_stored_data_renders_the_same_after_a_rename_and_a_listing_change(agreed, sme):
    deal = agreed("exclusive")
    stored = json.dumps(contract_data(deal))  # as the signing step keeps it
    before = render_contract_pdf(json.loads(stored), SIGNED)
    sme.org.name, sme.org.address = "沈阳改名科技有限公司", "沈阳市和平区新址1号"
    deal.patent.title = "改过的标题"
    deal.territory = "全国"
    commit()
    assert render_contract_pdf(json.loads(stored), SIGNED) == before
    assert "沈阳改名科技有限公司" not in pdftotext(before)
    # the live data has moved on, and so has its hash
    assert data_sha256(contract_data(deal)) != data_sha256(json.loads(stored))


def test_footer_carries_the_number_and_hash_on_every_page(agreed):
    deal = agreed("open_licence")
    sign_contract(deal, deal.licensee.users[0])  # the licensee's signature concludes it
    commit()
    data = contract_data(deal)
    assert data["contract_number"] is not None
    text = pdftotext(render_contract_pdf(data, []))
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert data["contract_number"] in page and data_sha256(data) in page


def test_signature_blocks_filled_or_blank(app, agreed):
    data = contract_data(agreed("sole"))
    blank = re.sub(r"\s+", "", pdftotext(render_contract_pdf(data, [])))
    assert blank.count("法定代表人或授权代表（签字）") == 2 and "李四" not in blank
    signed = render_contract_pdf(data, SIGNED)
    # signed_at is printed in Shenyang time: 06:05 UTC is 14:05, 15:30 UTC the next day 23:30
    check_pdf(signed, "李四", "王五", "2026年3月1日14:05（北京时间）", "2026年3月2日23:30（北京时间）",
              "a" * 64)
    page = _text(_partial(app, data, "zh", SIGNED[:1]))
    assert "李四" in page and "2026年3月1日14:05" in page and "王五" not in page


def test_data_is_canonical_and_hash_is_of_its_json(agreed):
    data = contract_data(agreed("open_licence"))
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    import hashlib
    assert data_sha256(data) == hashlib.sha256(canonical.encode()).hexdigest()

    def walk(value):
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(data)
    assert data["version"] is None and data["fees"]["currency"] == "CNY"
    assert data["payment"]["payee"]["party"] == "licensor"


def test_a_placeholder_contact_is_never_printed_as_a_name(make_user, make_listing, sme):
    uni = make_user(kind=__import__("market.models", fromlist=["OrgKind"]).OrgKind.UNIVERSITY,
                    contact_name="联系人")
    deal = deals.take_open(sme, make_listing(uni.org).offers[0], details_of(sme))
    commit()
    data = contract_data(deal)
    assert data["parties"]["licensor"]["contact_name"] is None
    text = pdftotext(render_contract_pdf(data, []))
    assert "联系人及联系方式：联系人" not in re.sub(r"\s+", "", text)
    assert "见本合同签署栏所载签署人" in re.sub(r"\s+", "", text)


def test_deal_page_dates_match_the_contract(client, agreed, sme):
    """The deal page's "in force until" comes from the same rule as the contract's end."""
    from ..conftest import log_in
    deal = agreed("open_licence")
    sign_contract(deal, sme)  # the licensee's signature concludes it
    commit()
    db.session.refresh(deal)
    assert deal.contract_number
    data = contract_data(deal)
    assert deal.in_force_until.isoformat() == data["term"]["end"]
    assert local_date(deal.concluded_at) <= date.fromisoformat(data["term"]["start"])
    log_in(client, sme)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "2034年11月30日" in page and "锂电池负极" in page
    assert "不限" not in page.split('id="contract"')[0]  # the terms card: the declared field
    assert "合同全文" in page and "English reading copy" in page


@pytest.mark.parametrize("receiver", ["licensor", "centre"])
def test_the_contract_names_the_payee_of_the_payment_rule(app, agreed, receiver):
    """The contract, the payment page and the receipt read one payee rule: the licensor's
    own account by default, the centre's in escrow mode."""
    app.config["PAYMENT_RECEIVER"] = receiver
    try:
        data = contract_data(agreed("exclusive"))
    finally:
        app.config["PAYMENT_RECEIVER"] = "licensor"
    payee = data["payment"]["payee"]
    assert payee["party"] == receiver
    if receiver == "centre":
        assert payee["account_name"] == app.config["PAYMENT_BANK_ACCOUNT_NAME"]
    else:
        assert payee["account_name"] == data["parties"]["licensor"]["name"]
        assert payee["bank"] and payee["account_number"]  # the factory's university has one
    assert ("运营中心的账户" in _text(_partial(app, data))) is (receiver == "centre")


def test_a_contract_on_an_application_names_its_application_number(make_listing, university,
                                                                     sme):
    """ZL means granted: a licence of a patent application cites the application number."""
    patent = make_listing(university.org, legal_status=LegalStatus.PENDING,
                          offers=[{**LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE}])
    deal = deals.request_deal(sme, patent.offers[0], proposal_of(patent.offers[0]), "请求")
    deals.accept(deal, university)
    data = contract_data(deal)
    assert data["patents"][0]["patent_number"] is None
    zh_text, en_text = ("\n".join(p for s in clauses(data, lang) for p in s.paragraphs)
                        for lang in ("zh", "en"))
    assert f"专利申请号：{patent.application_number}" in zh_text and "ZL" not in zh_text
    assert f"Application number: {patent.application_number}" in en_text
