"""Chinese patent identifiers: application, patent and publication numbers.

Application numbers (申请号) come in two shapes (see shared DOMAIN.md):

* since October 2003: ``YYYY`` + type digit + 7-digit serial + ``.`` + check,
  e.g. ``201710601862.3``;
* before that: ``YY`` + type digit + 5-digit serial + ``.`` + check,
  e.g. ``97101765.4``.

The check character is the weighted digit sum (weights 2..9 repeating) mod 11,
with 10 written ``X``. Users type numbers with ``ZL``/``CN`` prefixes, spaces,
full-width characters and without the dot; the functions here normalise all of
that to the canonical form and refuse anything whose check character is wrong.

Errors carry a stable ``code`` and a lazily translated English ``message``.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

__all__ = [
    "InvalidPatentNumber",
    "check_character",
    "looks_like_patent_number",
    "normalise_application_number",
    "normalise_publication_number",
    "patent_number",
    "patent_type_of",
]

_TYPES = {
    "1": "invention",
    "8": "invention",
    "2": "utility_model",
    "9": "utility_model",
    "3": "design",
}
# Two-digit years used by the pre-2004 eight-digit form (the system started in 1985).
_OLD_YEARS = {f"{y:02d}" for y in (*range(85, 100), *range(4))}

_APP_RE = re.compile(r"(\d{8}|\d{12})\.([0-9X])")
_APP_NO_DOT_RE = re.compile(r"\d{8}[0-9X]|\d{12}[0-9X]")
_PUB_RE = re.compile(r"\d{9}[ABCUS]\d?")


class InvalidPatentNumber(ValueError):
    """A patent identifier that cannot be accepted.

    ``code`` is stable (for programs and tests), ``message`` a lazy
    translatable string for users, ``field`` the form field it belongs to.
    """

    def __init__(self, code: str, message, field: str = "application_number"):
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _clean(raw: str) -> str:
    """NFKC-fold, upper-case, drop whitespace/control characters and ZL/CN prefixes."""
    if not isinstance(raw, str):
        raise TypeError("patent identifiers must be str")
    text = unicodedata.normalize("NFKC", raw).upper().replace("。", ".")
    text = "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "C"
    )
    while text[:2] in ("ZL", "CN"):
        text = text[2:]
    return text


def check_character(digits: str) -> str:
    """Return the check character ('0'-'9' or 'X') for the digits before the dot.

    Weights 2,3,...,9 repeat over the digits; the sum mod 11 is the check,
    10 is written 'X'. Raises ValueError if ``digits`` is not a non-empty
    string of ASCII digits.
    """
    if not digits or not (digits.isascii() and digits.isdigit()):
        raise ValueError("check_character expects a non-empty string of digits")
    remainder = sum(int(d) * (2 + i % 8) for i, d in enumerate(digits)) % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_application_number(raw: str) -> str:
    """Return the canonical application number, e.g. '201710601862.3'.

    Accepts ZL/CN prefixes, spaces, full-width characters, a lower-case x and
    a missing dot (inserted before the last character). Raises
    InvalidPatentNumber (field 'application_number') with code 'required',
    'invalid_format', 'missing_check_character', 'invalid_year',
    'invalid_type' or 'check_character_mismatch'.
    """
    text = _clean(raw)
    if not text:
        raise InvalidPatentNumber("required", _l("Enter an application number."))
    if "." not in text:
        if _APP_NO_DOT_RE.fullmatch(text):
            text = f"{text[:-1]}.{text[-1]}"
        elif re.fullmatch(r"\d{8}|\d{12}", text):
            raise InvalidPatentNumber(
                "missing_check_character",
                _l(
                    "The application number is missing its check character (the character after the dot)."
                ),
            )
    match = _APP_RE.fullmatch(text)
    if not match:
        raise InvalidPatentNumber(
            "invalid_format",
            _l(
                "An application number looks like 201710601862.3 (year, type, serial, dot, check character)."
            ),
        )
    digits, check = match.groups()
    if len(digits) == 12:
        year_ok = 2003 <= int(digits[:4]) <= 2099
        type_digit = digits[4]
    else:
        year_ok = digits[:2] in _OLD_YEARS
        type_digit = digits[2]
    if not year_ok:
        raise InvalidPatentNumber(
            "invalid_year", _l("The year in the application number is not possible.")
        )
    if type_digit not in _TYPES:
        raise InvalidPatentNumber(
            "invalid_type",
            _l("The type digit in the application number must be 1, 2, 3, 8 or 9."),
        )
    if check_character(digits) != check:
        raise InvalidPatentNumber(
            "check_character_mismatch",
            _l(
                "The check character does not match the application number; please check for a typing error."
            ),
        )
    return f"{digits}.{check}"


def patent_type_of(app_number: str) -> str:
    """Return 'invention', 'utility_model' or 'design' for an application number.

    The type digit is the 5th digit (12-digit form) or the 3rd (pre-2004
    8-digit form); 1/8 invention, 2/9 utility model, 3 design. The number is
    normalised first, so InvalidPatentNumber is raised for a bad one.
    """
    digits = normalise_application_number(app_number).split(".")[0]
    return _TYPES[digits[4] if len(digits) == 12 else digits[2]]


def patent_number(app_number: str) -> str:
    """Return the patent number 'ZL' + canonical application number.

    Raises InvalidPatentNumber for a bad application number.
    """
    return "ZL" + normalise_application_number(app_number)


def normalise_publication_number(raw: str) -> str:
    """Return the canonical publication/grant number, e.g. 'CN107357845A'.

    Form: CN + 9 digits + kind code A/B/C/U/S + optional kind digit. The CN
    prefix, spaces, case and full-width characters are forgiven. Raises
    InvalidPatentNumber (field 'publication_number') with code 'required'
    or 'invalid_format'.
    """
    text = _clean(raw).replace(".", "")
    if not text:
        raise InvalidPatentNumber(
            "required", _l("Enter a publication number."), field="publication_number"
        )
    if not _PUB_RE.fullmatch(text):
        raise InvalidPatentNumber(
            "invalid_format",
            _l(
                "A publication number looks like CN107357845A (CN, 9 digits, kind code A, B, C, U or S)."
            ),
            field="publication_number",
        )
    return "CN" + text


def looks_like_patent_number(text: str) -> tuple[str | None, str]:
    """Classify a search-box query.

    Returns ('application', canonical) or ('publication', canonical) when the
    text is a valid number of that kind, otherwise (None, text stripped).
    Never raises for str input.
    """
    if not text or not text.strip():
        return None, (text or "").strip()
    try:
        return "application", normalise_application_number(text)
    except InvalidPatentNumber:
        pass
    try:
        return "publication", normalise_publication_number(text)
    except InvalidPatentNumber:
        return None, text.strip()
