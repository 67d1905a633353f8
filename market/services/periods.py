"""Reading the period of the indicators from query arguments (page and API alike)."""
from datetime import date

from ..domain.dates import local_today
from ..params import ParamError, parse_int
from .stats import Period

MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodError(ValueError):
    """The arguments name no valid period."""


def period_from_args(args, today: date | None = None) -> Period:
    """``?year=YYYY`` or ``?start=YYYY-MM-DD&end=YYYY-MM-DD``; the current year by default.
    Raises PeriodError for a bad year, a bad date or an end before the start."""
    today = today or local_today()
    start, end = args.get("start", "").strip(), args.get("end", "").strip()
    if start or end:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise PeriodError("start and end must be dates like 2024-01-31") from None
        if last < first:
            raise PeriodError("the end is before the start")
        if not (MIN_YEAR <= first.year and last.year <= MAX_YEAR):
            raise PeriodError(f"dates must fall between {MIN_YEAR} and {MAX_YEAR}")
        return Period(first, last)
    raw = args.get("year", "").strip()
    if not raw:
        return Period.for_year(today.year)
    try:
        return Period.for_year(parse_int(raw, low=MIN_YEAR, high=MAX_YEAR, name="year"))
    except ParamError:
        raise PeriodError(f"year must be a number between {MIN_YEAR} and {MAX_YEAR}") from None
