"""Integer query parameters, read one way everywhere.

``request.args.get(name, type=int)`` turns anything into Python's unbounded ``int``: a page of
9223372036854775807 overflows the database's OFFSET, and an id of 10**23 overflows its integer
column (a 500 on PostgreSQL and SQLite alike). Here a value that is not a whole number answers
400 and a number no row or page can have answers 404, like the ``<int:...>`` URL converter.
"""
from flask import abort, request

MAX_ID = 2**63 - 1  # PostgreSQL BIGINT, SQLite INTEGER
MAX_PAGE = 100_000  # far past any listing's last page; OFFSET stays small
_MAX_DIGITS = len(str(MAX_ID))


class ParamError(ValueError):
    """``status``: 400 (not a whole number) or 404 (outside the bounds)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def parse_int(raw: str, *, low: int = 1, high: int = MAX_ID, name: str = "value") -> int:
    """``raw`` as an int in ``low..high``; raises ParamError. ASCII digits only (``str.isdigit``
    accepts "²", which ``int`` refuses) and no more digits than the bound has (``int`` of
    thousands of digits is slow, then refused)."""
    text = raw.strip()
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    if not (digits.isascii() and digits.isdigit()):
        raise ParamError(f"{name} must be a whole number", 400)
    if len(digits.lstrip("0")) > _MAX_DIGITS or not low <= int(sign + digits) <= high:
        raise ParamError(f"{name} must be between {low} and {high}", 404)
    return int(sign + digits)


def int_arg(name: str, default: int | None = None, *, low: int = 1,
            high: int = MAX_ID) -> int | None:
    """The query parameter ``name`` as an int in ``low..high`` (``default`` when absent or
    empty); aborts with 400 or 404 otherwise."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    try:
        return parse_int(raw, low=low, high=high, name=name)
    except ParamError as exc:
        abort(exc.status)


def page_arg(name: str = "page") -> int:
    """The page number of a paginated list (1 when absent)."""
    return int_arg(name, 1, high=MAX_PAGE)


def as_id(raw) -> int | None:
    """``raw`` as a row id, or None if it cannot be one (for lookups that show a fallback)."""
    try:
        return parse_int(str(raw), name="id")
    except ParamError:
        return None
