"""Money as integer minor units (fen for CNY): formatting and parsing.

Amounts are always ``int`` fen; Decimal is used only to hand a value to Babel
for display. Never float.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from flask_babel import lazy_gettext as _l

__all__ = [
    "InvalidAmount",
    "format_fen",
    "format_yuan_short",
    "parse_yuan",
]

# Largest accepted amount: 10^13 yuan is far above any patent deal.
_MAX_YUAN_DIGITS = 13
_NUMBER_RE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?")


class InvalidAmount(ValueError):
    """An amount a user typed that cannot be read; ``code`` is stable."""

    def __init__(self, code: str, message, field: str = "amount"):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _require_int(amount_fen) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError(
            f"amounts are integer minor units (fen), not {type(amount_fen).__name__}"
        )


def format_fen(amount_fen: int, currency: str = "CNY", locale: str = "zh_CN") -> str:
    """Format an amount in minor units with Babel, e.g. 123400 -> '¥1,234.00'.

    The minor-unit size comes from the currency (2 decimals for CNY).
    Raises TypeError if ``amount_fen`` is not an int.
    """
    _require_int(amount_fen)
    value = Decimal(amount_fen).scaleb(-get_currency_precision(currency))
    return format_currency(value, currency, locale=locale)


def format_yuan_short(amount_fen: int) -> str:
    """Format CNY fen for prose: '¥50,000' for whole yuan, '¥1,234.50' otherwise.

    Locale-independent (same output for Chinese and English text).
    Raises TypeError if ``amount_fen`` is not an int.
    """
    _require_int(amount_fen)
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), 100)
    return f"{sign}¥{yuan:,}" + (f".{fen:02d}" if fen else "")


def parse_yuan(text: str) -> int:
    """Parse an amount of yuan typed by a user and return integer fen.

    Accepts '1,234.5', '¥1234', '￥1234', '1234元', 'RMB 1234', full-width
    digits and spaces. Raises InvalidAmount (a ValueError) with code
    'required', 'negative', 'too_many_decimals', 'invalid' or 'too_large'.
    """
    if not isinstance(text, str):
        raise TypeError("parse_yuan expects str")
    s = unicodedata.normalize("NFKC", text)
    s = "".join(
        ch for ch in s if not ch.isspace() and unicodedata.category(ch)[0] != "C"
    ).upper()
    for prefix in ("RMB", "CNY", "人民币", "¥"):
        s = s.removeprefix(prefix)
    for suffix in ("人民币", "元", "圆", "RMB", "CNY"):
        s = s.removesuffix(suffix)
    s = s.removeprefix("¥")
    if not s:
        raise InvalidAmount("required", _l("Enter an amount in yuan."))
    if s[0] in "-−‐–":
        raise InvalidAmount("negative", _l("The amount cannot be negative."))
    match = _NUMBER_RE.fullmatch(s)
    if not match:
        raise InvalidAmount(
            "invalid", _l("Enter the amount as a number of yuan, for example 1,234.50.")
        )
    whole, decimals = match.group(1).replace(",", ""), match.group(2) or ""
    if len(decimals) > 2:
        raise InvalidAmount(
            "too_many_decimals", _l("Use at most two decimal places (fen).")
        )
    if len(whole.lstrip("0")) > _MAX_YUAN_DIGITS:
        raise InvalidAmount("too_large", _l("The amount is too large."))
    return int(whole) * 100 + int(decimals.ljust(2, "0"))
