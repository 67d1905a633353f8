"""The centre's home (its work queues), its register of every deal, and its own bar."""
import csv
import io
from datetime import timedelta

import pytest

from market.extensions import db
from market.models import DealState, OrgStatus
from market.models.base import utcnow

from .test_operations import _deal

pytestmark = pytest.mark.db


@pytest.fixture()
def deals(make_org, make_listing):
    sme_a, sme_b = make_org(name="甲科技有限公司"), make_org(name="乙科技有限公司")
    patent = make_listing(title="一种低温储能柜")
    made = {
        "old": _deal(patent, sme_a, DealState.REQUESTED, age_days=400),
        "done": _deal(patent, sme_b, DealState.CONCLUDED, age_days=20,
                      concluded_at=utcnow() - timedelta(days=10), contract_number="SYIP-T-1"),
        "new": _deal(patent, sme_a, DealState.REQUESTED, age_days=1),
    }
    db.session.commit()
    return {"sme_a": sme_a, "sme_b": sme_b, **made}


def _ids(html: str, deals: dict) -> set[str]:
    return {name for name in ("old", "done", "new")
            if f'/deals/{deals[name].id}"' in html}


def test_the_register_lists_every_deal_and_filters(client, login_as, deals):
    login_as("centre")
    assert _ids(client.get("/centre/deals").get_data(as_text=True), deals) == {
        "old", "done", "new"}
    by_state = client.get("/centre/deals?state=concluded").get_data(as_text=True)
    assert _ids(by_state, deals) == {"done"}
    by_org = client.get(f"/centre/deals?org={deals['sme_a'].id}").get_data(as_text=True)
    assert _ids(by_org, deals) == {"old", "new"}
    this_year = deals["new"].created_at.year
    if deals["old"].created_at.year != this_year:  # 400 days ago: last year or before
        by_year = client.get(f"/centre/deals?year={this_year}").get_data(as_text=True)
        assert "old" not in _ids(by_year, deals)
    by_contract = client.get("/centre/deals?q=SYIP-T").get_data(as_text=True)
    assert _ids(by_contract, deals) == {"done"}
    nothing = client.get("/centre/deals?q=不存在的专利").get_data(as_text=True)
    assert not _ids(nothing, deals) and "没有符合条件的交易" in nothing


def test_the_register_exports_what_the_filters_show(client, login_as, deals):
    login_as("centre")
    response = client.get("/centre/deals/export.csv?state=concluded")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["交易", "合同编号"]
    assert rows[0][5:7] == ["被许可方", "被许可方类型"]
    assert [(r[0], r[1], r[5], r[6]) for r in rows[1:]] == [
        (str(deals["done"].id), "SYIP-T-1", "乙科技有限公司", "中小企业")]


def test_the_centre_home_counts_what_waits(client, login_as, make_org, deals):
    make_org(status=OrgStatus.PENDING)
    login_as("centre")
    html = client.get("/centre/").get_data(as_text=True)
    assert "待审核的机构" in html and "/centre/verification" in html
    assert 'aria-label="1 项待处理"' in html  # the bar's badge on 审核


def test_the_centre_has_its_own_bar_and_no_deals_of_its_own(client, login_as):
    login_as("centre")
    html = client.get("/centre/").get_data(as_text=True)
    assert 'class="centre-nav"' in html and "/centre/deals" in html
    assert 'href="/deals/"' not in html  # "My deals": the centre is never a party


def test_others_keep_my_deals_and_see_no_centre_bar(client, login_as):
    login_as("sme")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/deals/"' in html and 'class="centre-nav"' not in html


def test_a_filter_value_that_is_not_one_is_ignored(client, login_as, deals):
    login_as("centre")
    html = client.get("/centre/deals?kind=nonsense&state=nonsense").get_data(as_text=True)
    assert _ids(html, deals) == {"old", "done", "new"}


def test_members_reach_home_by_the_brand_and_their_organisation_by_their_name(
        client, login_as):
    """The main bar keeps to the work (one row at 1280 px in Chinese): no 首页 or 我的机构
    entry for members; the brand and the name in the header lead there."""
    anonymous = client.get("/").get_data(as_text=True)
    assert '<nav class="main-nav"' in anonymous and '>首页</a>' in anonymous
    login_as("sme")
    html = client.get("/").get_data(as_text=True)
    nav = html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '>首页</a>' not in nav and 'href="/org/"' not in nav
    # the tooltip holds the whole name (a long one is cut on the bar) and where it leads
    assert 'class="user-link" href="/org/" title="测试用户 · 我的机构"' in html
    assert 'href="/org/" title="测试用户 · 我的机构" aria-current="page"' in \
        client.get("/org/", follow_redirects=True).get_data(as_text=True)
