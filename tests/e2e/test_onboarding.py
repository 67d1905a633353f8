"""An SME registers, the centre verifies it, the SME sees its verified profile."""
import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import Organisation, OrgStatus
from market.services import accounts
from market.unit_of_work import commit

from ..factories import new_credit_code

pytestmark = pytest.mark.e2e

PASSWORD = "a very long demo passphrase"


def _centre_user(email="centre@example.cn"):
    user = accounts.create_centre_user(email, "王主任", PASSWORD, {
        "name": "沈阳市知识产权运营服务中心", "credit_code": new_credit_code(),
        "district": "浑南区", "address": "沈阳市浑南区", "contact_name": "王",
        "contact_phone": "024-1", "contact_email": email})
    commit()
    return user


def _log_in(page, base, email):
    page.goto(f"{base}/account/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_sme_registers_centre_verifies_sme_sees_verified(live_server, page, shot):
    base = live_server.url
    _centre_user()

    page.goto(f"{base}/account/register")
    page.get_by_label("机构类型").select_option("sme")
    code = new_credit_code()
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("机构名称（中文）").fill("沈阳浑南测试科技有限公司")
    page.get_by_label("企业规模（自报）").select_option("small")
    page.get_by_label("所在区县").select_option("浑南区")
    page.get_by_label("地址").fill("沈阳市浑南区创新路 1 号")
    page.get_by_label("联系人").fill("李经理")
    page.get_by_label("联系电话").fill("024-23456789")
    page.get_by_label("联系邮箱").fill("contact@hunnan.example.cn")
    page.get_by_label("您的姓名").fill("李经理")
    page.get_by_label("您的邮箱（用于登录）").fill("li@hunnan.example.cn")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("营业执照（扫描件或 PDF）").set_input_files(files=[{
        "name": "营业执照.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%licence\n"}])
    page.get_by_label("我已阅读并同意用户协议和隐私政策。").check()
    shot("01-register-filled")
    page.get_by_role("button", name="注册").last.click()
    page.wait_for_url("**/org/*")
    assert page.get_by_text("待审核").first.is_visible()
    shot("02-pending-profile")
    page.get_by_role("button", name="退出").click()

    _log_in(page, base, "centre@example.cn")
    page.goto(f"{base}/centre/verification")
    assert page.get_by_text("沈阳浑南测试科技有限公司").is_visible()
    assert page.get_by_role("link", name="营业执照（营业执照.pdf）").is_visible()
    shot("03-verification-queue")
    page.get_by_role("button", name="通过认证").click()
    assert page.get_by_text("目前没有等待审核的机构").is_visible()
    page.get_by_role("button", name="退出").click()

    _log_in(page, base, "li@hunnan.example.cn")
    page.wait_for_url("**/org/*")
    assert page.get_by_text("已认证").first.is_visible()
    assert page.get_by_text(code).is_visible()
    shot("04-verified-profile")
    org = db.session.scalar(select(Organisation).where(Organisation.credit_code == code))
    assert org.status == OrgStatus.VERIFIED


def test_register_shows_inline_errors_and_phone_layout(live_server, page, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/account/register")
    page.get_by_label("统一社会信用代码").fill("123")
    page.get_by_role("button", name="注册").last.click()
    error = page.locator("#credit_code-error")
    assert error.is_visible()
    assert page.locator("#error-summary").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    shot("register-errors-phone")
