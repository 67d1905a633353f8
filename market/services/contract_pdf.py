"""The layout of the contract PDF (its words come from :mod:`market.domain.contract_text`):
title, header, clauses, signature blocks, and a footer on every page with the contract number
and the SHA-256 of the frozen data. Only :func:`market.services.contracts.render_contract_pdf`
calls it, which makes the output deterministic."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from ..domain import contract_text
from . import pdf


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    latin: ParagraphStyle  # English wraps between words, not between any two letters
    heading: ParagraphStyle
    title: ParagraphStyle
    mark: ParagraphStyle
    small: ParagraphStyle
    footer_font: str

    @classmethod
    def make(cls) -> Styles:
        body = pdf.base_style(fontSize=10.5, leading=16.5, spaceAfter=2)
        latin = ParagraphStyle("latin", parent=body, wordWrap=None, splitLongWords=1)
        return cls(body=body, latin=latin,
                   heading=ParagraphStyle("heading", parent=body, fontSize=12, leading=19,
                                          spaceBefore=7, spaceAfter=3),
                   title=ParagraphStyle("title", parent=body, fontSize=18, leading=28,
                                        alignment=1, spaceAfter=6),
                   mark=ParagraphStyle("mark", parent=body, fontSize=11, leading=17,
                                       alignment=1, textColor=colors.darkred, spaceAfter=6),
                   small=ParagraphStyle("small", parent=body, fontSize=9, leading=13),
                   footer_font=body.fontName)

    def text(self, lang: str) -> ParagraphStyle:
        return self.latin if lang == "en" else self.body


def story(data: dict, signatures: list[dict], lang: str, styles: Styles) -> list:
    """The flowables of the whole contract."""
    text = contract_text.texts(lang)
    body = styles.text(lang)
    flow = [pdf.para(text.title(data), styles.title)]
    if text.MARK:
        flow.append(pdf.para(text.MARK, styles.mark))
    flow += [pdf.para(line, body) for line in text.header_lines(data)]
    for section in contract_text.clauses(data, lang):
        if section.key == "translation":
            continue  # printed under the title
        heading = pdf.para(section.heading, styles.heading)
        paragraphs = [pdf.para(p, body) for p in section.paragraphs]
        # a heading never ends a page alone
        flow += [KeepTogether([heading, *paragraphs[:1]]), *paragraphs[1:]]
    flow += [Spacer(1, 8 * mm), *_signatures(data, signatures, text, styles, body)]
    return flow


def _signatures(data, signatures, text, styles, body) -> list:
    by_role = {s.get("role"): s for s in signatures}
    blocks = []
    for role in ("licensor", "licensee"):
        rows = [[pdf.para(label, styles.small), pdf.para(value, body)]
                for label, value in text.signature_lines(data, role, by_role.get(role))]
        table = Table(rows, colWidths=(45 * mm, 125 * mm))
        table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                                   ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                                   ("TOPPADDING", (0, 0), (-1, -1), 5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
        blocks.append(KeepTogether([table, Spacer(1, 5 * mm)]))
    return [KeepTogether([pdf.para(text.SIGNATURE_HEADING, styles.heading), blocks[0]]),
            blocks[1]]


def footer(line: str, styles: Styles, page_label):
    """The page callback that prints ``line`` and the page number at the foot of each page."""
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(styles.footer_font, 6.8)
        canvas.setFillColor(colors.dimgrey)
        width = doc.pagesize[0]
        canvas.drawString(doc.leftMargin, 11 * mm, line)
        canvas.drawRightString(width - doc.rightMargin, 7 * mm, page_label(doc.page))
        canvas.restoreState()
    return draw
