import threading

from market.search.demand import demand_match
from market.search.index import (
    SearchIndex,
    add_documents,
    build_index,
    current_generation,
    delete_document,
    update_document,
)
from market.search.query import matching_ids, search
from market.search.suggestions import suggest_wider
from tests.search.conftest import doc


def ids(res):
    return [h.id for h in res.hits]


def test_compound_query_finds_and_ranks(index_dir):
    res = search(index_dir, "石墨烯")
    assert set(ids(res)) == {"1", "4"}
    assert res.total == 2
    assert search(index_dir, "基因编辑").hits[0].id == "3"


def test_or_semantics_with_coordination(index_dir):
    res = search(index_dir, "石墨烯 电池")
    assert ids(res)[0] == "4"  # matches both terms
    assert "1" in ids(res)  # OR: one term is enough


def test_mixed_english_query(index_dir):
    assert ids(search(index_dir, "battery"))[0] == "5"
    assert ids(search(index_dir, "BMS lithium"))[0] == "5"


def test_full_width_query(index_dir):
    assert ids(search(index_dir, "ＢＡＴＴＥＲＹ"))[0] == "5"
    assert search(index_dir, "ＧＯ６Ｆ").total == 1


def test_patent_numbers_go_straight_to_patent(index_dir):
    for q in ("ZL 2017 1060 1862.3", "ZL201710601862.3", "201710601862", "2017106018623",
              "201710601862.3"):
        res = search(index_dir, q)
        assert res.exact_match_id == "1", q
        assert ids(res) == ["1"]
    for q in ("CN112604685B", "cn112604685b", "112604685", "ＣＮ１１２６０４６８５Ｂ"):
        assert search(index_dir, q).exact_match_id == "2", q
    assert search(index_dir, "石墨烯").exact_match_id is None


def test_ipc_prefix(index_dir):
    assert ids(search(index_dir, "G06F")) == ["2"]
    assert ids(search(index_dir, "g06f 17/30")) == ["2"]
    assert ids(search(index_dir, "G06")) == [] or "2" in ids(search(index_dir, "G06"))
    res = search(index_dir, "C12N 育种")
    assert ids(res) == ["3"]
    assert set(ids(search(index_dir, "", filters={"ipc": "H01M"}))) == {"4"}


def test_highlights_are_escaped(index_dir):
    res = search(index_dir, "石墨烯")
    h = {x.id: x for x in res.hits}["4"]
    assert "<script>" not in h.title
    assert "&lt;script&gt;" in h.title
    assert "<mark>石墨烯</mark>" in h.title
    assert "<b>" not in h.snippet and "&lt;b&gt;<mark>石墨烯</mark>&lt;/b&gt;" in h.snippet
    assert "&amp;" in h.snippet


def test_facet_counts(index_dir):
    res = search(index_dir, "")  # browse all
    assert res.total == 8
    f = {k: {x["value"]: x["count"] for x in v} for k, v in res.facets.items()}
    assert f["industry"]["energy_environment"] == 3
    assert f["patent_type"] == {"invention": 6, "utility_model": 2}
    assert f["offer_kinds"]["licence"] == 5
    assert f["offer_kinds"]["open_licence"] == 3
    assert f["open_licence"] == {"true": 3, "false": 5}
    assert f["fee"]["0"] == 2
    assert f["district"]["浑南区"] == 3
    assert f["owner"]["o1"] == 2
    res = search(index_dir, "石墨烯")
    f = {k: {x["value"]: x["count"] for x in v} for k, v in res.facets.items()}
    assert f["owner"] == {"o1": 2}
    assert f["open_licence"] == {"true": 2}


def test_filters_and_sorts(index_dir):
    assert ids(search(index_dir, "石墨烯", filters={"patent_type": "utility_model"})) == ["4"]
    assert set(ids(search(index_dir, "", filters={"district": "浑南区", "open_licence": True}))) == {"1", "4"}
    assert set(ids(search(index_dir, "", filters={"offer_kinds": ["assignment"]}))) == {"3", "6"}
    assert set(ids(search(index_dir, "", filters={"fee": "0"}))) == {"1", "7"}
    assert set(ids(search(index_dir, "", filters={"owner_id": "o1"}))) == {"1", "4"}
    assert ids(search(index_dir, "", filters={"fee_min": 1, "fee_max": 300_000}, sort="fee")) == ["4", "5"]
    assert ids(search(index_dir, "", sort="newest"))[0] == "4"
    assert ids(search(index_dir, "石墨烯", sort="fee")) == ["1", "4"]
    res = search(index_dir, "", per_page=3, page=3)
    assert res.total == 8 and len(res.hits) == 2


def test_demand_match_returns_matched_terms(index_dir):
    text = ("我公司是一家污水处理企业，现需要一种高效的污水处理生物反应器技术，"
            "要求降低能耗并提高脱氮效率，同时希望反应器结构紧凑，便于改造现有污水处理设施。")
    res = demand_match(index_dir, text, top=5)
    assert res.hits and res.hits[0].id == "7"
    assert "污水处理" in res.terms and "污水处理" in res.matched_terms
    assert len(res.terms) <= 15
    assert "污水处理" in res.hits[0].matched_terms


def test_suggest_wider(index_dir):
    filters = {"district": "铁西区"}
    assert search(index_dir, "石墨烯", filters=filters).total == 0
    sugg = suggest_wider(index_dir, "石墨烯", filters)
    assert sugg and sugg[0]["kind"] in ("drop_filter", "drop_all_filters") and sugg[0]["total"] == 2
    sugg = suggest_wider(index_dir, "石墨烯 不存在词汇xyz")
    assert sugg == [] or all(s["total"] > 0 for s in sugg)


def test_missing_index_is_not_an_error(tmp_path):
    res = search(tmp_path / "none", "石墨烯")
    assert res.total == 0 and res.error == "index_not_built"


def test_single_document_writes(index_dir):
    update_document(index_dir, doc(9, "新型钙钛矿太阳能电池", "钙钛矿光伏组件"))
    assert ids(search(index_dir, "钙钛矿")) == ["9"]
    update_document(index_dir, doc(9, "改进的钙钛矿太阳能电池", ""))
    res = search(index_dir, "钙钛矿")
    assert res.total == 1 and "改进" in res.hits[0].title
    delete_document(index_dir, "9")
    assert search(index_dir, "钙钛矿").total == 0
    add_documents(index_dir, [doc(10, "氢燃料电池双极板"), doc(11, "氢燃料电池堆")])
    assert search(index_dir, "氢燃料").total == 2


def test_concurrent_writers_do_not_raise(index_dir):
    errors = []

    def writer(start):
        try:
            for i in range(start, start + 5):
                update_document(index_dir, doc(100 + i, f"并发写入测试专利{i}", "并发写入"))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k * 10,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert search(index_dir, "并发写入").total == 15


def test_concurrent_writer_processes_do_not_raise(index_dir):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_proc_writer, args=(str(index_dir), k)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert search(index_dir, "多进程写入").total == 6


def _proc_writer(path, k):
    for i in range(3):
        update_document(path, doc(f"p{k}-{i}", f"多进程写入测试{k}{i}"))


def test_rebuild_and_swap_while_reading(index_dir, docs):
    holder = SearchIndex(index_dir)
    stop = threading.Event()
    errors, counts = [], []

    def reader():
        while not stop.is_set():
            try:
                r = search(holder, "石墨烯")
                counts.append(r.total)
                if r.total == 0:
                    errors.append(r.error)
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        first = current_generation(index_dir)
        for k in range(3):
            build_index(index_dir, docs + [doc(f"r{k}", "重建石墨烯专利")])
        update_document(index_dir, doc("w1", "重建期间写入石墨烯"))
    finally:
        stop.set()
        for t in threads:
            t.join()
    holder.close()
    assert errors == []
    assert current_generation(index_dir) != first
    assert set(counts) <= {2, 3, 4}
    res = search(index_dir, "石墨烯")
    assert res.total == 4  # 2 originals + r2 + w1


def test_write_during_rebuild_is_not_lost(index_dir, docs, monkeypatch):
    import market.search.index.writer as ixmod

    real_replay = ixmod._replay_journal

    def replay(index_dir_, gen):
        # a write lands after the new generation was built, before the swap
        return real_replay(index_dir_, gen)

    from dataclasses import replace

    from market.search.index.kinds import LISTING

    calls = []
    orig_add = LISTING.build_schema

    def schema_and_write():
        if not calls:
            calls.append(1)
            update_document(index_dir, doc("late", "重建过程中新增的钙钛矿专利"))
        return orig_add()

    monkeypatch.setattr(ixmod, "_replay_journal", replay)
    build_index(index_dir, docs, kind=replace(LISTING, build_schema=schema_and_write))
    assert ids(search(index_dir, "钙钛矿")) == ["late"]


def test_word_boundaries(tmp_path):
    """A query word matches inside a longer word of a document, never a piece of itself."""
    build_index(tmp_path / "wb", [
        doc(1, "人机协作机器人的安全控制方法", "操作者与机器人人机协作。"),
        doc(2, "一种植保无人机", "无人机喷洒农药。"),
        doc(3, "温拌沥青混合料及其制备方法", "降低沥青混合料的拌和温度。"),
        doc(4, "镍基高温合金材料", "一种高温合金材料。"),
    ])
    ix = tmp_path / "wb"
    assert ids(search(ix, "无人机")) == ["2"]
    assert matching_ids(ix, "无人机") == {"2"}
    assert ids(search(ix, "沥青")) == ["3"]
    assert ids(search(ix, "合金材料")) == ["4"]  # cut as 高温合金 + 材料 in the document
    assert set(ids(search(ix, "无人机 人机协作"))) == {"1", "2"}  # OR of whole words
