"""The contract of a deal: ONE data object (:func:`contract_data`) from which the page
(``templates/deals/_contract_text.html``), the PDF (:func:`render_contract_pdf`) and its hash
(:func:`data_sha256`) are all made, so that a date, a field of use or a name cannot differ
between them.

``contract_data`` reads the live deal once, when the contract is frozen; everything after
that reads only the returned dict (plain JSON: str, int, bool, None, list, dict; dates as
ISO ``YYYY-MM-DD``; money as integer fen beside its currency). Rendering it again later,
after an organisation renamed itself or the listing changed, gives the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import json
from datetime import date

from ..domain import contract_text
from ..domain.contract_text import (
    CONTRACT_TEMPLATE,
    PLATFORM_NAME_EN,
    PLATFORM_NAME_ZH,
    Section,
    clauses,
)
from ..domain.dates import local_date, local_today
from ..domain.licence_period import licence_period, term_start
from ..domain.money import format_yuan_short
from ..domain.terms import contract_value_fen, payment_schedule, summary_en, summary_zh
from ..models import Deal, OfferKind
from . import payees

__all__ = ["SCHEDULE_KIND_ZH", "Section", "clauses", "contract_data", "contract_pdf",
           "contract_view", "data_sha256", "default_payee", "render_contract_pdf", "summaries", "terms_summary_zh"]

# the receipt names a payment's kind with the contract's words
SCHEDULE_KIND_ZH = contract_text.SCHEDULE_KIND_ZH
# words people type into a contact field instead of a name: never printed as one
PLACEHOLDER_NAMES = frozenset({"联系人", "联系人姓名", "姓名", "待定", "无", "暂无", "未知", "-", "—",
                               "contact", "n/a", "na", "none", "tbd"})
ROYALTY_REPORT = {"period": "quarter", "days_after_period": 30, "audit_per_year": 1,
                  "audit_underpayment_bp": 500}
LATE_PAYMENT = {"interest_bp_per_day": 5, "terminate_after_days": 60}
SIGNATURE_ROLES = ("licensor", "licensee")


def summaries(deal) -> tuple[str, str]:
    """The plain-language summary of the terms on the table (Chinese, English)."""
    if deal.kind == OfferKind.ASSIGNMENT:
        price = format_yuan_short(deal.price_fen) if deal.price_fen else None
        return (f"专利权转让，转让价款 {price}" if price else "专利权转让，价格面议",
                f"Assignment of the patent for {price}" if price else "Assignment, price on request")
    return summary_zh(deal.terms()), summary_en(deal.terms())


def terms_summary_zh(deal) -> str:
    return summaries(deal)[0]


# --- the data ---------------------------------------------------------------------------

def contract_data(deal: Deal, *, on: date | None = None, payee: dict | None = None) -> dict:
    """Everything the contract of ``deal`` says, as canonical JSON-ready data.

    ``on`` is the Shenyang day the terms were agreed and the contract frozen (default: the
    day the deal concluded, else today): a licence's term starts then, or at the licensee's
    expected start of use if later. ``payee`` is who receives the money (default
    :func:`default_payee`: the licensor). ``version`` is left None for signing to fill.
    """
    if on is None:
        on = local_date(deal.concluded_at) if deal.concluded_at else local_today()
    kind = _kind(deal)
    assignment = kind == "assignment"
    data = {
        "template": CONTRACT_TEMPLATE,
        "version": None,
        "contract_number": deal.contract_number,
        "deal_id": deal.id,
        "kind": kind,
        "frozen_on": on.isoformat(),
        "platform": {"name_zh": PLATFORM_NAME_ZH, "name_en": PLATFORM_NAME_EN},
        "parties": {"licensor": _party(deal, "licensor"), "licensee": _party(deal, "licensee")},
        "patents": [_patent(deal.patent)],
        "scope": None if assignment else _scope(deal),
        "term": None if assignment else _term(deal, on),
        "open_licence": _open_licence(deal) if kind == "open_licence" else None,
        "fees": _fees(deal),
        "schedule": _schedule(deal, on),
        "payment": {"method": "bank_transfer", "payee": payee or default_payee(deal)},
        "reporting": None if assignment or not deal.royalty_bp else dict(ROYALTY_REPORT),
        "technical_assistance": getattr(deal, "technical_assistance", None) or None,
        "late_payment": dict(LATE_PAYMENT),
        "confidentiality_years": 3,
        "recording": _recording(kind),
        "dispute": {"forum": "arbitration", "institution_zh": "沈阳仲裁委员会",
                    "institution_en": "Shenyang Arbitration Commission"},
    }
    return json.loads(_canonical(data))  # proves it is plain JSON; tuples become lists


def _canonical(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)


def data_sha256(data: dict) -> str:
    """The SHA-256 (hex) of ``data``'s canonical JSON: what the footer prints and signers sign."""
    return hashlib.sha256(_canonical(data).encode("utf-8")).hexdigest()


def _kind(deal: Deal) -> str:
    if deal.kind == OfferKind.ASSIGNMENT:
        return "assignment"
    if deal.kind == OfferKind.OPEN_LICENCE:
        return "open_licence"
    return deal.licence_kind.value if deal.licence_kind else "non_exclusive"


def _real_name(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value.lower() in PLACEHOLDER_NAMES else value or None


def _party(deal: Deal, role: str) -> dict:
    """A party as the contract names it: the name and credit code kept at conclusion (the
    live, verified ones before that); for an open licence the licensee as its written notice
    declared itself."""
    org = getattr(deal, role)
    declared = {}
    if role == "licensee" and deal.kind == OfferKind.OPEN_LICENCE:
        declared = deal.licensee_details or {}
    return {
        "role": role,
        "name": declared.get("legal_name") or getattr(deal, f"{role}_name") or org.name,
        "credit_code": getattr(deal, f"{role}_credit_code") or org.credit_code,
        "address": declared.get("address") or org.address,
        # the model contract's 法定代表人; the person who signs is named in the signature block
        "legal_representative": _real_name(getattr(org, "legal_representative", None)),
        "contact_name": _real_name(org.contact_name),
        "contact_phone": org.contact_phone or None,
        "contact_email": org.contact_email or None,
    }


def _patent(patent) -> dict:
    return {
        "patent_number": patent.patent_number,
        "application_number": patent.application_number,
        "title": patent.title,
        "type": patent.patent_type.value,
        "filing_date": patent.filing_date.isoformat(),
        "grant_date": patent.grant_date.isoformat() if patent.grant_date else None,
        "grant_number": patent.grant_number,
        "legal_status": patent.legal_status.value,
        "expiry_date": patent.expiry_date.isoformat(),  # 期满终止日: first day out of force
    }


def _scope(deal: Deal) -> dict:
    return {"territory": deal.territory, "field_of_use": deal.agreed_field_of_use or None,
            "sublicence": False}


def _term(deal: Deal, on: date) -> dict:
    period = licence_period(term_start(on, deal.expected_start), deal.term_years,
                            deal.patent.expiry_date)
    return {"years": deal.term_years, "start": period.start.isoformat(),
            "end": period.last_day.isoformat(), "capped_by_patent": period.capped_by_patent}


def _open_licence(deal: Deal) -> dict:
    details = deal.licensee_details or {}
    notice = next((e for e in deal.events if e.action == "take_open"), None)
    offer = deal.offer
    return {
        # the CNIPA declaration and its announcement (Patent Law art. 50)
        "declared_on": offer.declared_on.isoformat() if offer and offer.declared_on else None,
        "announcement_number": (offer.cnipa_announcement_number or None) if offer else None,
        "declared_field_of_use": deal.field_of_use or None,
        "notice_on": local_date(notice.at).isoformat() if notice is not None else None,
        "licensee_declaration": {
            "legal_name": details.get("legal_name") or None,
            "credit_code": details.get("credit_code") or None,
            "address": details.get("address") or None,
            "field_of_use": details.get("field_of_use") or None,
            "expected_start": deal.expected_start.isoformat() if deal.expected_start else None,
        },
    }


def _fees(deal: Deal) -> dict:
    if deal.kind == OfferKind.ASSIGNMENT:
        return {"currency": deal.currency, "price_fen": deal.price_fen or 0,
                "fixed_total_fen": deal.price_fen or 0}
    terms = deal.terms()
    return {
        "currency": terms.currency,
        "upfront_fee_fen": terms.upfront_fee_fen,
        "upfront_mode": terms.upfront_mode,
        "deferral_kind": terms.deferral_kind if terms.upfront_mode == "deferred" else None,
        "deferral_months": terms.deferral_months if terms.upfront_mode == "deferred" else None,
        "royalty_bp": terms.royalty_bp,
        "royalty_base": terms.royalty_base,
        "royalty_threshold_fen": terms.royalty_threshold_fen,
        "min_annual_royalty_fen": terms.min_annual_royalty_fen,
        "fixed_total_fen": contract_value_fen(terms),
    }


def _schedule(deal: Deal, on: date) -> list[dict]:
    """The fixed payments: the deal's own schedule rows once they exist (with their bank
    references), else the same rows computed from the terms as of ``on``. A broker's fee
    is owed to the agency under the mandate, not under this contract: never listed."""
    if deal.schedule:
        rows = [(i.kind, i.amount_fen, i.currency, i.due_on, i.trigger, i.reference)
                for i in deal.schedule if not i.is_broker_fee]
    elif deal.kind == OfferKind.ASSIGNMENT:
        rows = [("assignment_price", deal.price_fen, deal.currency, on, None, None)] \
            if deal.price_fen else []
    else:
        rows = [(i.kind, i.amount_fen, deal.currency, i.due_on, i.trigger, None)
                for i in payment_schedule(deal.terms(), on)]
    return [{"kind": kind, "amount_fen": amount, "currency": currency,
             "due_on": due.isoformat() if due else None, "trigger": trigger, "reference": ref}
            for kind, amount, currency, due, trigger, ref in rows]


def default_payee(deal: Deal) -> dict:
    """Who receives the money, by the deployment's one payee rule
    (:func:`market.services.payees.payee_of_deal`): the licensor into the bank account on its
    profile, or the centre as escrow (always for card payments). Without complete bank
    details the contract says the payment page gives them."""
    payee = payees.payee_of_deal(deal)
    return {
        "party": "centre" if payee.is_escrow else "licensor",
        "account_name": payee.name or deal.licensor_name or deal.licensor.name,
        "bank": payee.bank_name or None,
        "account_number": payee.account_number or None,
        "by_card": payee.by_card,
        "on_payment_page": not (payee.bank_name and payee.account_number),
    }


def _recording(kind: str) -> dict:
    if kind == "assignment":
        # Patent Law art. 10: the assignment takes effect on registration with CNIPA
        return {"duty": "registration", "filed_by": "licensor", "within_days": 30,
                "mandatory": True}
    # recording within 3 months of the contract taking effect; an open licence may be recorded
    return {"duty": "recording", "filed_by": "licensor", "within_months": 3,
            "mandatory": kind != "open_licence"}


def contract_view(data: dict, lang: str = "zh", signatures: list[dict] | None = None) -> dict:
    """What ``templates/deals/_contract_text.html`` prints: the PDF's words, from the same data."""
    text = contract_text.texts(lang)
    by_role = {s.get("role"): s for s in signatures or []}
    return {"lang": lang, "title": text.title(data), "header": text.header_lines(data),
            "sections": clauses(data, lang), "footer": text.footer(data, data_sha256(data)),
            "signature_heading": text.SIGNATURE_HEADING,
            "signatures": [text.signature_lines(data, role, by_role.get(role))
                           for role in SIGNATURE_ROLES]}


# --- the PDF ------------------------------------------------------------------------------

def render_contract_pdf(data: dict, signatures: list[dict], *, lang: str = "zh") -> bytes:
    """The contract PDF of ``data`` with ``signatures`` applied: the same inputs give the
    same bytes (reportlab's invariant mode, no clock, no random id). A signature is
    ``{"role", "org_name", "signer_name", "signed_at" (ISO datetime), "sha256"}``; a party
    without one gets an empty block to seal and sign by hand."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from .contract_pdf import Styles, footer, story

    text = contract_text.texts(lang)
    styles = Styles.make()
    digest = data_sha256(data)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=text.title(data), author=text.platform(data),
        subject=data.get("contract_number") or "", creator=text.platform(data),
        producer=text.platform(data), invariant=1, leftMargin=20 * mm, rightMargin=20 * mm,
        topMargin=18 * mm, bottomMargin=22 * mm)
    on_page = footer(text.footer(data, digest), styles, text.page_label)
    previous = rl_config.invariant
    rl_config.invariant = 1  # no creation date, a fixed document id
    try:
        doc.build(story(data, signatures, lang, styles), onFirstPage=on_page,
                  onLaterPages=on_page)
    finally:
        rl_config.invariant = previous
    return buffer.getvalue()


def contract_pdf(deal: Deal) -> bytes:
    """The contract of a concluded deal drawn from its data now, unsigned (raises ValueError
    for a deal without a contract). Signing replaces it with the frozen, signed PDF."""
    if not deal.contract_number or deal.concluded_at is None:
        raise ValueError("only a concluded deal has a contract")
    return render_contract_pdf(contract_data(deal), [])
