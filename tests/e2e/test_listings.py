"""A university lists a patent with an open licence and imports a CSV with one bad row."""
import csv
import re

import pytest

from market.extensions import db
from market.models import OrgKind
from market.services import imports

from ..factories import make_user, new_application_number
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def university(live_app):
    user = make_user(db.session, kind=OrgKind.UNIVERSITY, name="沈北理工大学",
                     email="tto@example.cn", password=PASSWORD, user_name="李老师",
                     district="沈北新区", address="沈阳市沈北新区道义大街 1 号",
                     contact_name="李老师", contact_email="tto@example.cn")
    db.session.commit()
    return user


def test_create_listing_with_open_licence(live_server, page, shot, university):
    _log_in(page, live_server.url, "tto@example.cn")
    page.goto(f"{live_server.url}/patents/new")
    page.get_by_label("申请号").fill("ZL 2017 1060 1862.3")
    page.get_by_label("专利名称").fill("一种石墨烯导热薄膜的制备方法")
    page.get_by_label("法律状态").select_option("granted")
    page.get_by_label("申请日").fill("2017-07-26")
    page.get_by_label("授权日").fill("2020-03-10")
    page.get_by_label("IPC 分类号").fill("C01B 32/184; H05K 7/20")
    page.get_by_label("摘要").fill("本发明公开了一种石墨烯导热薄膜，导热系数高，适合电子设备散热。")
    page.get_by_label("交易方式").select_option("open_licence")
    page.get_by_label("向国家知识产权局声明日期").fill("2025-01-06")
    assert page.get_by_label("国家知识产权局公告号").is_visible()  # left empty: awaiting it
    page.get_by_label("首付（入门费）").select_option("deferred")
    page.get_by_label("首付金额（元）").fill("50000")
    page.get_by_label("延期至").select_option("months")
    page.get_by_label("签约后月数").fill("12")
    page.get_by_label("提成比例（%）").fill("3")
    page.get_by_label("年销售额超过此数额的部分才提成（元）").fill("1000000")
    page.get_by_label("许可期限（年）").fill("5")
    assert not page.locator("#licence_kind-field").is_visible()  # only for licences on request
    shot("01-new-listing-form")
    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url(re.compile(r"/patents/\d+$"))  # "**/patents/*" matches /patents/new
    summary = "首付 0 元，签约 12 个月后支付 ¥50,000；年销售额超过 ¥1,000,000 的部分按 3% 提成；许可期 5 年"
    assert page.get_by_text(summary).is_visible()
    assert page.get_by_text("ZL201710601862.3").first.is_visible()
    assert page.get_by_text("已声明，待公告").is_visible()
    shot("02-listing-page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("03-listing-page-phone")


def test_import_csv_with_one_bad_row(live_server, page, shot, university, tmp_path):
    path = tmp_path / "portfolio.csv"
    keys = [key for key, _, _ in imports.COLUMNS]
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([zh for _, zh, _ in imports.COLUMNS])
        good = new_application_number(2019)
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
        for i, number in enumerate([new_application_number(2019), bad,
                                    new_application_number(2019)]):
            values = {"application_number": number, "title": f"一种焊接机器人{i}",
                      "ipc_codes": "B25J 9/16", "legal_status": "有效", "filing_date": "2019-05-06",
                      "grant_date": "2021-08-10", "offer": "开放许可", "upfront_mode": "免除",
                      "term_years": "3", "publish": "是"}
            writer.writerow([values.get(k, "") for k in keys])
    _log_in(page, live_server.url, "tto@example.cn")
    page.goto(f"{live_server.url}/patents/import")
    page.get_by_label("专利清单文件（.csv 或 .xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert errors.locator("tbody tr").count() == 1
    row = errors.locator("tbody tr").first.inner_text()
    assert "3" in row and "申请号" in row
    shot("04-import-preview")
    page.get_by_role("button", name="导入 2 条挂牌").click()
    page.wait_for_url("**/patents/mine")
    assert page.get_by_text("已导入 2 条挂牌").is_visible()
    shot("05-my-listings")
