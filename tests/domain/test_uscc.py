import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.domain.uscc import InvalidCreditCode, normalise_uscc

# Real Shenyang companies' codes (from the shared companies sample).
VALID = [
    "912101007019789764",
    "91210000744335161P",
    "91210102734663487X",
    "91210102734650141Q",
]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert normalise_uscc(code) == code


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("91210000744335161P\n", "91210000744335161P"),
        ("91210000744335161p\r\n", "91210000744335161P"),
        ("\t91210102734663487x ", "91210102734663487X"),
        ("９１２１０１００７０１９７８９７６４", "912101007019789764"),
        ("9121 0000 7443 3516 1P", "91210000744335161P"),
        ("\u200b91210000744335161P\x00", "91210000744335161P"),
        ("9121-0000-7443-3516-1P", "91210000744335161P"),
    ],
)
def test_decorated_codes_normalise(raw, expected):
    assert normalise_uscc(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "required"),
        (" \n", "required"),
        ("91210000744335161Q", "invalid_checksum"),
        ("9121000074433516", "invalid_length"),
        ("91210000744335161PP", "invalid_length"),
        ("912100007443351I1P", "invalid"),
        ("91210000744335161?", "invalid"),
    ],
)
def test_invalid_codes(raw, code):
    with pytest.raises(InvalidCreditCode) as info:
        normalise_uscc(raw)
    assert info.value.code == code
    assert info.value.field == "credit_code"
    assert isinstance(info.value, ValueError)
    assert str(info.value.message)


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_substitution_is_refused(code):
    for i in range(len(code)):
        for replacement in ALPHABET:
            if replacement != code[i]:
                with pytest.raises(InvalidCreditCode):
                    normalise_uscc(code[:i] + replacement + code[i + 1 :])


@given(st.text(max_size=30))
def test_arbitrary_text_raises_only_invalid_credit_code(text):
    try:
        result = normalise_uscc(text)
    except InvalidCreditCode:
        return
    assert re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", result)
