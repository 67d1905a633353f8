"""Search-box queries that are patent identifiers, answered as numbers, never as text.

``parse_number_query`` recognises an application number (``201810123456.5``,
``2018 1012 3456.5``, ``CN201810123456.5``, ``201810123456``, pre-2004 ``97101765.4``),
a patent number (the same with ``ZL``, ``ZL-``) and a publication / grant number
(``CN112604685B``, ``112604685``), in full-width or lower case too. It normalises the
number, reads the patent type from the type digit (or the kind code) and checks the check
character (rules in shared DOMAIN.md; :mod:`market.domain.patent_numbers`). The search
then looks the number up and shows that listing, or says it is not listed here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..domain.patent_numbers import check_character, patent_type_of

__all__ = ["NumberQuery", "parse_number_query"]

_SEPARATORS = re.compile(r"[\s\-_/:：]+")
_APPLICATION = re.compile(r"(\d{12}|\d{8})(?:\.?([0-9X]))?")
_PUBLICATION = re.compile(r"(\d{9})([ABCUS]\d?)?")
_KIND_TYPES = {"A": "invention", "B": "invention", "C": "invention", "U": "utility_model",
               "S": "design"}
_TYPE_DIGITS = frozenset("12389")
_OLD_YEARS = frozenset(f"{y:02d}" for y in (*range(85, 100), *range(4)))


@dataclass(frozen=True)
class NumberQuery:
    """A query read as a patent identifier.

    ``kind``: application / patent / publication; ``number``: normalised, as typed
    when it is wrong (``201810123456.7``); ``patent_type``: invention / utility_model /
    design or "" when the number does not say; ``error``: None,
    ``check_character_mismatch`` (``expected`` then holds the right number) or
    ``invalid_type``; ``keys``: the index lookup keys (see ``analysis.number_keys``)."""

    kind: str
    number: str
    patent_type: str = ""
    error: str | None = None
    expected: str | None = None
    keys: tuple[str, ...] = ()


def _clean(query: str) -> tuple[str, str]:
    """-> (prefix "ZL"/"CN"/"", the rest upper-cased without separators)."""
    text = unicodedata.normalize("NFKC", query or "").upper().replace("。", ".")
    text = _SEPARATORS.sub("", text)
    for prefix in ("ZL", "CN"):
        if text.startswith(prefix):
            return prefix, text[len(prefix):]
    return "", text


def _application(prefix: str, digits: str, typed_check: str | None) -> NumberQuery | None:
    if len(digits) == 12:
        if not 2003 <= int(digits[:4]) <= 2099:
            return None  # not a year: some other long number, read as text
        type_digit = digits[4]
    else:
        if digits[:2] not in _OLD_YEARS:
            return None
        type_digit = digits[2]
    kind = "patent" if prefix == "ZL" else "application"
    shown = ("ZL" if kind == "patent" else "")
    check = check_character(digits)
    right = f"{digits}.{check}"
    if type_digit not in _TYPE_DIGITS:
        typed = f"{digits}.{typed_check}" if typed_check else digits
        return NumberQuery(kind, shown + typed, error="invalid_type")
    patent_type = patent_type_of(right)
    if typed_check is not None and typed_check != check:
        return NumberQuery(kind, f"{shown}{digits}.{typed_check}", patent_type,
                           error="check_character_mismatch", expected=shown + right)
    return NumberQuery(kind, shown + right, patent_type, keys=("A" + digits,))


def parse_number_query(query: str) -> NumberQuery | None:
    """The identifier typed in ``query``, or None when the query is not one (then it is text)."""
    prefix, text = _clean(query)
    if not text or not text[0].isdigit():
        return None
    match = _APPLICATION.fullmatch(text)
    if match and (number := _application(prefix, match.group(1), match.group(2))):
        return number
    if prefix != "ZL":
        match = _PUBLICATION.fullmatch(text.replace(".", ""))
        if match:
            digits, kind_code = match.group(1), match.group(2) or ""
            return NumberQuery("publication", f"CN{digits}{kind_code}",
                               _KIND_TYPES.get(kind_code[:1], ""), keys=("P" + digits,))
    return None
