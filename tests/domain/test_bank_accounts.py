"""The bank account a licensor is paid into: digits 8-30 once spaces go, the account name
the organisation's legal name or a reason why not."""
import pytest

from market.domain.bank_accounts import (
    InvalidBankAccount,
    check_bank_account,
    format_account_number,
    normalise_account_number,
)

NAME = "沈阳工业大学"


@pytest.mark.parametrize(("raw", "digits"), [
    ("6222 0210 0000 0000 01", "622202100000000001"),
    ("６２２２０２１０", "62220210"),            # full-width digits from a Chinese IME
    ("6222-0210-0000", "622202100000"),
    ("1" * 30, "1" * 30)])
def test_account_numbers_are_normalised(raw, digits):
    assert normalise_account_number(raw) == digits


@pytest.mark.parametrize("raw", ["", "   ", "1234567", "1" * 31, "6222 02IO 0000", "６２２２ABC"])
def test_bad_account_numbers_are_refused(raw):
    with pytest.raises(InvalidBankAccount) as refused:
        normalise_account_number(raw)
    assert refused.value.field == "account_number"


def test_the_legal_name_needs_no_reason_and_brackets_fold():
    account = check_bank_account(legal_name="中国科学院金属研究所（沈阳）",
                                 account_name="中国科学院金属研究所(沈阳)", bank_name="中国银行",
                                 account_number="12345678", name_note="ignored")
    assert account.name_note is None and account.account_number == "12345678"


def test_another_name_needs_a_reason():
    with pytest.raises(InvalidBankAccount) as refused:
        check_bank_account(legal_name=NAME, account_name="沈阳工业大学财务处", bank_name="中国银行",
                           account_number="12345678", name_note="")
    assert refused.value.field == "name_note"
    account = check_bank_account(legal_name=NAME, account_name="沈阳工业大学财务处",
                                 bank_name="中国银行", account_number="12345678",
                                 name_note="学校统一由财务处收款")
    assert account.name_note == "学校统一由财务处收款"


@pytest.mark.parametrize(("field", "values"), [
    ("account_name", {"account_name": " "}), ("bank_name", {"bank_name": ""})])
def test_required_fields(field, values):
    data = {"legal_name": NAME, "account_name": NAME, "bank_name": "中国银行",
            "account_number": "12345678", "name_note": None, **values}
    with pytest.raises(InvalidBankAccount) as refused:
        check_bank_account(**data)
    assert refused.value.field == field


def test_format_groups_of_four():
    assert format_account_number("622202100000000001") == "6222 0210 0000 0000 01"
