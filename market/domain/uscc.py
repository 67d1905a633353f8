"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

__all__ = ["InvalidCreditCode", "normalise_uscc"]


class InvalidCreditCode(ValueError):
    """A credit code that fails validation; ``code`` is stable."""

    def __init__(self, code: str, message):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field = "credit_code"

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def normalise_uscc(raw: str) -> str:
    """Return the 18-character credit code, upper-case, validated.

    NFKC-folds (full-width input), removes whitespace, control and format
    characters, then validates with stdnum.cn.uscc. Raises InvalidCreditCode
    (field 'credit_code') with code 'required', 'invalid_length',
    'invalid_checksum' or 'invalid'.
    """
    if not isinstance(raw, str):
        raise TypeError("credit codes must be str")
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "C"
    )
    text = text.replace("-", "").upper()
    if not text:
        raise InvalidCreditCode("required", _l("Enter the unified social credit code."))
    try:
        # stdnum 2.2 can raise a bare ValueError on odd input: catch both.
        return uscc.validate(text)
    except InvalidLength:
        raise InvalidCreditCode(
            "invalid_length", _l("A unified social credit code has 18 characters.")
        ) from None
    except InvalidChecksum:
        raise InvalidCreditCode(
            "invalid_checksum",
            _l(
                "The last character of the credit code does not match; please check for a typing error."
            ),
        ) from None
    except (ValidationError, ValueError):
        raise InvalidCreditCode(
            "invalid", _l("This is not a valid unified social credit code.")
        ) from None
