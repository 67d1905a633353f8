"""Licence terms: validation, plain-language summaries and payment schedules.

Money is integer fen; royalties are integer basis points (1 bp = 0.01 %) of the
royalty base: net sales or profit. The CNIPA open-licence caps (DOMAIN.md: one-off
fee up to CNY 20 million, royalty up to 20 % of net sales or 40 % of profit) bind
open licences only; a negotiated licence is a free contract, and terms above those
figures only earn it a warning (:func:`term_warnings`), never a refusal.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import lazy_gettext as _l

from .money import format_yuan_short

__all__ = [
    "DEFAULT_TERRITORY",
    "LICENCE_KINDS",
    "FAST_UPFRONT_MODES",
    "MAX_DEFERRAL_MONTHS",
    "MAX_ROYALTY_BP",
    "OPEN_LICENCE_MAX_ROYALTY_BP",
    "OPEN_LICENCE_MAX_UPFRONT_FEE_FEN",
    "ROYALTY_BASES",
    "UPFRONT_MODES",
    "LicenceTerms",
    "EDITABLE_TERM_FIELDS",
    "TERM_FIELDS",
    "ScheduleItem",
    "TermError",
    "add_months",
    "contract_value_fen",
    "format_basis_points",
    "is_fast_licence_terms",
    "payment_schedule",
    "summary_en",
    "summary_zh",
    "term_warnings",
    "terms_values",
    "validate_terms",
]

ROYALTY_BASES = ("net_sales", "profit")
# CNIPA open-licence caps (open licences only): the fee, and the rate for each base
OPEN_LICENCE_MAX_UPFRONT_FEE_FEN = 2_000_000_000  # CNY 20 million
OPEN_LICENCE_MAX_ROYALTY_BP = {"net_sales": 2000, "profit": 4000}  # 20 % / 40 %
# Above these a negotiated licence gets a warning (a likely typo, or unusual terms); CNIPA's
# open-licence guidance is the published yardstick of what the market pays.
MARKET_NORM_UPFRONT_FEE_FEN = OPEN_LICENCE_MAX_UPFRONT_FEE_FEN
MARKET_NORM_ROYALTY_BP = OPEN_LICENCE_MAX_ROYALTY_BP
MAX_ROYALTY_BP = 10000  # a rate above 100 % of its base means nothing, whatever the contract
MAX_DEFERRAL_MONTHS = 120
DEFAULT_TERRITORY = "中国大陆"
# 'reduced' (减收): a fee due at signing that the licensor has cut below its usual price.
# The plan's fast licence: "reduce, waive or defer the one-time licence fee".
UPFRONT_MODES = ("due_at_signing", "reduced", "waived", "deferred")
FAST_UPFRONT_MODES = ("reduced", "waived", "deferred")
ROYALTY_BASE_WORDS = {"net_sales": _l("net sales"), "profit": _l("profit")}
DEFERRAL_KINDS = ("months", "first_sales")
LICENCE_KINDS = ("exclusive", "sole", "non_exclusive", "open_licence")


@dataclass(frozen=True)
class LicenceTerms:
    """The money and scope terms of a licence offer or contract."""

    upfront_fee_fen: int
    currency: str = "CNY"
    upfront_mode: str = "due_at_signing"  # one of UPFRONT_MODES
    deferral_kind: str | None = None  # None | 'months' | 'first_sales'
    deferral_months: int | None = None
    royalty_bp: int = 0  # basis points of the royalty base
    royalty_base: str = "net_sales"  # one of ROYALTY_BASES
    royalty_threshold_fen: int = 0  # annual net sales exempt from royalty; 0 = none
    min_annual_royalty_fen: int = 0
    term_years: int = 1
    territory: str = DEFAULT_TERRITORY
    field_of_use: str = ""


# Every term, in declaration order: the one list that models, services, forms and the API
# read (an offer's and a deal's columns carry these names).
TERM_FIELDS = tuple(f.name for f in fields(LicenceTerms))
# The terms a party sets: the currency is always CNY, the only one supported.
EDITABLE_TERM_FIELDS = tuple(name for name in TERM_FIELDS if name != "currency")


def terms_values(terms: LicenceTerms) -> dict:
    """The terms as a dict keyed by field name (for columns, events and JSON)."""
    return {name: getattr(terms, name) for name in TERM_FIELDS}


@dataclass(frozen=True)
class TermError:
    """One problem with a set of terms: form field, stable code, lazy message."""

    field: str
    code: str
    message: object


@dataclass(frozen=True)
class ScheduleItem:
    """One payment: kind, fixed amount, due date or (if undated) trigger."""

    kind: str  # 'upfront' | 'deferred_upfront' | 'minimum_annual_royalty'
    amount_fen: int
    due_on: date | None
    trigger: str | None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _max_days(years: int) -> int:
    """The most days ``years`` calendar years can span (leap days included)."""
    return years * 365 + (years + 3) // 4


def validate_terms(
    terms: LicenceTerms, *, remaining_life_days: int | None, kind: str
) -> list[TermError]:
    """Check terms against the platform and CNIPA rules; return all problems found.

    ``kind`` is one of LICENCE_KINDS; ``remaining_life_days`` is the days
    left until the patent expires, or None when unknown. The term must fit
    the remaining life even when every year in it is a leap year's worth
    (conservative). Returns [] when the terms are acceptable; never raises.
    """
    errors: list[TermError] = []

    def add(field: str, code: str, message) -> None:
        errors.append(TermError(field, code, message))

    if kind not in LICENCE_KINDS:
        add("kind", "invalid", _l("Choose a licence kind."))
    if terms.currency != "CNY":
        add("currency", "unsupported", _l("Only Chinese yuan (CNY) is supported."))

    numbers_ok = True
    for name in (
        "upfront_fee_fen",
        "royalty_threshold_fen",
        "min_annual_royalty_fen",
        "royalty_bp",
        "term_years",
    ):
        value = getattr(terms, name)
        if not _is_int(value):
            add(name, "not_integer", _l("Enter a whole number."))
            numbers_ok = False
        elif value < 0:
            message = (
                _l("The royalty rate cannot be negative.")
                if name == "royalty_bp"
                else _l("This amount cannot be negative.")
            )
            if name != "term_years":  # a negative term is reported as too short below
                add(name, "negative", message)
    if terms.deferral_months is not None and not _is_int(terms.deferral_months):
        add("deferral_months", "not_integer", _l("Enter a whole number."))
        numbers_ok = False
    if not numbers_ok:
        return errors

    if terms.royalty_base not in ROYALTY_BASES:
        add("royalty_base", "invalid", _l("Choose what the royalty is calculated on."))
    elif kind == "open_licence":
        _check_open_licence_caps(terms, add)
    if terms.royalty_bp > MAX_ROYALTY_BP:
        add("royalty_bp", "above_base",
            _l("The royalty rate cannot exceed 100 percent of its base."))
    if terms.royalty_bp <= 0:
        for name in ("royalty_threshold_fen", "min_annual_royalty_fen"):
            if getattr(terms, name) > 0:
                add(
                    name,
                    "without_royalty",
                    _l("A sales threshold or minimum royalty needs a royalty rate."),
                )

    not_applicable = _l("This setting does not apply to the chosen payment method.")
    if terms.upfront_mode not in UPFRONT_MODES:
        add("upfront_mode", "invalid", _l("Choose how the upfront fee is paid."))
    elif terms.upfront_mode == "reduced" and terms.upfront_fee_fen == 0:
        add("upfront_fee_fen", "reduced_fee_zero",
            _l("Enter the reduced fee, or choose no upfront fee if it is waived."))
    if terms.upfront_mode == "deferred":
        if terms.upfront_fee_fen == 0:
            add(
                "upfront_fee_fen",
                "deferred_fee_zero",
                _l("Enter the deferred upfront fee, or choose no upfront fee."),
            )
        if terms.deferral_kind not in DEFERRAL_KINDS:
            add(
                "deferral_kind",
                "required",
                _l("Choose when the deferred fee falls due."),
            )
        elif terms.deferral_kind == "months":
            if (
                terms.deferral_months is None
                or not 1 <= terms.deferral_months <= MAX_DEFERRAL_MONTHS
            ):
                add(
                    "deferral_months",
                    "out_of_range",
                    _l("The deferral must be between 1 and %(months)s months.",
                       months=MAX_DEFERRAL_MONTHS),
                )
        elif terms.deferral_months is not None:
            add("deferral_months", "not_applicable", not_applicable)
    elif terms.upfront_mode in UPFRONT_MODES:
        if terms.upfront_mode == "waived" and terms.upfront_fee_fen != 0:
            add(
                "upfront_fee_fen",
                "waived_fee_not_zero",
                _l("A waived upfront fee must be zero."),
            )
        if terms.deferral_kind is not None:
            add("deferral_kind", "not_applicable", not_applicable)
        if terms.deferral_months is not None:
            add("deferral_months", "not_applicable", not_applicable)

    if terms.term_years < 1:
        if kind == "open_licence":
            add(
                "term_years",
                "open_licence_min_term",
                _l("An open licence must run for at least one year."),
            )
        else:
            add(
                "term_years",
                "too_short",
                _l("The licence term must be at least one year."),
            )
    elif (
        remaining_life_days is not None
        and _max_days(terms.term_years) > remaining_life_days
    ):
        add(
            "term_years",
            "exceeds_patent_life",
            _l("The licence term cannot run past the end of the patent."),
        )

    if not terms.territory or not terms.territory.strip():
        add("territory", "required", _l("Enter the territory."))
    return errors


def _check_open_licence_caps(terms: LicenceTerms, add) -> None:
    """The CNIPA caps of an open licence: the fee, and the rate that goes with the base."""
    if terms.upfront_fee_fen > OPEN_LICENCE_MAX_UPFRONT_FEE_FEN:
        add("upfront_fee_fen", "above_cap",
            _l("An open licence's upfront fee cannot exceed %(cap)s (CNIPA open-licence "
               "rules).", cap=format_yuan_short(OPEN_LICENCE_MAX_UPFRONT_FEE_FEN)))
    cap = OPEN_LICENCE_MAX_ROYALTY_BP[terms.royalty_base]
    if terms.royalty_bp > cap:
        message = (_l("An open licence's royalty cannot exceed %(percent)s percent of net "
                      "sales (CNIPA open-licence rules).", percent=cap // 100)
                   if terms.royalty_base == "net_sales" else
                   _l("An open licence's royalty cannot exceed %(percent)s percent of profit "
                      "(CNIPA open-licence rules).", percent=cap // 100))
        add("royalty_bp", "above_cap", message)


def term_warnings(terms: LicenceTerms, *, kind: str) -> list[TermError]:
    """Terms of a negotiated licence above market norms: a notice for the parties to check
    the figures, never a refusal (a negotiated licence is a free contract). An open
    licence gets none: its caps are enforced by :func:`validate_terms`. Assumes the terms
    validated."""
    if kind == "open_licence":
        return []
    warnings: list[TermError] = []
    if terms.upfront_fee_fen > MARKET_NORM_UPFRONT_FEE_FEN:
        warnings.append(TermError("upfront_fee_fen", "above_norm", _l(
            "Above %(cap)s: more than the cap on open licences. Allowed for a negotiated "
            "licence; check the figure.", cap=format_yuan_short(MARKET_NORM_UPFRONT_FEE_FEN))))
    norm = MARKET_NORM_ROYALTY_BP.get(terms.royalty_base)
    if norm is not None and terms.royalty_bp > norm:
        warnings.append(TermError("royalty_bp", "above_norm", _l(
            "Above %(percent)s percent of %(base)s: more than the cap on open licences. "
            "Allowed for a negotiated licence; check the rate.", percent=norm // 100,
            base=ROYALTY_BASE_WORDS[terms.royalty_base])))
    return warnings


def is_fast_licence_terms(terms: LicenceTerms) -> bool:
    """A fast licence (专利快速许可): the one-time fee reduced, waived or deferred, or none."""
    return terms.upfront_mode in FAST_UPFRONT_MODES or terms.upfront_fee_fen == 0


def format_basis_points(bp: int) -> str:
    """Format basis points as a percentage without floats: 250 -> '2.5%', 300 -> '3%'."""
    sign = "-" if bp < 0 else ""
    whole, frac = divmod(abs(bp), 100)
    text = str(whole) if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")
    return f"{sign}{text}%"


def _upfront_fee_due(terms: LicenceTerms) -> int:
    return 0 if terms.upfront_mode == "waived" else terms.upfront_fee_fen


def summary_zh(terms: LicenceTerms) -> str:
    """Return a one-line Chinese summary of the terms (assumes they validated)."""
    fee = format_yuan_short(terms.upfront_fee_fen)
    fee_due = _upfront_fee_due(terms)
    if terms.upfront_mode == "deferred" and fee_due:
        when = (
            f"签约 {terms.deferral_months} 个月后支付"
            if terms.deferral_kind == "months"
            else "首次销售后支付"
        )
        parts = [f"首付 0 元，{when} {fee}"]
    elif fee_due:
        reduced = "（减收）" if terms.upfront_mode == "reduced" else ""
        parts = [f"签约时支付{reduced} {fee}"]
    else:
        parts = ["首付 0 元"]

    rate = format_basis_points(terms.royalty_bp)
    if terms.royalty_bp <= 0:
        parts.append("无销售提成")
    elif terms.royalty_base == "profit":
        above = (f"年销售额超过 {format_yuan_short(terms.royalty_threshold_fen)} 起，"
                 if terms.royalty_threshold_fen > 0 else "")
        parts.append(f"{above}按利润的 {rate} 提成")
    elif terms.royalty_threshold_fen > 0:
        parts.append(
            f"年销售额超过 {format_yuan_short(terms.royalty_threshold_fen)} 的部分按 {rate} 提成"
        )
    else:
        parts.append(f"按净销售额的 {rate} 提成")
    if terms.min_annual_royalty_fen > 0:
        parts.append(f"每年最低提成 {format_yuan_short(terms.min_annual_royalty_fen)}")
    parts.append(f"许可期 {terms.term_years} 年")
    if terms.territory != DEFAULT_TERRITORY:
        parts.append(f"许可地域：{terms.territory}")
    if terms.field_of_use:
        parts.append(f"使用领域：{terms.field_of_use}")
    return "；".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_en(terms: LicenceTerms) -> str:
    """Return a one-line English summary of the terms (assumes they validated)."""
    fee = format_yuan_short(terms.upfront_fee_fen)
    fee_due = _upfront_fee_due(terms)
    if terms.upfront_mode == "deferred" and fee_due:
        when = (
            f"{_plural(terms.deferral_months, 'month')} after signing"
            if terms.deferral_kind == "months"
            else "after the first sale"
        )
        parts = ["No upfront payment", f"{fee} due {when}"]
    elif fee_due:
        reduced = " (reduced)" if terms.upfront_mode == "reduced" else ""
        parts = [f"{fee}{reduced} due at signing"]
    else:
        parts = ["No upfront payment"]

    rate = format_basis_points(terms.royalty_bp)
    if terms.royalty_bp <= 0:
        parts.append("no royalty")
    elif terms.royalty_base == "profit":
        above = (f" once annual net sales exceed {format_yuan_short(terms.royalty_threshold_fen)}"
                 if terms.royalty_threshold_fen > 0 else "")
        parts.append(f"{rate} royalty on profit{above}")
    elif terms.royalty_threshold_fen > 0:
        parts.append(
            f"{rate} royalty on annual net sales above {format_yuan_short(terms.royalty_threshold_fen)}"
        )
    else:
        parts.append(f"{rate} royalty on net sales")
    if terms.min_annual_royalty_fen > 0:
        parts.append(
            f"minimum annual royalty {format_yuan_short(terms.min_annual_royalty_fen)}"
        )
    parts.append(f"term {_plural(terms.term_years, 'year')}")
    if terms.territory != DEFAULT_TERRITORY:
        parts.append(f"territory: {terms.territory}")
    if terms.field_of_use:
        parts.append(f"field of use: {terms.field_of_use}")
    return "; ".join(parts)


def add_months(start: date, months: int) -> date:
    """Return ``start`` plus calendar months, clamping the day (Jan 31 + 1 -> Feb 28/29)."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def payment_schedule(terms: LicenceTerms, signed_on: date) -> list[ScheduleItem]:
    """Return the fixed payments agreed, dated items in date order, undated last.

    * 'upfront' on ``signed_on`` when due at signing and non-zero;
    * 'deferred_upfront' on signing + N calendar months, or with trigger
      'first_sales' and no date;
    * 'minimum_annual_royalty' for each licence year, due on the anniversary
      that ends it (term_years rows), when non-zero.
    Royalties above the minimum depend on sales and are not listed. Assumes
    the terms passed validate_terms.
    """
    items: list[ScheduleItem] = []
    fee = _upfront_fee_due(terms)
    if fee > 0 and terms.upfront_mode in ("due_at_signing", "reduced"):
        items.append(ScheduleItem("upfront", fee, signed_on, None))
    elif fee > 0 and terms.upfront_mode == "deferred":
        if terms.deferral_kind == "months":
            items.append(
                ScheduleItem(
                    "deferred_upfront",
                    fee,
                    add_months(signed_on, terms.deferral_months),
                    None,
                )
            )
        else:
            items.append(ScheduleItem("deferred_upfront", fee, None, "first_sales"))
    if terms.min_annual_royalty_fen > 0:
        for year in range(1, terms.term_years + 1):
            items.append(
                ScheduleItem(
                    "minimum_annual_royalty",
                    terms.min_annual_royalty_fen,
                    add_months(signed_on, 12 * year),
                    None,
                )
            )
    return sorted(
        items, key=lambda item: (item.due_on is None, item.due_on or signed_on)
    )


def contract_value_fen(terms: LicenceTerms) -> int:
    """Fixed sums agreed: upfront fee (at signing or deferred) + minimum annual royalty x years."""
    return _upfront_fee_due(terms) + terms.min_annual_royalty_fen * max(
        terms.term_years, 0
    )
