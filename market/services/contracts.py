"""The licence (or assignment) contract of a concluded deal, as a Chinese PDF with every
item CNIPA recording requires: parties, patent particulars, kind, term, territory, field,
fees and payment schedule, and the plain-language summary."""
from __future__ import annotations

import io

from ..domain.dates import local_date
from ..domain.money import format_yuan_short
from ..domain.terms import add_months, summary_en, summary_zh
from ..models import Deal, OfferKind
from . import pdf
from .ledger import deal_value_fen

KIND_ZH = {"exclusive": "独占许可", "sole": "排他许可", "non_exclusive": "普通许可"}
PATENT_TYPE_ZH = {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}
SCHEDULE_KIND_ZH = {"upfront": "签约时支付的许可费", "deferred_upfront": "延期支付的许可费",
                    "minimum_annual_royalty": "年度最低提成", "assignment_price": "转让价款"}
TRIGGER_ZH = {"first_sales": "首次销售后"}


def summaries(deal: Deal) -> tuple[str, str]:
    """The plain-language summary of the terms on the table (Chinese, English)."""
    if deal.kind == OfferKind.ASSIGNMENT:
        price = format_yuan_short(deal.price_fen) if deal.price_fen else None
        return (f"专利权转让，转让价款 {price}" if price else "专利权转让，价格面议",
                f"Assignment of the patent for {price}" if price else "Assignment, price on request")
    return summary_zh(deal.terms()), summary_en(deal.terms())


def terms_summary_zh(deal: Deal) -> str:
    return summaries(deal)[0]


def contract_kind_zh(deal: Deal) -> str:
    if deal.kind == OfferKind.ASSIGNMENT:
        return "专利权转让"
    kind = KIND_ZH.get(deal.licence_kind.value if deal.licence_kind else "", "普通许可")
    return f"{kind}（开放许可）" if deal.kind == OfferKind.OPEN_LICENCE else kind


def _party_rows(title: str, org) -> list[list[str]]:
    return [[title, org.name], ["统一社会信用代码", org.credit_code], ["住所（地址）", org.address],
            ["联系人及电话", f"{org.contact_name}  {org.contact_phone}"]]


def contract_pdf(deal: Deal) -> bytes:
    """Render the contract of a concluded deal (raises ValueError for any other state)."""
    # reportlab is loaded by the first PDF, not by every worker (deal pages import this module)
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
    if not deal.contract_number or deal.concluded_at is None:
        raise ValueError("only a concluded deal has a contract")
    body = pdf.base_style(fontSize=10.5, leading=16)
    head = ParagraphStyle("head", parent=body, fontSize=12.5, leading=20, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=26, alignment=1)
    patent, signed = deal.patent, local_date(deal.concluded_at)
    # the parties as they were when the deal concluded (a later rename does not reach here)
    licensor, licensee = deal.contract_party("licensor"), deal.contract_party("licensee")
    is_assignment = deal.kind == OfferKind.ASSIGNMENT
    start = deal.expected_start or signed
    end = add_months(start, 12 * deal.term_years)

    def table(rows, widths=(45 * mm, 120 * mm)):
        cells = [[pdf.para(c, body) for c in row] for row in rows]
        t = Table(cells, colWidths=widths)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
        return t

    story = [pdf.para("专利权转让合同" if is_assignment else "专利实施许可合同", title),
             pdf.para(f"合同编号：{deal.contract_number}　签订日期：{signed.isoformat()}", body),
             pdf.para("签订平台：沈阳知识产权交易平台", body), Spacer(1, 6),
             pdf.para("一、合同当事人", head),
             table(_party_rows("转让方" if is_assignment else "许可方（专利权人）", licensor)
                   + _party_rows("受让方" if is_assignment else "被许可方", licensee)),
             pdf.para("二、专利", head),
             table([["专利名称", patent.title], ["专利号", patent.patent_number],
                    ["专利类型", PATENT_TYPE_ZH.get(patent.patent_type.value, "")],
                    ["申请日", patent.filing_date.isoformat()],
                    ["授权公告日", patent.grant_date.isoformat() if patent.grant_date else "—"],
                    ["授权公告号", patent.grant_number or "—"],
                    ["专利权期限届满日", patent.expiry_date.isoformat()]]),
             pdf.para("三、许可（转让）内容", head)]
    scope = [["合同类型", contract_kind_zh(deal)]]
    if not is_assignment:
        scope += [["许可期限", f"{deal.term_years} 年，自 {start.isoformat()} 起至 {end.isoformat()} 止"],
                  ["许可地域", deal.territory], ["使用领域", deal.field_of_use or "不限"]]
    story.append(table(scope))
    story.append(pdf.para("四、费用及支付", head))
    money = [["合同金额（固定部分）", format_yuan_short(deal_value_fen(deal))]]
    if not is_assignment:
        money += [["条款摘要", terms_summary_zh(deal)]]
    else:
        money += [["转让价款", format_yuan_short(deal.price_fen or 0)]]
    story.append(table(money))
    if deal.schedule:
        rows = [["款项", "金额", "到期", "付款参考号"]] + [
            [SCHEDULE_KIND_ZH.get(i.kind, i.kind), format_yuan_short(i.amount_fen),
             i.due_on.isoformat() if i.due_on else TRIGGER_ZH.get(i.trigger or "", "—"),
             i.reference] for i in deal.schedule]
        story += [Spacer(1, 4), table(rows, widths=(45 * mm, 30 * mm, 35 * mm, 55 * mm))]
    else:
        story.append(pdf.para("本合同无固定付款项目。", body))
    story += [pdf.para("五、通俗说明", head), pdf.para(terms_summary_zh(deal), body),
              pdf.para(summaries(deal)[1], body),
              pdf.para("六、备案", head),
              pdf.para("许可方应自合同生效之日起 3 个月内向国家知识产权局办理专利实施许可合同备案。"
                        if not is_assignment else "双方应向国家知识产权局办理专利权转让登记。", body),
              Spacer(1, 18),
              table([["许可方（盖章）" if not is_assignment else "转让方（盖章）", licensor.name],
                     ["被许可方（盖章）" if not is_assignment else "受让方（盖章）", licensee.name]])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=deal.contract_number, author="沈阳知识产权交易平台",
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm).build(story)
    return buffer.getvalue()


# --- provisional: replaced by the deal-contract branch ---
# Minimal versions of the contract interface the signing service calls (contract_data,
# data_sha256, render_contract_pdf; templates/deals/_contract_text.html shows ``data``).


def contract_data(deal: Deal) -> dict:
    """The canonical, JSON-serialisable data of ``deal``'s whole contract as it stands now.
    The caller fills ``"version"``."""
    import dataclasses

    patent = deal.patent

    def party(org) -> dict:
        return {"name": org.name, "credit_code": org.credit_code, "address": org.address,
                "contact_name": org.contact_name, "contact_phone": org.contact_phone}

    zh, en = summaries(deal)
    return {
        "version": None, "deal_id": deal.id, "kind": deal.kind.value,
        "licence_kind": deal.licence_kind.value if deal.licence_kind else None,
        "contract_kind_zh": contract_kind_zh(deal),
        "licensor": party(deal.licensor), "licensee": party(deal.licensee),
        "patent": {"title": patent.title, "patent_number": patent.patent_number,
                   "patent_type": patent.patent_type.value,
                   "filing_date": patent.filing_date.isoformat(),
                   "grant_date": patent.grant_date.isoformat() if patent.grant_date else None,
                   "expiry_date": patent.expiry_date.isoformat()},
        "terms": None if deal.kind == OfferKind.ASSIGNMENT else dataclasses.asdict(deal.terms()),
        "price_fen": deal.price_fen,
        "expected_start": deal.expected_start.isoformat() if deal.expected_start else None,
        "summary_zh": zh, "summary_en": en,
    }


def data_sha256(data: dict) -> str:
    """SHA-256 (hex) of ``data`` in its canonical JSON form."""
    import hashlib
    import json
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def render_contract_pdf(data: dict, signatures: list[dict], *, lang: str = "zh") -> bytes:
    """The contract PDF of ``data`` with ``signatures`` applied; the same bytes every time."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate, Spacer
    body = pdf.base_style(fontSize=10.5, leading=16)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=26, alignment=1)
    is_assignment = data["kind"] == "assignment"
    patent = data["patent"]
    story = [pdf.para("专利权转让合同" if is_assignment else "专利实施许可合同", title),
             pdf.para(f"合同编号：{data.get('contract_number') or '—'}　第 {data['version']} 版", body),
             Spacer(1, 6),
             pdf.para(f"许可方（转让方）：{data['licensor']['name']}"
                      f"（{data['licensor']['credit_code']}）", body),
             pdf.para(f"被许可方（受让方）：{data['licensee']['name']}"
                      f"（{data['licensee']['credit_code']}）", body),
             pdf.para(f"专利：{patent['title']}（{patent['patent_number']}）", body),
             pdf.para(f"申请日：{patent['filing_date']}　许可方住所：{data['licensor']['address']}",
                      body),
             pdf.para(f"合同类型：{data['contract_kind_zh']}", body),
             pdf.para(f"条款：{data['summary_zh']}", body),
             pdf.para(f"许可期限：{(data['terms'] or {}).get('term_years', '—')} 年", body),
             Spacer(1, 12)]
    for sig in signatures:
        story.append(pdf.para(f"{'许可方' if sig['role'] == 'licensor' else '被许可方'}签署："
                              f"{sig['org_name']}　{sig['signer_name']}　{sig['signed_at']}"
                              f"　SHA-256 {sig['sha256']}", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title="contract",
                      author="沈阳知识产权交易平台").build(story)
    return buffer.getvalue()
