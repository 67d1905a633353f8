"""Journey 4 of JOURNEYS.md in a browser: an IP service agency registers (its CNIPA agency
code checked), the centre verifies it, it lists a certified broker; an SME grants it a
mandate; the broker opens a licence request for the SME, the university accepts and signs,
and the SME signs (the broker is never offered a signature). The deal and its ledger row
record the agency; its public page counts the deal. Screenshots at 1280 and 390 px (into
$SHOTS_DIR when set)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import Deal, DealState, LedgerEntry, LicenceKind, OfferKind, OrgKind, User

from ..factories import new_credit_code
from .test_deals import _log_out, _patent, _sign, _user
from .test_onboarding import PASSWORD, _centre_user, _log_in

pytestmark = pytest.mark.e2e
UNIVERSITY, SME, AGENCY = "东北测试大学", "沈阳铁西装备有限公司", "沈阳知桥知识产权代理有限公司"


@pytest.fixture()
def listing(live_app):
    university = _user(OrgKind.UNIVERSITY, UNIVERSITY, "tto@neu.example.cn")
    _user(OrgKind.SME, SME, "zhao@sme.example.cn", "铁西区")
    db.session.flush()
    patent = _patent(university.org, "一种高强度铝合金焊接工艺", dict(
        kind=OfferKind.LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
        upfront_mode="waived", royalty_bp=300, term_years=5))
    db.session.commit()
    _centre_user()
    return patent


def _register_agency(page, base, shots):
    page.goto(f"{base}/account/register")
    page.get_by_label("机构类型").select_option("agency")
    page.get_by_label("统一社会信用代码").fill(new_credit_code())
    page.get_by_label("机构名称（中文）").fill(AGENCY)
    page.get_by_label("所在区县").select_option("浑南区")
    page.get_by_label("地址").fill("沈阳市浑南区创新路 8 号")
    page.get_by_label("联系人").fill("钱经理")
    page.get_by_label("联系电话").fill("024-23456789")
    page.get_by_label("联系邮箱").fill("office@zhiqiao.example.cn")
    page.get_by_label("CNIPA 专利代理机构代码").fill("2110")  # one digit short
    page.get_by_label("您的姓名").fill("钱经理")
    page.get_by_label("您的邮箱（用于登录）").fill("qian@zhiqiao.example.cn")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("营业执照（扫描件或 PDF）").set_input_files(files=[{
        "name": "营业执照.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%licence\n"}])
    page.get_by_label("我已阅读并同意用户协议和隐私政策。").check()
    page.get_by_role("button", name="注册").last.click()
    assert page.locator("#cnipa_agency_code-error").is_visible()
    shots(page, "agency-01-register-code-error")
    page.get_by_label("CNIPA 专利代理机构代码").fill("21101")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("营业执照（扫描件或 PDF）").set_input_files(files=[{
        "name": "营业执照.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%licence\n"}])
    page.get_by_role("button", name="注册").last.click()
    page.wait_for_url("**/org/*")
    assert page.get_by_text("待审核").first.is_visible()


def test_agency_registers_gets_a_mandate_and_brokers_a_licence(live_server, page, shots,
                                                               listing):
    base = live_server.url
    offer = listing.offers[0]

    # the agency registers, then the centre verifies it (the code shown in the queue)
    _register_agency(page, base, shots)
    _log_out(page)
    _log_in(page, base, "centre@example.cn")
    page.goto(f"{base}/centre/verification")
    assert page.get_by_text("21101").is_visible()
    page.get_by_role("button", name="通过认证").click()
    assert page.get_by_text("目前没有等待审核的机构").is_visible()
    _log_out(page)

    # the agency describes itself and lists its technology broker
    _log_in(page, base, "qian@zhiqiao.example.cn")
    page.goto(f"{base}/agencies/profile")
    page.get_by_label("技术经纪").check()
    page.get_by_label("价值评估").check()
    page.get_by_label("高端装备").check()
    page.get_by_role("button", name="保存简介").click()
    page.wait_for_url("**/org/*")
    page.goto(f"{base}/agencies/profile")
    page.get_by_label("姓名").fill("钱经理")
    page.get_by_label("资格").select_option("tech_broker")
    page.get_by_label("证书编号").fill("JJR-2024-0088")
    page.get_by_role("button", name="加入人员名单").click()
    assert page.get_by_text("JJR-2024-0088").is_visible()
    shots(page, "agency-02-profile-form")
    _log_out(page)

    # the SME grants the agency a mandate to negotiate and draft, with a broker's fee
    _log_in(page, base, "zhao@sme.example.cn")
    page.get_by_role("link", name="对服务机构的委托").click()
    page.get_by_label("服务机构").select_option(label=AGENCY)
    page.get_by_label("至（最后一天）").fill((local_today() + timedelta(days=180)).isoformat())
    page.get_by_label("每笔成交交易的经纪费（元，选填）").fill("5000")
    page.get_by_role("button", name="授予委托").click()
    assert page.locator("#mandates").get_by_text(AGENCY).is_visible()
    shots(page, "agency-03-mandate-granted")
    _log_out(page)

    # the broker opens a request for the SME from the patent's page
    _log_in(page, base, "qian@zhiqiao.example.cn")
    page.get_by_role("link", name="委托", exact=True).click()
    assert page.get_by_text(SME).first.is_visible()
    shots(page, "agency-03b-mandates-held")
    page.goto(f"{base}/patents/{listing.id}")
    page.get_by_role("link", name="代委托方申请").click()
    page.wait_for_url(f"**/deals/request/{offer.id}/for")
    page.get_by_label("委托方").select_option(label=SME)
    page.get_by_label("留言").fill("受沈阳铁西装备有限公司委托，申请普通许可。")
    shots(page, "agency-04-broker-request")
    page.get_by_role("button", name="发送请求").click()
    page.wait_for_url("**/deals/*")
    deal_url = page.url
    deal_id = int(deal_url.rstrip("/").rsplit("/", 1)[1])
    assert page.locator("#broker-notice").is_visible()
    assert AGENCY in page.locator("#deal-broker").inner_text()
    _log_out(page)

    # the university accepts and signs
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(deal_url)
    page.get_by_role("button", name="接受这些条款").click()
    page.get_by_role("link", name="审阅合同全文").click()
    page.wait_for_url("**/review")
    _sign(page)
    page.wait_for_url(deal_url)
    _log_out(page)

    # the broker sees the contract waiting, but no signature is offered to it
    _log_in(page, base, "qian@zhiqiao.example.cn")
    page.goto(f"{deal_url}/review")
    assert page.get_by_role("button", name="签署合同").count() == 0
    page.goto(deal_url)
    shots(page, "agency-05-broker-sees-deal")
    _log_out(page)

    # the SME signs: concluded
    _log_in(page, base, "zhao@sme.example.cn")
    page.goto(f"{deal_url}/review")
    _sign(page)
    page.wait_for_url(deal_url)
    assert page.get_by_text("您已签署合同，合同已成立。").is_visible()
    _log_out(page)

    db.session.expire_all()
    deal = db.session.get(Deal, deal_id)
    broker = db.session.scalar(select(User).where(User.email == "qian@zhiqiao.example.cn"))
    assert deal.state == DealState.CONCLUDED
    assert (deal.broker_org_id, deal.broker_user_id, deal.broker_fee_fen) == (
        broker.org_id, broker.id, 500_000)
    row = db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal_id)).one()
    assert row.broker_org_id == broker.org_id

    # the agency's public page shows its record
    page.goto(f"{base}/org/{broker.org_id}")
    assert page.locator("#agency-record").get_by_text("1", exact=True).is_visible()
    assert page.get_by_text("JJR-2024-0088").is_visible()
    shots(page, "agency-06-public-profile")
