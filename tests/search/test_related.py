"""Related patents: the places of a page after the last match, filled with patents like the
best matches (pseudo-relevance feedback); the matches and their order are untouched."""
import pytest

from market.search.feedback import FEEDBACK_CHARS, decode
from market.search.index import (
    add_documents,
    build_index,
    close_all,
    open_index,
    segment_count,
)
from market.search.index import writer as index_writer
from market.search.index.documents import prepare_document
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


def stored_feedback(index_dir, doc_id: str) -> dict[str, float]:
    with open_index(index_dir).snapshot() as snap:
        docnum = snap.table.ids.index(doc_id)
        return decode(snap.searcher.stored_fields(docnum)["feedback"])


def test_each_patent_stores_the_counted_terms_related_patents_weigh(ix):
    # what the query path reads instead of segmenting the best matches again
    counts = stored_feedback(ix, "2")
    assert counts["防火"] == 3.0  # a title word counts twice, plus once in the abstract
    assert counts["墙板"] == 2.0 and counts["氧化镁"] == 1.0
    assert "氧化" not in counts  # only a piece of 氧化镁: not what the patent is about
    assert "一种" not in counts  # a stop word is no term


def test_only_the_opening_of_a_long_abstract_is_counted():
    abstract = "防火涂料。" + "，" * FEEDBACK_CHARS + "石墨烯薄膜。"
    counts = decode(prepare_document(doc(9, "一种墙板", abstract))["feedback"])
    assert "涂料" in counts and "墙板" in counts
    assert "石墨烯" not in counts and "薄膜" not in counts


def test_a_bulk_build_and_single_writes_store_the_same_terms_and_relate_alike(
        tmp_path, monkeypatch):
    docs = [doc(1, "一种防火涂料", "防火涂料含氧化镁与滑石粉，涂覆于墙板，耐高温阻燃。"),
            doc(2, "一种防火家居墙板", COATING), doc(3, "一种阻燃板材", COATING + "板材轻。"),
            doc(4, "一种水稻育种方法", "通过杂交选育获得抗病水稻品种。"),
            doc(5, "无人机巡检系统", "无人机搭载相机对输电线路巡检。")]
    # the bulk build's sub-writer processes prepare the documents themselves
    monkeypatch.setattr(index_writer, "POOL_MIN_DOCS", 1)
    build_index(tmp_path / "bulk", docs, procs=2, chunk_size=2)
    assert segment_count(tmp_path / "bulk") > 1  # written by several sub-writers
    build_index(tmp_path / "single", docs[:1], procs=1)
    add_documents(tmp_path / "single", docs[1:])
    for d in docs:
        assert stored_feedback(tmp_path / "bulk", d["id"]) == \
            stored_feedback(tmp_path / "single", d["id"]) != {}
    for q in ("涂料", "巡检", "水稻"):
        bulk, single = search(tmp_path / "bulk", q), search(tmp_path / "single", q)
        assert ids(bulk.hits) == ids(single.hits)
        assert ids(bulk.related) == ids(single.related)
    assert ids(search(tmp_path / "bulk", "涂料").related) == ["2", "3"]
    close_all()
