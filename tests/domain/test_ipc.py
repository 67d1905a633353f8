import re
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given
from hypothesis import strategies as st

import market
from market.domain.ipc import (
    INDUSTRIES,
    IPC_INDUSTRY_PREFIXES,
    InvalidIPC,
    industry_for_ipc,
    parse_ipc,
    parse_ipc_list,
)
from market.labels import label


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("g06f17/30", "G06F 17/30"),
        ("G06F 17/30", "G06F 17/30"),
        ("G06F17 / 30", "G06F 17/30"),
        ("G06F", "G06F"),
        (" g06f ", "G06F"),
        ("Ｇ０６Ｆ　１７／３０", "G06F 17/30"),
        ("A61B 5/145", "A61B 5/145"),
        ("G06F 017/30", "G06F 17/30"),
        ("G06F17/30(2006.01)I", "G06F 17/30"),
        ("H01L 31/0224", "H01L 31/0224"),
    ],
)
def test_parse_ipc(raw, expected):
    assert parse_ipc(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["G06", "Z06F", "G6F", "G06F 17", "G06F17/3", "17/30", "G06F 17/30 H04L", "GO6F"],
)
def test_parse_ipc_refuses_and_names_the_code(raw):
    with pytest.raises(InvalidIPC) as info:
        parse_ipc(raw)
    assert info.value.code == "invalid_ipc"
    assert info.value.field == "ipc"
    assert info.value.value == raw.strip()
    assert raw.strip() in str(info.value.message)
    assert isinstance(info.value, ValueError)


def test_parse_ipc_empty():
    with pytest.raises(InvalidIPC) as info:
        parse_ipc("  ")
    assert info.value.code == "required"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("", []),
        ("G06F 17/30; H04L 29/06", ["G06F 17/30", "H04L 29/06"]),
        ("g06f17/30，H04L；A61K、C12N", ["G06F 17/30", "H04L", "A61K", "C12N"]),
        ("G06F H04L  A61K", ["G06F", "H04L", "A61K"]),
        ("G06F 17/30 H04L 29/06 G06Q", ["G06F 17/30", "H04L 29/06", "G06Q"]),
        ("G06F;g06f;G06F", ["G06F"]),
        ("G06F 17/30, g06f17/30, G06F", ["G06F 17/30", "G06F"]),
        ("B01J;C07C", ["B01J", "C07C"]),
        ("F02F 1/18;F02B 71/04;F01P 3/06", ["F02F 1/18", "F02B 71/04", "F01P 3/06"]),
        ("G06F17/30(2006.01)I;H04L29/06(2006.01)I", ["G06F 17/30", "H04L 29/06"]),
        (" ; , ", []),
    ],
)
def test_parse_ipc_list(raw, expected):
    assert parse_ipc_list(raw) == expected


@pytest.mark.parametrize(
    "raw, bad",
    [("G06F;XYZ;H04L", "XYZ"), ("G06F 17/30 17/31", "17/31"), ("A61K，G6F", "G6F")],
)
def test_parse_ipc_list_names_the_bad_code(raw, bad):
    with pytest.raises(InvalidIPC) as info:
        parse_ipc_list(raw)
    assert info.value.value == bad
    assert bad in str(info.value.message)


@pytest.mark.parametrize(
    "codes, industry",
    [
        (["A61K 31/00"], "biomedicine"),
        (["A61P"], "biomedicine"),
        (["C07K 14/47"], "biomedicine"),
        (["C12N 15/11"], "biomedicine"),
        (["G06F 17/30"], "electronic_information"),
        (["H04L 29/06"], "electronic_information"),
        (["H01L 21/02"], "electronic_information"),
        (["G11B"], "electronic_information"),
        (["A01B 1/00"], "modern_agriculture"),
        (["C22C 38/00"], "new_materials"),
        (["C04B"], "new_materials"),
        (["C08L 23/06"], "new_materials"),
        (["B82Y 30/00"], "new_materials"),
        (["B23K 26/00"], "high_end_equipment"),
        (["B25J 9/16"], "high_end_equipment"),
        (["F16H"], "high_end_equipment"),
        (["G05B 19/418"], "high_end_equipment"),
        (["B21D"], "high_end_equipment"),
        (["F03D 7/00"], "energy_environment"),
        (["H01M 10/0525"], "energy_environment"),
        (["B01D 53/86"], "energy_environment"),
        (["C02F 1/00"], "energy_environment"),
        (["F24S"], "energy_environment"),
        # longest prefix wins: photovoltaic cells refine H01L
        (["H01L 31/0224"], "energy_environment"),
        (["B25H"], "other"),  # B25J is robots; other B25 tools are not listed
        (["G06Q 50/18", "A61K"], "electronic_information"),  # first mapped code decides
        (["E04B", "A61K"], "biomedicine"),  # unmapped codes are skipped
        (["E04B"], "other"),
        ([], "other"),
        (["nonsense", "C12N"], "biomedicine"),
        ("B66C;A61K 9/00", "biomedicine"),
        ("B66C;bad;C22C", "new_materials"),
    ],
)
def test_industry_for_ipc(codes, industry):
    assert industry_for_ipc(codes) == industry


def test_industries_and_labels():
    assert INDUSTRIES == [
        "high_end_equipment",
        "new_materials",
        "biomedicine",
        "electronic_information",
        "modern_agriculture",
        "energy_environment",
        "other",
    ]
    # The plan's names of its industries (the Chinese lives in messages.po).
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(Path(market.__file__).parent / "translations"))
    with app.test_request_context(), force_locale("zh"):
        names = [label(code) for code in INDUSTRIES]
    assert names == [
        "高端装备",
        "新材料",
        "生物医药",
        "电子信息",
        "现代农业",
        "能源环保",
        "其他",
    ]
    assert set(IPC_INDUSTRY_PREFIXES.values()) <= set(INDUSTRIES) - {"other"}
    for prefix in IPC_INDUSTRY_PREFIXES:
        assert re.fullmatch(r"[A-H]\d{2}([A-Z]\d*)?", prefix), prefix


codes = st.builds(
    lambda section, cls, sub, group: (
        f"{section}{cls:02d}{sub}"
        + ("" if group is None else f" {group[0]}/{group[1]:02d}")
    ),
    st.sampled_from("ABCDEFGH"),
    st.integers(1, 99),
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.none() | st.tuples(st.integers(1, 9999), st.integers(0, 999999)),
)


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(
    codes,
    st.sampled_from(
        [
            str.lower,
            lambda s: s.replace(" ", ""),
            full_width,
            lambda s: s.replace("/", " / "),
        ]
    ),
)
def test_parse_ipc_normalises_decorated_codes(code, decorate):
    assert parse_ipc(code) == code
    assert parse_ipc(decorate(code)) == code


@given(
    st.lists(codes, max_size=6),
    st.sampled_from([";", "；", ",", "，", " ", "、", " ; "]),
)
def test_parse_ipc_list_round_trip(code_list, separator):
    expected = list(dict.fromkeys(code_list))
    assert parse_ipc_list(separator.join(code_list)) == expected
    assert industry_for_ipc(code_list) in INDUSTRIES
