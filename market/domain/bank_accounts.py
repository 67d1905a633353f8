"""A Chinese bank account as a payee enters it: account name (户名), bank and branch
(开户银行), account number.

No library validates Chinese bank account numbers (python-stdnum has no CN module, and
banks use lengths from 8 to 30 digits with bank-specific or no check digits), so the
check is deliberately modest: digits only once spaces and dashes are removed, 8-30 of them.
The account name must be the organisation's legal name (a transfer to another name is the
commonest way money goes astray), unless the organisation says why it differs.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

ACCOUNT_DIGITS_MIN = 8
ACCOUNT_DIGITS_MAX = 30
_SEPARATORS = re.compile(r"[\s\-]+")


class InvalidBankAccount(ValueError):
    """A field of the bank account fails; ``field`` names it, ``message`` is for the user."""

    def __init__(self, field: str, message):
        super().__init__(field, str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class BankAccount:
    account_name: str
    bank_name: str
    account_number: str  # digits only
    name_note: str | None  # why the account name differs from the legal name


def normalise_account_number(raw: str | None) -> str:
    """The digits of ``raw`` (full-width digits folded, spaces and dashes removed).
    Raises InvalidBankAccount."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not text:
        raise InvalidBankAccount("account_number", _l("Enter the account number."))
    if not text.isascii() or not text.isdigit():
        raise InvalidBankAccount("account_number",
                                 _l("An account number has digits only (spaces are fine)."))
    if not ACCOUNT_DIGITS_MIN <= len(text) <= ACCOUNT_DIGITS_MAX:
        raise InvalidBankAccount("account_number", _l(
            "An account number has %(low)d to %(high)d digits; this one has %(n)d.",
            low=ACCOUNT_DIGITS_MIN, high=ACCOUNT_DIGITS_MAX, n=len(text)))
    return text


def _same_name(a: str, b: str) -> bool:
    # full-width and half-width brackets and spaces are the same name to a bank clerk
    def fold(text: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return fold(a) == fold(b)


def check_bank_account(*, legal_name: str, account_name: str | None, bank_name: str | None,
                       account_number: str | None, name_note: str | None) -> BankAccount:
    """The account checked and normalised. Raises InvalidBankAccount on the first field
    that fails."""
    account_name = (account_name or "").strip()
    bank_name = (bank_name or "").strip()
    name_note = (name_note or "").strip() or None
    if not account_name:
        raise InvalidBankAccount("account_name", _l("Enter the account name."))
    if not bank_name:
        raise InvalidBankAccount("bank_name", _l("Enter the bank and branch."))
    number = normalise_account_number(account_number)
    if _same_name(account_name, legal_name):
        name_note = None
    elif not name_note:
        raise InvalidBankAccount("name_note", _l(
            "The account name differs from the organisation's legal name (%(name)s). Payers "
            "are told to pay this name: say why it differs.", name=legal_name))
    return BankAccount(account_name, bank_name, number, name_note)


def format_account_number(digits: str | None) -> str:
    """Groups of four, as banks print account numbers."""
    digits = digits or ""
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
