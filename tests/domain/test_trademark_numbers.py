import pytest

from market.domain.trademark_numbers import InvalidTrademarkNumber, normalise_trademark_number


@pytest.mark.parametrize("typed, number", [
    ("12345678", "12345678"), ("第12345678号", "12345678"), (" 1234 5678 ", "12345678"),
    ("123", "123"), ("第 7654321 號", "7654321")])
def test_registration_numbers_are_kept_as_their_digits(typed, number):
    assert normalise_trademark_number(typed) == number


@pytest.mark.parametrize("typed", ["", "AB123456", "01234567", "1234567890", "12345678.X",
                                   "G1234567", "１２３４"])
def test_anything_but_digits_is_refused(typed, app):
    with pytest.raises(InvalidTrademarkNumber) as caught:
        normalise_trademark_number(typed)
    assert caught.value.code == "bad_trademark"
    assert "12345678" in str(caught.value.message)
