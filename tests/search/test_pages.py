"""The search page and the JSON API: same results, escaped highlights, Chinese queries."""
import re

import pytest

from market.models import OrgKind

from ..conftest import csrf_token, log_in
from .test_follow_db import publish

pytestmark = pytest.mark.db


@pytest.fixture()
def catalogue(make_user):
    uni = make_user(kind=OrgKind.UNIVERSITY)
    return {
        "graphene": publish(uni, "一种石墨烯导热薄膜的制备方法",
                            abstract="石墨烯薄膜导热性能好，用于手机散热。"),
        "gene": publish(uni, "基因编辑水稻育种方法", abstract="通过基因编辑获得抗病水稻。",
                        ipc_codes="C12N 15/82; A01H 1/00"),
        "cnc": publish(uni, "数控机床主轴冷却系统", abstract="对数控机床主轴进行循环冷却。",
                       ipc_codes="B23Q 11/12"),
        "xss": publish(uni, "<script>alert(1)</script>石墨烯电池",
                       abstract="含有<b>石墨烯</b>的电极 & 电池"),
        "uni": uni,
    }


def result_ids(page_html: str) -> list[int]:
    """The matches a results page lists (not the related patents that may follow them)."""
    matches = page_html.split('<section class="related-results"', 1)[0]
    return [int(i) for i in re.findall(r'<h3><a href="/patents/(\d+)"', matches)]


def related_ids(page_html: str) -> list[int]:
    if '<section class="related-results"' not in page_html:
        return []
    related = page_html.split('<section class="related-results"', 1)[1]
    return [int(i) for i in re.findall(r'<h3><a href="/patents/(\d+)"', related)]


@pytest.mark.parametrize("q, key", [
    ("石墨烯", "graphene"), ("基因编辑", "gene"), ("G06F", None), ("A01H", "gene"),
    ("数控机床 冷却", "cnc"), ("ＣＮＣ 数控机床", "cnc"),
])
def test_chinese_queries_find_what_a_person_expects(client, catalogue, q, key):
    ids = result_ids(client.get(f"/search/?q={q}").get_data(as_text=True))
    if key is None:
        assert ids == []
    else:
        assert catalogue[key].id in ids[:2]


@pytest.mark.parametrize("form", ["{zl}", "{plain}", "{nodot}", "ZL {spaced}", "{fullwidth}"])
def test_typed_number_goes_straight_to_the_patent(client, catalogue, form):
    number = catalogue["gene"].application_number
    typed = form.format(zl="ZL" + number, plain=number, nodot=number.replace(".", ""),
                        spaced=" ".join([number[:4], number[4:8], number[8:]]),
                        fullwidth=number.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}))
    response = client.get("/search/", query_string={"q": typed})
    assert response.status_code == 302, typed
    assert response.headers["Location"].endswith(f"/patents/{catalogue['gene'].id}")


def test_highlights_are_escaped(client, catalogue):
    page = client.get("/search/?q=石墨烯").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page and "<mark>石墨烯</mark>" in page
    assert "<b>石墨烯</b>" not in page


def test_api_results_equal_page_results(client, catalogue):
    for q in ("石墨烯", "水稻", "冷却", ""):
        page_ids = result_ids(client.get("/search/", query_string={"q": q}).get_data(as_text=True))
        api = client.get("/api/v1/patents", query_string={"q": q}).get_json()
        assert [r["id"] for r in api["results"]] == page_ids
        assert api["total"] == len(page_ids)
    detail = client.get(f"/api/v1/patents/{catalogue['graphene'].id}").get_json()
    assert detail["patent_number"] == catalogue["graphene"].patent_number
    assert detail["offers"][0]["summary_zh"].startswith("首付 0 元")


def test_facet_filter_narrows_and_empty_page_suggests_wider(client, catalogue):
    page = client.get("/search/?q=石墨烯&industry=modern_agriculture").get_data(as_text=True)
    assert result_ids(page) == []
    assert "empty-state" in page and "/search/?q=" in page.split("empty-state")[1]
    page = client.get("/search/?industry=biomedicine").get_data(as_text=True)
    assert result_ids(page) == [catalogue["gene"].id]


def test_sql_injection_strings_are_just_text(client, catalogue):
    for q in ("' OR 1=1 --", "石墨烯'; DROP TABLE patent; --", "%' UNION SELECT 1 --"):
        response = client.get("/search/", query_string={"q": q, "industry": q, "sort": q})
        assert response.status_code == 200
    assert result_ids(client.get("/search/?q=石墨烯").get_data(as_text=True))


def test_demand_matching_shows_matched_terms(client, catalogue):
    need = ("我公司生产智能手机和平板电脑，目前面临散热问题，希望引进石墨烯导热薄膜技术，"
            "提高导热性能，降低整机温度。要求技术成熟，可以批量生产，价格合理。") * 3
    response = client.post("/search/need", data={"need": need,
                                                 "csrf_token": csrf_token(client, "/search/need")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert result_ids(page)[0] == catalogue["graphene"].id
    assert 'name="drop" value="石墨烯"' in page  # shown as a key term the user can leave out


def test_saved_searches_page_and_delete(client, make_user, catalogue):
    sme = make_user(kind=OrgKind.SME)
    log_in(client, sme)
    client.post("/search/saved", data={"name": "导热", "query_string": "q=导热&fee=0",
                                      "csrf_token": csrf_token(client, "/search/?q=导热")})
    page = client.get("/search/saved").get_data(as_text=True)
    assert "导热" in page
    saved_id = re.search(r"/search/saved/(\d+)/delete", page).group(1)
    client.post(f"/search/saved/{saved_id}/delete",
                data={"csrf_token": csrf_token(client, "/search/saved")})
    assert "/delete" not in client.get("/search/saved").get_data(as_text=True)


def test_api_refuses_out_of_range_parameters(client):
    assert client.get("/api/v1/patents?sort=null").status_code == 400
    assert client.get("/api/v1/patents?page=0").status_code == 400
    assert client.get("/api/v1/patents?page=abc").status_code == 400
    assert client.get("/search/?sort=null&page=abc").status_code == 200  # the page forgives
    response = client.post("/api/v1/patents")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_anonymous_pages_cached_until_the_index_changes(client, catalogue):
    first = client.get("/search/?q=石墨烯").get_data(as_text=True)
    assert client.get("/search/?q=石墨烯").get_data(as_text=True) == first
    assert 'name="csrf_token"' not in first  # nothing personal in a cached page
    patent = publish(catalogue["uni"], "石墨烯散热片")
    after = client.get("/search/?q=石墨烯").get_data(as_text=True)
    assert f"/patents/{patent.id}" in after and after != first


def test_demand_form_has_its_own_page(client):
    page = client.get("/search/need").get_data(as_text=True)
    assert 'name="need"' in page and 'name="csrf_token"' in page


def test_huge_ids_and_long_filters_are_refused_not_crashes(client):
    assert client.get("/api/v1/patents/38123213340314663239815266304").status_code == 404
    assert client.get("/patents/38123213340314663239815266304").status_code == 404
    assert client.get("/api/v1/patents", query_string={"patent_type": "0" * 101}).status_code == 400


def test_only_smes_get_the_save_form_and_visitors_no_session(app, client, make_user,
                                                             catalogue):
    """The save-search form (and its CSRF token in the session) is made for SMEs only: an
    anonymous search page sets no cookie, so any cache or proxy may keep it."""
    response = client.get("/search/?q=基因编辑&lang=zh")
    assert not any("session=" in cookie for cookie in response.headers.getlist("Set-Cookie"))
    for role, sees_form in ((OrgKind.UNIVERSITY, False), (OrgKind.SME, True)):
        visitor = app.test_client()
        log_in(visitor, make_user(kind=role))
        page = visitor.get("/search/?q=基因编辑").get_data(as_text=True)
        assert ('class="save-search"' in page) is sees_form


@pytest.mark.parametrize("typed", ["201810123456.5", "CN201810123456.5", "2018 1012 3456.5",
                                   "ZL201810123456.5"])
def test_unlisted_number_says_not_listed_with_its_type(client, catalogue, typed):
    page = client.get("/search/", query_string={"q": typed}).get_data(as_text=True)
    assert result_ids(page) == []
    assert "number-answer" in page and "201810123456.5" in page
    assert "未在本平台挂牌" in page and "发明" in page.split("number-answer")[1]
    assert "empty-state" not in page  # no "try wider words" for a number


def test_wrong_check_character_is_explained(client, catalogue):
    page = client.get("/search/", query_string={"q": "201810123456.7"}).get_data(as_text=True)
    assert result_ids(page) == []
    assert "校验位有误" in page and "q=201810123456.5" in page


def test_demand_page_terms_can_be_left_out_and_added(client, catalogue):
    need = "我公司生产智能手机，散热问题突出，希望引进石墨烯导热薄膜，提高导热性能。"
    token = csrf_token(client, "/search/need")
    first = client.post("/search/need", data={"need": need, "title": "石墨烯导热",
                                              "csrf_token": token}).get_data(as_text=True)
    assert 'name="drop" value="石墨烯"' in first
    assert catalogue["graphene"].id in result_ids(first)
    page = client.post("/search/need", data={"need": need, "title": "石墨烯导热",
                                             "drop": "石墨烯", "add_term": "水稻",
                                             "csrf_token": token}).get_data(as_text=True)
    assert 'name="dropped" value="石墨烯"' in page and 'name="added" value="水稻"' in page
    assert 'name="drop" value="石墨烯"' not in page and 'name="drop" value="水稻"' in page
    assert catalogue["gene"].id in result_ids(page)
    assert result_ids(page) != result_ids(first)


def test_related_patents_follow_the_matches_under_their_own_heading(client, catalogue):
    film = publish(catalogue["uni"], "一种手机散热导热薄膜", abstract="导热薄膜贴于手机内部散热。")
    page = client.get("/search/", query_string={"q": "石墨烯"}).get_data(as_text=True)
    assert film.id not in result_ids(page)  # it does not name graphene
    assert related_ids(page) == [film.id]  # but it is about the same heat-spreading film
    assert "相关专利" in page and "不含您的检索词" in page
    page = client.get("/search/", query_string={"q": "水稻"}).get_data(as_text=True)
    assert related_ids(page) == [] and "相关专利" not in page  # nothing alike enough
