"""A pledged patent in a browser: the centre records a pledge (a pledgor who does not hold
the patent is refused first), the licensor tries to accept an exclusive licence of the
pledged patent and is told why not, uploads the pledgee's consent and accepts; once the
contract is concluded a party records its technology contract registration; the centre
records the release. Screenshots at 1280 and 390 px (into $SHOTS_DIR when set)."""

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import Deal, DealState, OrgKind, PledgeDeal
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, make_listing, make_user, proposal_of, sign_contract
from .conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it)
from .test_onboarding import PASSWORD, _centre_user, _log_in

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n%consent\n" + b"0" * 200


def _user(kind, name, email):
    user = make_user(db.session, kind=kind, name=name, email=email, password=PASSWORD,
                     user_name="王经理", contact_email=email)
    db.session.commit()
    return user


@pytest.fixture()
def requested(live_server):
    """An SME's request for an exclusive licence, made before the patent was pledged."""
    from market.services import deals
    university = _user(OrgKind.UNIVERSITY, "沈阳工业大学", "tto@example.cn")
    sme = _user(OrgKind.SME, "沈阳浑南精密机械有限公司", "sme@example.cn")
    _user(OrgKind.SME, "沈阳某贸易有限公司", "other@example.cn")
    listing = make_listing(db.session, university.org, offers=[EXCLUSIVE],
                           title="一种数控机床主轴热误差补偿方法")
    offer = listing.offers[0]
    deal = deals.request_deal(sme, offer, proposal_of(offer), "希望获得独占许可。")
    commit()
    return university, sme, listing, deal


def _record_pledge(page, base, pledgor, number):
    page.goto(f"{base}/centre/pledges")
    page.get_by_label("出质人（机构名称或统一社会信用代码）").fill(pledgor)
    page.get_by_label("质权银行").fill("盛京银行沈阳分行")
    page.get_by_label("出质专利（申请号）").fill(number)
    page.get_by_label("商标（注册号，选填）").fill("第12345678号")
    page.get_by_label("金额（元）").fill("3000000")
    page.get_by_label("质押登记日期").fill(local_today().isoformat())
    page.get_by_role("button", name="登记", exact=True).click()


def test_licensor_needs_the_pledgees_consent(live_server, browser, page, shots, requested):
    university, sme, listing, deal = requested
    base = live_server.url
    _centre_user()
    _log_in(page, base, "centre@example.cn")
    _record_pledge(page, base, "沈阳某贸易有限公司", listing.application_number)
    error = page.locator("#patents-error")
    assert f"专利 {listing.application_number} 的权利人是沈阳工业大学" in error.inner_text()
    shots(page, "pledge-01-centre-pledgor-refused")
    _record_pledge(page, base, "沈阳工业大学", listing.application_number)
    page.wait_for_url(f"{base}/centre/pledges")
    assert "专利与商标混合质押 1 笔" in page.locator("#pledge-counts").inner_text()
    shots(page, "pledge-02-centre-pledge-recorded")
    page.get_by_text("登记质权人同意").click()
    assert page.get_by_label("质权人书面同意（扫描件或 PDF）").is_visible()
    shots(page, "pledge-02b-centre-consent-form")

    licensor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    other = licensor.new_page()
    _log_in(other, base, "tto@example.cn")
    other.goto(f"{base}/deals/{deal.id}")
    assert "专利已质押" in other.locator("#pledges").inner_text()
    other.get_by_role("button", name="接受这些条款").click()
    other.wait_for_url(f"**/deals/{deal.id}")
    assert f"专利 {listing.application_number} 已出质给盛京银行沈阳分行" in other.content()
    shots(other, "03-licensor-refused")
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).state == DealState.REQUESTED

    other.get_by_label("质权人书面同意（扫描件或 PDF）").set_input_files(
        {"name": "质权人同意书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    other.get_by_role("button", name="上传同意文件").click()
    other.wait_for_url(f"**/deals/{deal.id}#pledges")
    assert "质权人同意书.pdf" in other.locator("#pledges").inner_text()
    shots(other, "04-consent-uploaded")
    other.get_by_role("button", name="接受这些条款").click()
    other.wait_for_url(f"**/deals/{deal.id}")
    db.session.expire_all()
    accepted = db.session.get(Deal, deal.id)
    assert accepted.state == DealState.ACCEPTED

    sign_contract(accepted, sme, university)  # the signatures (tests/e2e/test_signed_...)
    commit()
    other.goto(f"{base}/deals/{deal.id}")
    section = other.locator("#tech-registration")
    assert "免征增值税" in section.inner_text()
    shots(other, "05-registration-reminder")
    other.get_by_label("技术合同登记号").fill("2026210103000123")
    other.get_by_label("登记日期").fill(local_today().isoformat())
    other.get_by_role("button", name="保存").click()
    other.wait_for_url(f"**/deals/{deal.id}#tech-registration")
    assert "已登记：2026210103000123" in other.locator("#tech-registration").inner_text()
    shots(other, "06-registration-recorded")
    licensor.close()

    page.goto(f"{base}/centre/pledges")
    page.get_by_text("登记解除质押").first.click()
    page.get_by_label("解除日期").fill(local_today().isoformat())
    page.get_by_role("button", name="登记解除质押").click()
    page.wait_for_url("**/centre/pledges#pledge-*")
    db.session.expire_all()
    assert db.session.scalars(select(PledgeDeal)).one().released_on == local_today()
    shots(page, "pledge-07-centre-released")
    page.goto(f"{base}/centre/indicators?year={local_today().year}")
    assert "（纯专利 0 个，专利与商标混合 1 个）" in page.content()
    shots(page, "pledge-08-indicators")
