"""A new listing looked up in the open demands' key terms (no database, no index)."""
from market.search.demand_terms import DemandTermIndex, listing_terms

BATTERY = [["锂电池", ["锂电池"], 1.0], ["低温", ["低温"], 0.8], ["续航", ["续航"], 0.5],
           ["电解液改性", ["电解液", "改性"], 0.6]]
CORN = [["玉米", ["玉米"], 1.0], ["秸秆", ["秸秆"], 0.9]]


def _index():
    index = DemandTermIndex(min_share=0.3)
    index.add(1, BATTERY)
    index.add(2, CORN)
    index.add(3, [])  # a demand without key terms reaches nothing
    return index


def test_a_listing_reaches_the_demand_whose_terms_it_holds():
    terms = listing_terms("一种锂电池低温加热装置", "提高锂电池在低温环境下的续航。")
    found = _index().match(terms)
    assert [demand_id for demand_id, _share in found] == [1]
    assert round(found[0][1], 3) == round(2.3 / 2.9, 3)


def test_one_shared_word_is_not_enough_for_a_demand_of_four_terms():
    assert _index().match(listing_terms("一种锂电池外壳", "")) == []


def test_a_compound_term_needs_all_its_parts():
    index = DemandTermIndex(min_share=0.1)
    index.add(1, [["电解液改性", ["电解液", "改性"], 1.0]])
    assert index.match(frozenset({"电解液"})) == []
    assert index.match(frozenset({"电解液", "改性"})) == [(1, 1.0)]
    assert len(index) == 1
