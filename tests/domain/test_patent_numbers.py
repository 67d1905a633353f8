import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.domain.patent_numbers import (
    InvalidPatentNumber,
    check_character,
    looks_like_patent_number,
    normalise_application_number,
    normalise_publication_number,
    patent_number,
    patent_type_of,
)

VALID = ["201710601862.3", "95115608.X", "97101765.4", "201080063196.9"]


def reference_check(digits):
    """Independent restatement of the DOMAIN.md rule."""
    weights = [2, 3, 4, 5, 6, 7, 8, 9] * 2
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("number", VALID)
def test_domain_examples_are_valid(number):
    digits, check = number.split(".")
    assert check_character(digits) == check
    assert normalise_application_number(number) == number


@pytest.mark.parametrize("number", VALID)
def test_every_single_character_corruption_is_refused(number):
    positions = [i for i, c in enumerate(number) if c != "."]
    for i in positions:
        alphabet = "0123456789X" if i == len(number) - 1 else "0123456789"
        for replacement in alphabet:
            if replacement == number[i]:
                continue
            corrupted = number[:i] + replacement + number[i + 1 :]
            with pytest.raises(InvalidPatentNumber):
                normalise_application_number(corrupted)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ZL 2017 1060 1862.3", "201710601862.3"),
        ("zl201710601862.3", "201710601862.3"),
        ("2017106018623", "201710601862.3"),
        ("95115608x", "95115608.X"),
        ("CN201710601862.3", "201710601862.3"),
        ("ＺＬ２０１７１０６０１８６２．３", "201710601862.3"),
        ("  ZL201710601862。3\n", "201710601862.3"),
        ("ZL95115608.x", "95115608.X"),
        ("CN 2010 8006 3196 9", "201080063196.9"),
    ],
)
def test_decorated_forms_normalise(raw, expected):
    assert normalise_application_number(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "required"),
        ("  ZL ", "required"),
        ("201710601862", "missing_check_character"),
        ("95115608", "missing_check_character"),
        ("2017106018.3", "invalid_format"),
        ("201710601862.34", "invalid_format"),
        ("CN107357845A", "invalid_format"),
        ("hello", "invalid_format"),
        ("201710601862.Y", "invalid_format"),
        ("199910601862.3", "invalid_year"),
        ("50115608.X", "invalid_year"),
        ("201740601862.3", "invalid_type"),
        ("201710601862.4", "check_character_mismatch"),
    ],
)
def test_errors_have_stable_codes(raw, code):
    with pytest.raises(InvalidPatentNumber) as info:
        normalise_application_number(raw)
    assert info.value.code == code
    assert info.value.field == "application_number"
    assert isinstance(info.value, ValueError)
    assert str(info.value.message)  # renders without an app context
    assert str(info.value).startswith(code + ": ")


def test_check_character_rejects_non_digits():
    with pytest.raises(ValueError):
        check_character("2017A")
    with pytest.raises(ValueError):
        check_character("")


def with_check(digits):
    return f"{digits}.{reference_check(digits)}"


@pytest.mark.parametrize(
    "number, kind",
    [
        ("201710601862.3", "invention"),
        ("201080063196.9", "invention"),
        ("95115608.X", "invention"),
        (with_check("201920012345"), "utility_model"),
        (with_check("201930012345"), "design"),
        (with_check("201990012345"), "utility_model"),
        (with_check("98212345"), "utility_model"),
        (with_check("02312345"), "design"),
    ],
)
def test_patent_type(number, kind):
    assert patent_type_of(number) == kind
    assert patent_type_of("ZL " + number.replace(".", "")) == kind


def test_patent_number():
    assert patent_number("2017 1060 1862.3") == "ZL201710601862.3"
    with pytest.raises(InvalidPatentNumber):
        patent_number("201710601862.4")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("CN107357845A", "CN107357845A"),
        ("cn 107357845 a", "CN107357845A"),
        ("107357845U", "CN107357845U"),
        ("ＣＮ１０７３５７８４５Ｂ", "CN107357845B"),
        ("CN107357845B1", "CN107357845B1"),
        ("CN1073578S", None),
        ("CN107357845D", None),
        ("CN1073578451A", None),
        ("CN107357845", None),
    ],
)
def test_publication_numbers(raw, expected):
    if expected is None:
        with pytest.raises(InvalidPatentNumber) as info:
            normalise_publication_number(raw)
        assert info.value.field == "publication_number"
        assert info.value.code == "invalid_format"
    else:
        assert normalise_publication_number(raw) == expected


def test_empty_publication_number():
    with pytest.raises(InvalidPatentNumber) as info:
        normalise_publication_number(" ")
    assert (info.value.code, info.value.field) == ("required", "publication_number")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ZL 2017 1060 1862.3", ("application", "201710601862.3")),
        ("2017106018623", ("application", "201710601862.3")),
        ("cn107357845a", ("publication", "CN107357845A")),
        ("201710601862.4", (None, "201710601862.4")),
        (" 机器人 ", (None, "机器人")),
        ("2017", (None, "2017")),
        ("", (None, "")),
    ],
)
def test_looks_like_patent_number(text, expected):
    assert looks_like_patent_number(text) == expected


new_style = st.builds(
    lambda year, kind, serial: f"{year}{kind}{serial:07d}",
    st.integers(2003, 2099),
    st.sampled_from("12389"),
    st.integers(0, 9_999_999),
)
old_style = st.builds(
    lambda year, kind, serial: f"{year:02d}{kind}{serial:05d}",
    st.sampled_from([*range(85, 100), *range(4)]),
    st.sampled_from("12389"),
    st.integers(0, 99_999),
)
canonical_numbers = st.one_of(new_style, old_style).map(with_check)


@st.composite
def decorated(draw, canonical):
    text = canonical
    if draw(st.booleans()):
        text = text.replace(".", draw(st.sampled_from(["", "．", "。"])))
    if draw(st.booleans()):
        text = text.replace("X", "x")
    chars = list(text)
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(
            draw(st.integers(0, len(chars))),
            draw(st.sampled_from([" ", "\u3000", "\t"])),
        )
    text = draw(
        st.sampled_from(["", "ZL", "zl", "Zl", "CN", "cn", "ZL ", "CN "])
    ) + "".join(chars)
    if draw(st.booleans()):
        text = full_width(text)
    return (
        draw(st.sampled_from(["", " ", "\n"]))
        + text
        + draw(st.sampled_from(["", " ", "\r\n"]))
    )


@given(st.data(), canonical_numbers)
def test_any_decorated_form_normalises_to_canonical(data, canonical):
    raw = data.draw(decorated(canonical))
    assert normalise_application_number(raw) == canonical
    assert normalise_application_number(canonical) == canonical
    assert patent_number(raw) == "ZL" + canonical
    assert looks_like_patent_number(raw) == ("application", canonical)


@given(canonical_numbers)
def test_type_digit_decides_patent_type(canonical):
    digits = canonical.split(".")[0]
    type_digit = digits[4] if len(digits) == 12 else digits[2]
    expected = {
        "1": "invention",
        "8": "invention",
        "2": "utility_model",
        "9": "utility_model",
        "3": "design",
    }
    assert patent_type_of(canonical) == expected[type_digit]


@given(canonical_numbers, st.data())
def test_random_single_digit_corruption_is_refused(canonical, data):
    positions = [i for i, c in enumerate(canonical) if c.isdigit()]
    i = data.draw(st.sampled_from(positions))
    replacement = data.draw(
        st.sampled_from([d for d in "0123456789" if d != canonical[i]])
    )
    with pytest.raises(InvalidPatentNumber):
        normalise_application_number(canonical[:i] + replacement + canonical[i + 1 :])


@given(st.text())
def test_arbitrary_text_never_crashes(text):
    try:
        result = normalise_application_number(text)
    except InvalidPatentNumber:
        return
    assert re.fullmatch(r"(\d{8}|\d{12})\.[0-9X]", result)
