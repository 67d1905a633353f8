"""The offline evaluation: condensed lists and the substring-scan peer."""
from market.search.evaluate import (
    SubstringScan,
    condensed,
    judged_scope,
    metrics_at_k,
    run_queries,
)
from tests.search.conftest import doc

SOURCES = {"kp", "ipc"}


def test_judged_scope_from_column_or_source():
    assert judged_scope({"judged_scope": "kp rows in dev only"}, SOURCES) == "kp"
    assert judged_scope({"judged_scope": "", "source": "ipc"}, SOURCES) == "ipc"
    assert judged_scope({"judged_scope": "none (no judgements)", "source": "x"}, SOURCES) is None


def test_condensed_list_drops_unjudged_records_before_the_cut():
    source_of = {str(i): ("kp" if i % 2 else "ipc") for i in range(30)}
    ranked = [str(i) for i in range(30)]  # every even id is outside the judged scope
    relevant = {"19": 1.0}
    assert metrics_at_k(ranked, relevant)[0] == 0.0  # plain: rank 20, beyond the cut
    cut = condensed(ranked, "kp", source_of)
    assert cut[:3] == ["1", "3", "5"]
    assert metrics_at_k(cut, relevant)[:2] == (1.0, 0.1)  # 10th judged record
    assert condensed(ranked, None, source_of) == ranked


def test_scan_ranks_title_matches_first():
    scan = SubstringScan([doc("a", "搅拌装置", "沥青沥青"), doc("b", "沥青路面", ""),
                          doc("c", "其他", "无关")])
    assert scan("沥青") == ["b", "a"]
    assert scan("  ") == []


def test_run_queries_reports_engine_and_scan(index_dir, docs):
    rows = [{"query": "石墨烯", "query_type": "keyphrase", "relevant_ids": "4",
             "relevance_grades": "1", "judged_scope": "kp rows", "source": "kp"}]
    source_of = {d["id"]: ("kp" if d["id"] == "4" else "ipc") for d in docs}
    out = run_queries(str(index_dir), rows, source_of=source_of, scan=SubstringScan(docs))
    assert out["n"] == 1
    assert out["condensed_recall_at_10"] == 1.0 and out["condensed_mrr_at_10"] == 1.0
    assert out["scan_condensed_mrr_at_10"] == 1.0
    assert out["scan_mrr_at_10"] == 0.5  # the scan puts doc 1 (title match, unjudged) first
