
import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.domain.money import InvalidAmount, format_fen, format_yuan_short, parse_yuan


@pytest.mark.parametrize(
    "amount, kwargs, expected",
    [
        (123_400, {}, "¥1,234.00"),
        (123_456, {}, "¥1,234.56"),
        (5, {}, "¥0.05"),
        (0, {}, "¥0.00"),
        (2_000_000_000, {}, "¥20,000,000.00"),
        (-150, {}, "-¥1.50"),
        (123_400, {"locale": "en_US"}, "CN¥1,234.00"),
        (100_00, {"currency": "USD", "locale": "en_US"}, "$100.00"),
        (100, {"currency": "JPY", "locale": "ja_JP"}, "￥100"),  # JPY has no minor unit
    ],
)
def test_format_fen(amount, kwargs, expected):
    assert format_fen(amount, **kwargs) == expected


@pytest.mark.parametrize("bad", [1.5, 100.0, True, "100"])
def test_format_fen_refuses_non_integers(bad):
    with pytest.raises(TypeError):
        format_fen(bad)
    with pytest.raises(TypeError):
        format_yuan_short(bad)


@pytest.mark.parametrize(
    "amount, expected",
    [
        (5_000_000, "¥50,000"),
        (123_456_750, "¥1,234,567.50"),
        (5, "¥0.05"),
        (0, "¥0"),
        (-100, "-¥1"),
    ],
)
def test_format_yuan_short(amount, expected):
    assert format_yuan_short(amount) == expected


@pytest.mark.parametrize(
    "text, fen",
    [
        ("1,234.5", 123_450),
        ("¥1234", 123_400),
        ("￥1,234.56", 123_456),
        ("1234元", 123_400),
        ("１２３４．５６", 123_456),
        ("１，２３４元", 123_400),
        (" 0 ", 0),
        ("0.01", 1),
        ("RMB 50,000", 5_000_000),
        ("人民币 3 元", 300),
        ("20000000", 2_000_000_000),
        ("007", 700),
        ("1.", 100),
    ],
)
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen
    assert isinstance(parse_yuan(text), int)


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "required"),
        ("  元 ", "required"),
        ("-5", "negative"),
        ("－5", "negative"),
        ("¥-5", "negative"),
        ("1.234", "too_many_decimals"),
        ("0.001", "too_many_decimals"),
        ("abc", "invalid"),
        ("12,34", "invalid"),
        ("1,2345", "invalid"),
        ("1.2.3", "invalid"),
        ("1e5", "invalid"),
        ("5万", "invalid"),
        ("NaN", "invalid"),
        ("99999999999999", "too_large"),
    ],
)
def test_parse_yuan_refuses(text, code):
    with pytest.raises(InvalidAmount) as info:
        parse_yuan(text)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert str(info.value.message)


@given(st.integers(0, 10**15 - 1))
def test_format_then_parse_round_trip(fen):
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_yuan_short(fen)) == fen


@given(st.integers(0, 10**12), st.integers(0, 99))
def test_parse_plain_numbers(yuan, fen):
    assert parse_yuan(f"{yuan}.{fen:02d}") == yuan * 100 + fen
    assert parse_yuan(f"{yuan:,}") == yuan * 100
