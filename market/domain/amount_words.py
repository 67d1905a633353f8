"""An amount of money in Chinese capital numerals (金额大写), as contracts and receipts write
it beside the figures so that neither can be altered alone: 80000000 fen -> 捌拾万元整."""
from __future__ import annotations

__all__ = ["amount_in_words"]

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ((1000, "仟"), (100, "佰"), (10, "拾"), (1, ""))


def _group(n: int) -> str:
    """0 < n < 10000 without a leading zero; inner runs of zeros read as one 零."""
    out, zero = "", False
    for size, unit in _UNITS:
        digit = n // size % 10
        if digit == 0:
            zero = zero or bool(out)
        else:
            out += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
    return out


def _integer(n: int) -> str:
    """0 < n: the words for a whole number of yuan, in groups of 万 and 亿."""
    for size, unit in ((100_000_000, "亿"), (10_000, "万")):
        if n >= size:
            high, low = divmod(n, size)
            rest = ""
            if low:
                rest = ("零" if low < size // 10 else "") + _integer(low)
            return _integer(high) + unit + rest
    return _group(n)


def amount_in_words(amount_fen: int) -> str:
    """``amount_fen`` (a non-negative int of fen) in capital numerals: 伍万元整, 壹仟元零伍分."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen < 0:
        raise ValueError("an amount in words needs a non-negative integer of fen")
    yuan, fen = divmod(amount_fen, 100)
    jiao, cents = divmod(fen, 10)
    words = _integer(yuan) + "元" if yuan else ""
    if not fen:
        return (words or "零元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    return words + (DIGITS[cents] + "分" if cents else "整")
