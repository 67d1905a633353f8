"""A payment's receipt as a Chinese PDF (the HTML receipt page shows the same facts)."""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.dates import local_date
from ..domain.money import format_fen
from ..models import Deal, Payment, PaymentScheduleItem
from . import payees, pdf
from .contracts import SCHEDULE_KIND_ZH

PROVIDER_ZH = {"stripe": "银行卡或支付宝（Stripe）", "offline": "银行转账"}
STATUS_ZH = {"succeeded": "已收款", "refunded": "已退款"}  # as the receipt page words them


def payee_note(payee: payees.PayeeView, row: PaymentScheduleItem | None = None) -> str:
    """Who took the money, in the words the receipt prints (the HTML receipt says the same)."""
    if row is not None and row.is_broker_fee:
        agency = payee.beneficiary.name if payee.beneficiary else ""
        if payee.by_card:
            note = f"银行卡支付由沈阳市知识产权运营服务中心代收（托管），再转付服务机构{agency}"
        elif payee.is_escrow:
            note = f"由沈阳市知识产权运营服务中心代收（托管），再转付服务机构{agency}"
        else:
            note = "服务机构直接收款"
        return note + "；技术经纪服务费，不属于许可合同价款"
    if payee.by_card:
        return "银行卡支付由沈阳市知识产权运营服务中心代收（托管），再转付许可方"
    if payee.is_escrow:
        return "由沈阳市知识产权运营服务中心代收（托管），再转付许可方"
    return "许可方直接收款"


def receipt_pdf(payment: Payment, row: PaymentScheduleItem, deal: Deal) -> bytes:
    """The receipt of ``payment`` (succeeded or refunded) for ``row`` of ``deal``: it names
    the payer and the payee that actually took the money (``payees.payee_of``)."""
    payee = payees.payee_of(row, payment)
    body = pdf.base_style(fontSize=9.5, leading=14)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    rows = [
        ["收据编号", payment.receipt_number or ""],
        ["状态", STATUS_ZH.get(payment.status.value, payment.status.value)],
        ["本次收款金额", format_fen(payment.amount_fen, payment.currency)],
        ["本项应付金额", format_fen(row.amount_fen, row.currency)],
        ["付款日期", _day(local_date(payment.paid_at)) if payment.paid_at else ""],
        ["付款方式", PROVIDER_ZH.get(payment.provider.value, payment.provider.value)],
        ["付款参考号", row.reference],
        ["款项", f"{SCHEDULE_KIND_ZH.get(row.kind, row.kind)} · {deal.patent.title}"
                 f"（{deal.patent.shown_number}）"],
        ["合同编号", deal.contract_number or "—"],
        ["付款方", row.payer.name],
        ["收款方", payee.name],
        ["收款说明", payee_note(payee, row)],
    ]
    if payee.account_number and not payee.by_card:
        rows.append(["收款账户", f"{payee.bank_name or ''} {payee.account_display}"])
    if payment.refunded_at:
        rows.append(["退款日期", _day(local_date(payment.refunded_at))])
    table = Table([[pdf.para(a, body), pdf.para(b, body)] for a, b in rows],
                  colWidths=[30 * mm, 140 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A5), title=f"收据 {payment.receipt_number}",
                            leftMargin=12 * mm, rightMargin=12 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm)
    doc.build([pdf.para("沈阳知识产权交易平台 · 收据", title), Spacer(1, 4 * mm), table,
               Spacer(1, 4 * mm),
               pdf.para("本收据仅记录付款，不作为发票。Issued by Shenyang IP Market; not a tax "
                         "invoice.", body)])
    return out.getvalue()


def _day(value) -> str:
    """A date as the receipt page prints it in Chinese (2026年12月2日)."""
    return f"{value.year}年{value.month}月{value.day}日"
