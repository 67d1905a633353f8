"""The indicators payload laid out as tables: the page, the CSV/XLSX exports and the PDF
return all read these, so every output shows the same numbers."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..labels import INDICATOR_LABELS, label, licence_kind_label

TEXT, COUNT, MONEY, PERCENT, DAYS, STATUS = "text", "count", "money", "percent", "days", "status"


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (header, kind)
    rows: list[list] = field(default_factory=list)  # raw values: fen, basis points, ints

    @property
    def headers(self) -> list[str]:
        return [str(h) for h, _ in self.columns]

    @property
    def kinds(self) -> list[str]:
        return [k for _, k in self.columns]


def industry_label(code: str | None) -> str | None:
    return label(code) if code else code


def money_yuan(fen: int | None) -> Decimal | None:
    """Fen as a yuan Decimal with two places (exact; never a float)."""
    return None if fen is None else (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def percent(bp: int | None) -> Decimal | None:
    return None if bp is None else (Decimal(int(bp)) / 100).quantize(Decimal("0.01"))


def status_text(met: bool | None) -> str:
    if met is None:
        return str(_l("No base year figure"))
    return str(_l("Met")) if met else str(_l("Not met"))


# What each view of the counts is, as the page, the exports and the PDF say it.
VIEW_LABELS = {
    "deal": _l("By conclusion date: a cancellation or refund lowers the year of the "
               "original deal."),
    "booked": _l("By booking date: a cancellation or refund lowers the period in which it "
                 "happened."),
    "registered": _l("By CNIPA recording or registration date: a deal counts from the day "
                     "CNIPA recorded the licence or registered the assignment."),
}
VIEW_NAMES = {"deal": _l("Conclusion date"), "booked": _l("Booking date"),
              "registered": _l("Registration date")}
SCOPE_NOTE = _l("These are the deals made on this platform (universities and institutes "
                "licensing or assigning to enterprises); the plan's indicators count every "
                "market entity in the city. Royalties count in the year they were paid.")


def summary_table(p: dict) -> Table:
    """The plan's indicators: this period against a year earlier, and the plan's own
    measure, the average annual growth from each indicator's base year (the status)."""
    targets = {t["key"]: t for t in p["targets"]}
    d, prev = p["deals"], p["previous_deals"]
    t = Table("summary", str(_l("Indicators against the plan's targets")), [
        (_l("Indicator"), TEXT), (_l("Unit"), TEXT), (_l("This period"), None),
        (_l("Same period a year earlier"), None), (_l("Growth (%)"), PERCENT),
        (_l("Base year"), TEXT), (_l("Base-year figure"), None),
        (_l("Average annual growth (%)"), PERCENT), (_l("Target"), TEXT),
        (_l("Status"), STATUS)])
    unit_n, unit_yuan = str(_l("items")), str(_l("yuan"))
    blank = [None, None, None, None, "", None]  # growth, base year and figure, average, target, status

    def target_row(key, unit, kind):
        g = targets[key]
        average = g["average"]
        return [str(INDICATOR_LABELS[key]), unit, (kind, g["current"]), (kind, g["previous"]),
                g["growth_bp"], str(average["base_year"]), (kind, average["base"]),
                average["growth_bp"],
                str(_l("+%(percent)d%% a year on average", percent=g["target_bp"] // 100)),
                average["met"] if average["met"] is not None
                else (TEXT, str(_l("No base year figure")))]

    t.rows = [
        target_row("deals", unit_n, COUNT),
        [str(INDICATOR_LABELS["transfers"]), unit_n, (COUNT, d["transfers"]),
         (COUNT, prev["transfers"]), *blank],
        [str(INDICATOR_LABELS["licences"]), unit_n, (COUNT, d["licences"]),
         (COUNT, prev["licences"]), *blank],
        target_row("contract_value", unit_yuan, MONEY),
        target_row("pledge_amount", unit_yuan, MONEY),
        target_row("pledge_count", unit_n, COUNT),
        [str(INDICATOR_LABELS["pledge_patent_only"]), unit_n,
         (COUNT, p["pledges"]["patent_only_count"]), None, None, "", None],
        [str(INDICATOR_LABELS["pledge_mixed"]), unit_n, (COUNT, p["pledges"]["mixed_count"]),
         None, None, "", None],
        [str(INDICATOR_LABELS["open_licences"]), unit_n, (COUNT, d["open_licences"]), None,
         *blank],
        [str(INDICATOR_LABELS["fast_licences"]), unit_n, (COUNT, d["fast_licences"]), None,
         *blank],
        [str(INDICATOR_LABELS["avg_days"]), str(_l("days")), (DAYS, d["avg_days_to_conclusion"]),
         None, *blank],
        [str(INDICATOR_LABELS["smes"]), str(_l("enterprises")), (COUNT, p["smes"]["cumulative"]),
         None, None, None, None, None, f"≥{p['smes']['target']}", p["smes"]["met"]],
        *_custody_rows(p),
    ]
    # a row without growth figures may stop early: its remaining cells are empty
    t.rows = [row + [None] * (len(t.columns) - len(row)) for row in t.rows]
    return t


def _custody_rows(p: dict) -> list[list]:
    """Custody (cumulative, and on the period's last day) and the agency count: levels
    against a target, without growth figures."""
    if "custody_smes" not in p:  # a payload made before custody was counted
        return []
    c, a = p["custody_smes"], p["agencies"]
    enterprises, agencies = str(_l("enterprises")), str(_l("agencies"))
    blank = [None, None, None, None, None]
    return [
        [str(INDICATOR_LABELS["custody_smes"]), enterprises, (COUNT, c["cumulative"]), *blank,
         f"≥{c['target']}", c["met"]],
        [str(INDICATOR_LABELS["custody_current"]), enterprises, (COUNT, c["current"]), *blank,
         "", None],
        [str(INDICATOR_LABELS["agencies"]), agencies, (COUNT, a["current"]), *blank,
         f"≥{a['target']}", a["met"]],
        [str(INDICATOR_LABELS["agencies_exited"]), agencies, (COUNT, a["exited"]), *blank,
         "", None],
    ]


def _deal_columns(first: str) -> list[tuple[str, str]]:
    return [(first, TEXT), (_l("Transfers"), COUNT), (_l("Licences"), COUNT),
            (_l("Total"), COUNT), (_l("Contract value (yuan)"), MONEY)]


def _deal_cells(r: dict) -> list:
    return [r["transfers"], r["licences"], r["total"], r["value_fen"]]


def tables(p: dict) -> list[Table]:
    """All tables of the indicators page, in page order."""
    out = [summary_table(p)]
    out.append(Table("monthly", str(_l("Monthly series")), _deal_columns(_l("Month")),
                     [[r["month"], *_deal_cells(r)] for r in p["monthly"]]))
    out.append(Table("industry", str(_l("By industry")), _deal_columns(_l("Industry")),
                     [[industry_label(r["key"]), *_deal_cells(r)] for r in p["by_industry"]]))
    licensor_cols = [*_deal_columns(_l("University or institute")),
                     (_l("Patents listed"), COUNT), (_l("Conversion rate (%)"), PERCENT)]
    out.append(Table("licensor", str(_l("By university or institute")), licensor_cols,
                     [[r["name"], *_deal_cells(r), r["patents_listed"], r["conversion_bp"]]
                      for r in p["by_licensor"]]))
    out.append(Table("district", str(_l("By district (licensee)")), _deal_columns(_l("District")),
                     [[r["key"], *_deal_cells(r)] for r in p["by_district"]]))
    out.append(Table("licence_kind", str(_l("By licence kind")),
                     _deal_columns(_l("Licence kind")),
                     [[licence_kind_label(r["key"]), *_deal_cells(r)]
                      for r in p["by_licence_kind"]]))
    out.append(Table("top_patents", str(_l("Top patents by interest")), [
        (_l("Patent"), TEXT), (_l("Application number"), TEXT), (_l("Owner"), TEXT),
        (_l("Views"), COUNT), (_l("Requests"), COUNT)],
        [[r["title"], r["application_number"], r["owner"], r["views"], r["requests"]]
         for r in p["top_patents"]]))
    return out


def cell(kind: str | None, value):
    """A raw cell as exported: money in yuan, rates in percent, numbers stay numbers.
    Summary cells carry their own kind as a ``(kind, value)`` pair."""
    if isinstance(value, tuple):
        kind, value = value
    if value is None:
        return None
    if kind == MONEY:
        return money_yuan(value)
    if kind == PERCENT:
        return percent(value)
    if kind == STATUS:
        return status_text(value)
    return value


def chart_data(p: dict, all_tables: list[Table]) -> dict:
    """What static/js/indicators.js draws: labels and series, already translated."""
    by_key = {t.key: t for t in all_tables}
    targets = p["targets"]

    def bars(key):
        t = by_key[key]
        return {"labels": [str(r[0]) for r in t.rows], "values": [r[3] for r in t.rows]}

    return {
        "growth": {
            "labels": [str(INDICATOR_LABELS[t["key"]]) for t in targets],
            "growth": [None if t["growth_bp"] is None else t["growth_bp"] / 100 for t in targets],
            "average": [None if t["average"]["growth_bp"] is None
                        else t["average"]["growth_bp"] / 100 for t in targets],
            "target": [t["target_bp"] / 100 for t in targets],
            "growthLabel": str(_l("Growth (%)")), "targetLabel": str(_l("Target (%)")),
            "averageLabel": str(_l("Average annual growth (%)")),
        },
        "monthly": {
            "labels": [r["month"] for r in p["monthly"]],
            "transfers": [r["transfers"] for r in p["monthly"]],
            "licences": [r["licences"] for r in p["monthly"]],
            "value": [r["value_fen"] / 100 for r in p["monthly"]],
            "transfersLabel": str(_l("Transfers")), "licencesLabel": str(_l("Licences")),
            "valueLabel": str(_l("Contract value (yuan)")),
        },
        "industry": bars("industry"), "licensor": bars("licensor"),
        "district": bars("district"), "licence_kind": bars("licence_kind"),
        "countLabel": str(_l("Transfers and licences")),
    }


