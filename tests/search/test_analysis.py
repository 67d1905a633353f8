from market.search.analysis import (
    normalise_ipc,
    normalise_text,
    number_keys,
    query_number_keys,
    segment,
    segment_weighted,
    segment_weighted_prefix,
)


def test_compound_words_are_kept_whole():
    assert "石墨烯" in segment("一种石墨烯薄膜")
    assert "基因编辑" in segment("基因编辑水稻")
    assert "碳纳米管" in segment("碳纳米管复合材料")


def test_mixed_chinese_english_and_stemming():
    toks = segment("锂电池Battery Management系统 batteries")
    assert "batteri" in toks  # English stemmed
    assert "manag" in toks
    assert "系统" in toks and "锂电池" in toks or "电池" in toks


def test_full_width_folded_and_lowercased():
    assert normalise_text("ＧＯ６Ｆ　１２３") == "go6f 123"
    assert segment("ＡＢＣ石墨烯") == segment("abc石墨烯")
    assert normalise_ipc("ＧＯ６Ｆ") == "G06F"
    assert normalise_ipc("g06f 17/30") == "G06F17/30"
    assert normalise_ipc("石墨烯") is None


def test_stopwords_and_punctuation_dropped():
    toks = segment("一种，的。本发明")
    assert toks == []


def test_number_keys_doc_and_query_agree():
    keys = number_keys("ZL201710601862.3") | number_keys("CN112604685B")
    for q in ("ZL 2017 1060 1862.3", "201710601862", "2017106018623", "201710601862.3",
              "zl201710601862.3", "CN112604685B", "112604685", "cn 112604685 b"):
        assert set(query_number_keys(q)) & keys, q
    assert query_number_keys("石墨烯") == []


def test_the_terms_of_a_texts_opening_are_counted_without_segmenting_it_twice():
    text = "防火涂覆材料层，含氧化镁与滑石粉。"
    terms, weights, n = segment_weighted_prefix(text, 8)  # 防火涂覆材料层，
    assert (terms, weights) == segment_weighted(text)
    assert terms[:n] == segment_weighted(text[:8])[0] == ["防火", "涂覆", "材料", "层"]
    n9 = segment_weighted_prefix(text, 9)[2]
    assert terms[n9 - 1] == "含" and n9 == n + 1  # a word starting in the opening counts
    assert segment_weighted_prefix(text, 1000)[2] == len(terms)
