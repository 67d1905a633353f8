"""The yearly indicators report as a PDF laid out like a statistics return to the city.

The return is always in Chinese (it goes to the city's statistics office), whatever the
language of the person who downloads it: tables are built under ``force_locale("zh")``.
Its font is the app's embedded TrueType font (``services.pdf``), so it reads without any
font on the reader's machine.
"""
from __future__ import annotations

import io
from datetime import date

from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.dates import local_today
from . import indicator_tables, pdf
from .indicator_tables import COUNT, DAYS, MONEY, PERCENT, STATUS, TEXT

CENTRE_NAME = "沈阳市知识产权运营服务中心"
TABLE_NUMBERS = "一二三四五六七八九十"


def _styles():
    base = pdf.base_style("cell", fontSize=8.5, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22,
                                alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16,
                                   alignment=TA_CENTER),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9.5, leading=14),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11, leading=16,
                                  spaceBefore=8, spaceAfter=4),
        "cell": base,
        "num": ParagraphStyle("num", parent=base, alignment=2),
    }


def _format(kind, value) -> str:
    if isinstance(value, tuple):
        kind, value = value
    if value is None:
        return "—"
    if kind == MONEY:
        return f"{indicator_tables.money_yuan(value):,}"
    if kind == PERCENT:
        return f"{indicator_tables.percent(value)}"
    if kind == STATUS:
        return indicator_tables.status_text(value)
    if kind in (COUNT, DAYS) and isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def _pdf_table(table, styles, numbered: bool):
    head = [pdf.para(h, styles["cell"]) for h in table.headers]
    body = []
    for i, raw in enumerate(table.rows, start=1):
        row = []
        for kind, value in zip(table.kinds, raw, strict=True):
            style = styles["cell"] if (kind or TEXT) in (TEXT, STATUS) and \
                not isinstance(value, tuple) else styles["num"]
            row.append(pdf.para(_format(kind, value), style))
        body.append(([pdf.para(str(i), styles["num"])] if numbered else []) + row)
    if numbered:
        head = [pdf.para("序号", styles["cell"]), *head]
    if not body:
        body = [[pdf.para("（本期无数据）", styles["cell"])] + [""] * (len(head) - 1)]
    width = 180 * mm
    first = 0.08 if numbered else 0.0
    rest = (1 - first) / len(table.headers)
    widths = ([width * first] if numbered else []) + [width * rest * (1.6 if j == 0 else 1)
                                                       for j in range(len(table.headers))]
    scale = width / sum(widths)
    grid = Table([head, *body], colWidths=[w * scale for w in widths], repeatRows=1)
    grid.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return grid


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(pdf.font_name(), 8)
    canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
    canvas.restoreState()


def yearly_report(payload: dict, *, today: date | None = None) -> bytes:
    """The PDF return for the payload's period (normally a calendar year)."""
    today = today or local_today()
    styles = _styles()
    period = payload["period"]
    with force_locale("zh"):
        all_tables = indicator_tables.tables(payload)
        basis = (f"统计口径：{indicator_tables.VIEW_LABELS[payload.get('view', 'deal')]}"
                 f"{indicator_tables.SCOPE_NOTE}")
    when = f"{period['year']}年度" if period["year"] else f"{period['start']} 至 {period['end']}"
    story = [
        pdf.para("沈阳市知识产权运营服务体系建设主要指标统计表", styles["title"]),
        pdf.para(f"（{when}）", styles["subtitle"]),
        Spacer(1, 4 * mm),
        pdf.para(f"填报单位（盖章）：{CENTRE_NAME}", styles["meta"]),
        pdf.para(f"统计期间：{period['start']} 至 {period['end']}　　"
                  f"对比期间：{payload['previous_period']['start']} 至 "
                  f"{payload['previous_period']['end']}　　金额单位：元", styles["meta"]),
        pdf.para(f"数据来源：平台交易台账（含冲正记录）；中小企业数自 "
                  f"{payload['smes']['plan_start_year']} 年起累计。", styles["meta"]),
        pdf.para(basis, styles["meta"]),
    ]
    for number, table in zip(TABLE_NUMBERS, all_tables, strict=False):
        story += [pdf.para(f"表{number}　{table.title}", styles["heading"]),
                  _pdf_table(table, styles, numbered=table.key == "summary")]
    story += [
        Spacer(1, 8 * mm),
        pdf.para("单位负责人：__________　　统计负责人：__________　　填表人：__________　　"
                  f"报出日期：{today.year}年{today.month}月{today.day}日", styles["meta"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=18 * mm,
                            title=f"主要指标统计表 {when}", author=CENTRE_NAME)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
