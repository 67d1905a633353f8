"""A user opens the email settings from the profile, switches deal events to the daily digest
and alerts to in-app only, and the page keeps working on a 390 px phone."""
import pytest

from market.domain.mail_kinds import DIGEST, IN_APP
from market.extensions import db
from market.services import mail_prefs

from ..factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


def test_choose_the_digest_and_in_app_only(live_server, page, shot):
    user = make_user(db.session, name="沈阳测试科技有限公司")
    db.session.commit()
    base = live_server.url
    page.goto(f"{base}/account/login")
    page.get_by_label("邮箱").fill(user.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}/org/{user.org_id}")
    page.get_by_role("link", name="邮件通知").click()
    page.get_by_role("group", name="交易动态（许可请求、还价、答复）").get_by_label("每日摘要").check()
    page.get_by_role("group", name="订阅检索提醒").get_by_label("仅站内通知").check()
    shot("notifications-1280")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("邮件通知设置已保存。").wait_for()
    db.session.rollback()
    choices = mail_prefs.choices_of(user)
    assert (choices["deals"], choices["alerts"]) == (DIGEST, IN_APP)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("notifications-390")
    page.goto(f"{base}/account/unsubscribe/{mail_prefs.unsubscribe_token(user, 'deals')}")
    shot("unsubscribe-390")
    page.get_by_role("button", name="退订").click()
    page.get_by_text("已退订").wait_for()
    shot("unsubscribed-390")
