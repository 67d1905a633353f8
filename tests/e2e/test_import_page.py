"""The bulk import in a browser: the page documents every column, a file written with the
form's labels (one bad value in one row) previews with one error line that lists the valid
values, and the good rows import. Screenshots at 1280 and 390 px (into $SHOTS_DIR when set);
neither width scrolls sideways."""
import csv
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import OrgKind, Patent
from market.services import imports

from ..factories import make_user, new_application_number
from .conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it)
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e


def _take(page, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"import-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def _file() -> bytes:
    base = {"title": "一种智能焊接机器人", "filing_date": "2019-05-06", "legal_status": "审查中",
            "offer": "协商许可", "licence_kind": "普通许可", "upfront_mode": "减收（签约时支付）",
            "upfront_fee_fen": "20000", "royalty_bp": "3", "royalty_base": "利润", "publish": "是"}
    rows = [{**base, "application_number": new_application_number(2019)} for _ in range(3)]
    rows[1]["legal_status"] = "审核中"  # the one bad value
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[zh for _, zh, _ in imports.COLUMNS],
                                  *[[r.get(k, "") for k, _, _ in imports.COLUMNS] for r in rows]])
    return buffer.getvalue().encode("utf-8-sig")


def test_import_page_preview_and_confirm(live_server, page, tmp_path):
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    make_user(db.session, kind=OrgKind.UNIVERSITY, name="沈阳工业大学", email="tto@example.cn",
              password=PASSWORD, user_name="王老师", contact_email="tto@example.cn")
    db.session.commit()
    _log_in(page, live_server.url, "tto@example.cn")
    page.goto(f"{live_server.url}/patents/import")
    page.locator("#import-columns summary").click()
    assert "审查中" in page.locator("#import-columns").inner_text()
    _take(page, folder, "page")
    upload = tmp_path / "portfolio.csv"
    upload.write_bytes(_file())
    page.get_by_label("专利清单文件（.csv 或 .xlsx）").set_input_files(str(upload))
    page.get_by_role("button", name="上传并检查").click()
    page.locator("#import-errors").wait_for()
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1  # one bad value, one line
    assert "审查中" in errors.inner_text() and "审核中" in errors.inner_text()
    _take(page, folder, "preview")
    page.get_by_role("button", name="导入 2 条挂牌").click()
    page.wait_for_url("**/patents/mine")
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 2
