"""Related patents: the places of a page after the last match, filled with patents like the
best matches (pseudo-relevance feedback); the matches and their order are untouched."""
import pytest

from market.search.index import build_index, close_all
from market.search.query import search
from tests.search.conftest import doc

COATING = "防火涂覆材料层，含氧化镁与滑石粉，耐高温阻燃。"


@pytest.fixture()
def ix(tmp_path):
    path = tmp_path / "ix"
    build_index(path, [
        doc(1, "一种防火涂料", "防火涂料含氧化镁与滑石粉，涂覆于墙板，耐高温阻燃。"),
        doc(2, "一种防火家居墙板", COATING, industry="new_materials"),
        doc(3, "一种阻燃墙板", COATING, industry="biomedicine"),
        doc(4, "一种水稻育种方法", "通过杂交选育获得抗病水稻品种。"),
        doc(5, "无人机巡检系统", "无人机搭载相机对输电线路巡检。"),
    ])
    yield path
    close_all()


def ids(hits):
    return [h.id for h in hits]


def test_a_page_the_matches_do_not_fill_ends_with_patents_on_their_subject(ix):
    res = search(ix, "涂料")
    assert ids(res.hits) == ["1"] and res.total == 1  # the matches: only what holds the word
    assert set(ids(res.related)[:2]) == {"2", "3"}  # same subject, other words
    assert "1" not in ids(res.related)
    assert "4" not in ids(res.related)  # nothing in common with the matches


def test_related_patents_pass_the_filters(ix):
    res = search(ix, "涂料", filters={"industry": ["new_materials", "other"]})
    assert ids(res.hits) == ["1"]
    assert ids(res.related) == ["2"]


def test_no_related_patents_while_the_matches_fill_the_page(ix):
    assert search(ix, "墙板", per_page=2).related == []
    assert search(ix, "墙板", sort="newest").related == []  # only for the relevance order
    assert search(ix, "石墨烯").related == []  # no match: nothing to be like
