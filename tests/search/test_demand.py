"""Demand matching: key terms without boilerplate, compounds kept whole, the user's edits."""
import pytest

from market.search.compounds import chunk, mine_compounds
from market.search.demand import demand_match
from market.search.index import build_index, close_all
from tests.search.conftest import doc

NEED = ("我公司生产户外储能柜，冬季低温环境下电池充放电效率明显下降，需要改善低温储能性能，"
        "缩短预热时间，提高电池热管理的效率，降低能耗。希望寻求电池热管理和低温储能方面的技术，"
        "研究开发新的方法和系统，实现问题的解决。")
BOILERPLATE = {"改善", "提高", "缩短", "降低", "下降", "效率", "环境", "方法", "系统", "装置", "研究",
               "开发", "技术", "实现", "问题", "能耗"}


@pytest.fixture
def demand_index(tmp_path):
    docs = [
        doc(1, "一种储能电池的低温加热装置", "在低温环境下对储能电池加热，提高充放电效率。",
            ipc=["H01M 10/615"]),
        doc(2, "动力电池热管理系统", "电池包热管理，液冷板与加热膜配合，改善低温性能。",
            ipc=["H01M 10/625"]),
        doc(3, "烟花生产线自动装药装置", "提高生产效率，缩短装药时间，降低能耗，改善作业环境。",
            ipc=["F42B 4/00"]),
        doc(4, "水稻育种方法", "缩短育种周期，提高效率，改善环境适应性。", ipc=["A01H 1/02"]),
        doc(5, "人机协作机器人的安全系统", "改善人机协作环境，提高效率。", ipc=["B25J 9/16"]),
        doc(6, "储能柜的温度控制方法", "储能柜内电池在低温下的温度控制。", ipc=["H01M 10/63"]),
    ]
    build_index(tmp_path / "ix", docs)
    yield tmp_path / "ix"
    close_all()


def test_boilerplate_never_becomes_a_key_term(demand_index):
    res = demand_match(demand_index, NEED, title="低温储能柜的电池热管理")
    assert res.terms
    assert not BOILERPLATE & set(res.terms), res.terms


def test_the_paragraphs_compounds_are_key_terms(demand_index):
    res = demand_match(demand_index, NEED)
    assert "低温储能" in res.terms  # repeated in the paragraph
    assert "热管理" in res.terms  # a compound mined from the corpus (compounds.txt)
    words = [w for w, _flag, _parts in chunk("储能系统的热管理方法")]
    assert "热管理" in words and "储能系统" not in words  # boilerplate never joins a compound


def test_hits_keep_to_the_field_of_the_need(demand_index):
    ids = [h.id for h in demand_match(demand_index, NEED).hits]
    assert ids and set(ids) <= {"1", "2", "6"}, ids  # no fireworks, rice or cobots


def test_dropping_or_adding_a_term_changes_the_results(demand_index):
    before = demand_match(demand_index, NEED)
    dropped = demand_match(demand_index, NEED, drop=["热管理"])
    assert "热管理" not in dropped.terms
    assert [h.id for h in dropped.hits] != [h.id for h in before.hits]
    added = demand_match(demand_index, "户外储能柜的电池。", add=["温度控制"])
    assert "温度控制" in added.terms and added.hits[0].id == "6"


def test_title_counts_above_the_body(demand_index):
    body = "电池与储能柜。" * 2
    assert demand_match(demand_index, body, title="热管理").terms[0] == "热管理"


def test_mining_keeps_frequent_noun_pairs():
    texts = ["电池热管理装置", "汽车热管理部件", "热管理模块", "一种杯子", "杯子把手"] * 3
    assert ("热", "管理") in mine_compounds(texts, min_count=3, min_pmi=0.0)
