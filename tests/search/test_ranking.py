"""Ranking: whole words above pieces of longer words, BM25F proper across fields."""
from market.search.analysis import SUBWORD_WEIGHT, segment, segment_weighted
from market.search.index import build_index, close_all
from market.search.query import search
from tests.search.conftest import doc


def ids(res):
    return [h.id for h in res.hits]


def test_segment_weighted_marks_pieces_of_longer_words():
    terms, weights = segment_weighted("无人机与锂离子电池")
    assert terms == segment("无人机与锂离子电池")  # the same terms as the index always had
    weight = dict(zip(terms, weights, strict=True))
    assert weight["无人机"] == 1.0 and weight["锂离子电池"] == 1.0
    assert weight["无人"] == SUBWORD_WEIGHT and weight["电池"] == SUBWORD_WEIGHT
    assert SUBWORD_WEIGHT < 1.0


def test_whole_word_outranks_the_same_word_inside_another(tmp_path):
    # same lengths, the word once each: in 2 only as a piece of 锂离子电池
    ix = tmp_path / "ix"
    build_index(ix, [
        doc(1, "储能柜", "一种储能柜，内置锂离子电池组与散热风道。"),
        doc(2, "储能柜", "一种储能柜，内置电池组与散热风道和锂离子。"),
    ])
    try:
        assert search(ix, "锂离子").total == 2
        assert ids(search(ix, "锂离子"))[0] == "2"
    finally:
        close_all()


def test_a_title_mention_does_not_outweigh_a_document_about_the_word(tmp_path):
    # 1 names 轴承 in its title and once in its abstract; 2 is about bearings throughout
    # its abstract. Summing a saturated score per field ranks 1 first.
    ix = tmp_path / "ix"
    filler = "设备运行平稳，维护方便，结构紧凑，适用范围广。"
    build_index(ix, [
        doc(1, "一种带轴承的输送机", "输送机包括机架、滚筒、轴承和电机。" + filler),
        doc(2, "一种传动装置", "轴承座内装有轴承，轴承外圈设有密封圈，润滑由油路供给。"
            + filler),
        *(doc(10 + i, f"无关专利{i}", filler * 3) for i in range(6)),
    ])
    try:
        assert ids(search(ix, "轴承"))[0] == "2"
    finally:
        close_all()
