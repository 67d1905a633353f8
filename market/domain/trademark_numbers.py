"""Chinese trademark registration numbers (商标注册号): the sequential number CNIPA's Trademark
Office gives a registration, digits only (8 digits for today's registrations, fewer for older
ones). People write them as on the certificate, "第12345678号"; the number is what is kept."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

MAX_DIGITS = 9
_DECORATION = re.compile(r"[\s第号號]")
_NUMBER = re.compile(rf"[1-9][0-9]{{0,{MAX_DIGITS - 1}}}")


class InvalidTrademarkNumber(ValueError):
    """A trademark registration number that cannot be accepted (``message`` for users)."""

    def __init__(self, code: str, message):
        super().__init__(code, message)
        self.code = code
        self.message = message


def normalise_trademark_number(text: str) -> str:
    """The digits of a registration number typed as "12345678", "第12345678号" or with spaces.
    Raises InvalidTrademarkNumber for anything else (letters, a leading zero, too long)."""
    raw = (text or "").strip()
    number = _DECORATION.sub("", raw)
    if not _NUMBER.fullmatch(number):
        raise InvalidTrademarkNumber("bad_trademark", _l(
            "“%(number)s” is not a trademark registration number: it is up to %(max)d digits, "
            "like 12345678 (as on the registration certificate, 第12345678号).",
            number=raw[:40], max=MAX_DIGITS))
    return number
