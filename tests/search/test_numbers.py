"""Number queries are answered as numbers: the listing, or "not listed here", never text hits."""
import pytest

from market.search.index import build_index, close_all
from market.search.numbers import parse_number_query
from market.search.query import matching_ids, search
from tests.search.conftest import DOCS, doc

LISTED = "201710601862.3"  # DOCS[0]
UNLISTED = "201810123456.5"


@pytest.fixture
def number_index(tmp_path):
    """The usual documents plus one that mentions the unlisted numbers in its text."""
    d = tmp_path / "ix"
    build_index(d, [dict(x) for x in DOCS] + [doc(
        9, "一种引用其他申请的装置 2018 1012 3456",
        "参见申请 201810123456.5、201810123456.7、ZL201810123456.5 和 CN109422483A 的说明书。")])
    yield d
    close_all()


@pytest.mark.parametrize("typed", [
    LISTED, "CN" + LISTED, "ZL" + LISTED, "zl" + LISTED, "ZL-2017-1060-1862.3",
    "2017 1060 1862.3", "ZL 2017 1060 1862.3", "201710601862", "2017106018623",
    "２０１７１０６０１８６２．３", "CN 2017 1060 1862.3",
])
def test_listed_application_or_patent_number_finds_that_listing_only(number_index, typed):
    res = search(number_index, typed)
    assert [h.id for h in res.hits] == ["1"] and res.total == 1, typed
    assert res.exact_match_id == "1"
    assert res.number.patent_type == "invention"
    assert matching_ids(number_index, typed) == {"1"}


@pytest.mark.parametrize("typed", ["CN112604685B", "cn112604685b", "112604685",
                                   "ＣＮ１１２６０４６８５Ｂ"])
def test_listed_publication_number(number_index, typed):
    res = search(number_index, typed)
    assert [h.id for h in res.hits] == ["2"], typed
    assert res.number.kind == "publication"


@pytest.mark.parametrize("typed, kind, shown", [
    (UNLISTED, "application", UNLISTED),
    ("CN" + UNLISTED, "application", UNLISTED),
    ("2018 1012 3456.5", "application", UNLISTED),
    ("201810123456", "application", UNLISTED),
    ("ZL" + UNLISTED, "patent", "ZL" + UNLISTED),
    ("ZL-2018-1012-3456.5", "patent", "ZL" + UNLISTED),
    ("CN109422483A", "publication", "CN109422483A"),
])
def test_unlisted_number_answers_not_listed_without_text_hits(number_index, typed, kind, shown):
    res = search(number_index, typed)
    assert res.hits == [] and res.total == 0, typed  # doc 9 mentions it in its text: no hit
    assert res.number.kind == kind and res.number.number == shown
    assert res.number.error is None and res.number.patent_type == "invention"
    assert matching_ids(number_index, typed) == set()


@pytest.mark.parametrize("typed, expected", [
    ("201810123456.7", UNLISTED), ("ZL201810123456.7", "ZL" + UNLISTED),
    ("2018 1012 3456.7", UNLISTED), ("201710601862.4", LISTED),  # even with a listing
])
def test_wrong_check_character_is_named_and_gives_no_hits(number_index, typed, expected):
    res = search(number_index, typed)
    assert res.hits == [] and res.total == 0
    assert res.number.error == "check_character_mismatch"
    assert res.number.expected == expected


def test_patent_type_from_the_type_digit_or_kind_code():
    assert parse_number_query("201820123456.0").patent_type == "utility_model"
    assert parse_number_query("201830123456.6").patent_type == "design"
    assert parse_number_query("201880012345.5").patent_type == "invention"  # PCT
    assert parse_number_query("97101765.4").patent_type == "invention"  # before 2004
    assert parse_number_query("CN209123456U").patent_type == "utility_model"
    assert parse_number_query("CN305123456S").patent_type == "design"
    assert parse_number_query("201850123456.1").error == "invalid_type"


@pytest.mark.parametrize("text", ["石墨烯", "2018", "G06F 17/30", "20180101", "5g 基站", "3d打印"])
def test_words_and_short_numbers_stay_text(text):
    assert parse_number_query(text) is None
