"""The English reading copy of the contract: a translation; the Chinese text prevails."""
from __future__ import annotations

from ..money import format_fen
from .base import Section, as_date, local_moment, profit_base, rate

MARK = "English reading copy — translation; the Chinese text prevails."
KIND = {"exclusive": "exclusive licence", "sole": "sole licence",
        "non_exclusive": "non-exclusive licence",
        "open_licence": "open licence (non-exclusive)", "assignment": "assignment of the patent"}
KIND_MEANING = {
    "exclusive": "Within the territory, field and term, Party A licenses Party B alone; neither "
                 "Party A nor any third party may work the Patent.",
    "sole": "Within the territory, field and term, Party A licenses Party B alone and no third "
            "party, but keeps the right to work the Patent itself.",
    "non_exclusive": "Within the territory, field and term, Party B may work the Patent; Party A "
                     "may work it itself and license third parties.",
    "open_licence": "Party B takes a non-exclusive licence under Party A's open licence "
                    "declaration; Party A may work the Patent and licenses everyone else who gives "
                    "notice and pays under that declaration on the same terms.",
}
PATENT_TYPE = {"invention": "invention", "utility_model": "utility model", "design": "design"}
LEGAL_STATUS = {"granted": "in force (granted)", "pending": "under examination (not granted)",
                "terminated": "terminated", "withdrawn": "withdrawn or rejected"}
SCHEDULE_KIND = {"upfront": "licence fee due at signing", "deferred_upfront": "deferred licence fee",
                 "minimum_annual_royalty": "minimum annual royalty",
                 "assignment_price": "assignment price"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
BLANK = "____________________"


def day(value: str | None) -> str:
    d = as_date(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else "—"


def money(fen: int, currency: str = "CNY") -> str:
    return format_fen(fen, currency, locale="en")


def is_assignment(data: dict) -> bool:
    return data["kind"] == "assignment"


def party_label(data: dict, role: str) -> str:
    if is_assignment(data):
        return "Assignor (Party A)" if role == "licensor" else "Assignee (Party B)"
    return "Licensor (Party A)" if role == "licensor" else "Licensee (Party B)"


def title(data: dict) -> str:
    return ("Patent Assignment Contract" if is_assignment(data)
            else "Patent Licence Contract") + " (English reading copy)"


def platform(data: dict) -> str:
    return data["platform"]["name_en"]


def header_lines(data: dict) -> list[str]:
    number = data.get("contract_number") or "(numbered at signing)"
    version = f"  Version: {data['version']}" if data.get("version") is not None else ""
    return [f"Contract number: {number}{version}", f"Kind: {KIND[data['kind']]}",
            f"Concluded electronically through {platform(data)}, Shenyang, Liaoning"]


def footer(data: dict, digest: str) -> str:
    return (f"Translation — the Chinese text prevails · Contract {data.get('contract_number') or '—'}"
            f" · data SHA-256 {digest}")


def page_label(n: int) -> str:
    return f"Page {n}"


def _party(data: dict, role: str) -> list[str]:
    p = data["parties"][role]
    lines = [f"{party_label(data, role)}: {p['name']}",
             f"Unified social credit code: {p['credit_code']}", f"Address: {p['address']}"]
    lines.append(f"Legal representative: {p['legal_representative']}"
                 if p.get("legal_representative")
                 else "Legal or authorised representative: the signer named in the signature block")
    contact = ", ".join(x for x in (p.get("contact_name"), p.get("contact_phone"),
                                    p.get("contact_email")) if x)
    if contact:
        lines.append(f"Contact: {contact}")
    return lines


def _parties(data: dict) -> Section:
    return Section("parties", "The parties", _party(data, "licensor") + _party(data, "licensee"))


def _recitals(data: dict) -> Section:
    if is_assignment(data):
        lines = ["Whereas Party A owns the patent listed in Article 2 and wishes to assign it to "
                 "Party B;", "Whereas Party B wishes to acquire it and pay the price;"]
    else:
        lines = ["Whereas Party A owns the patent listed in Article 2 and may license it;",
                 "Whereas Party B wishes to work it within the scope of this contract;"]
    if data["kind"] == "open_licence":
        ol = data["open_licence"]
        announced = (f" (declared on {day(ol['declared_on'])}, announcement "
                     f"{ol['announcement_number']})"
                     if ol.get("declared_on") and ol.get("announcement_number") else "")
        lines.append("Whereas Party A declared the patent open for licensing and the patent office "
                     f"announced it{announced}, and Party B gave Party A written notice on "
                     f"{day(data['open_licence']['notice_on'])} and will pay as announced "
                     "(Patent Law arts. 50 and 51);")
    lines.append("The parties, under the Civil Code and the Patent Law of the People's Republic "
                 "of China, on the principles of equality, free will, fairness and good faith, "
                 "conclude this contract.")
    return Section("recitals", "Recitals", lines)


def _definitions(data: dict) -> list[str]:
    lines = ['"The Patent" means the patent listed in this contract.',
             '"Effective date" means the day this contract takes effect under its terms.']
    if not is_assignment(data):
        lines[1:1] = [
            '"Contract products" means products Party B makes, sells, offers for sale or '
            "imports by working the Patent, and products obtained directly by its process.",
            '"Net sales" means Party B\'s total revenue from contract products less VAT, returns '
            "and allowances confirmed in writing.",
            *(['"Profit" means net sales of contract products less Party B\'s reasonable direct '
               "costs, period expenses and taxes on them, per its annual accounts."]
              if profit_base(data) else []),
            '"Licence year" means each period of twelve months from the first day of the term.']
    return lines


def _patent_lines(data: dict) -> list[str]:
    lines = []
    for n, p in enumerate(data["patents"], start=1):
        prefix = f"({n}) " if len(data["patents"]) > 1 else ""
        grant = day(p["grant_date"]) if p["grant_date"] else "not granted"
        if p.get("grant_number"):
            grant += f" (grant publication {p['grant_number']})"
        lines += [f"{prefix}Title: {p['title']}", (f"Patent number: {p['patent_number']}" if p.get("patent_number")
                   else f"Application number: {p['application_number']}"),
                  f"Type: {PATENT_TYPE.get(p['type'], p['type'])}",
                  f"Filing date: {day(p['filing_date'])}", f"Grant date: {grant}",
                  f"Legal status (when frozen): {LEGAL_STATUS.get(p['legal_status'], p['legal_status'])}",
                  f"Protection ends on: {day(p['expiry_date'])}"]
    return lines


def _scope(data: dict) -> list[str]:
    scope, term, kind = data["scope"], data["term"], data["kind"]
    lines = [f"Kind: {KIND[kind]}. {KIND_MEANING[kind]}",
             "Licensed acts: making, using, selling, offering for sale and importing contract "
             "products, or using the patented process, for business purposes.",
             f"Territory: {scope['territory']}."]
    if kind == "open_licence":
        field = f"Field of use declared in Party B's written notice: {scope['field_of_use'] or '—'}."
        declared = data["open_licence"].get("declared_field_of_use")
        if declared:
            field += f" It stays within the field the declaration sets ({declared})."
        lines.append(field)
    else:
        lines.append(f"Field of use: {scope['field_of_use'] or 'any'}.")
    period = (f"Term: {term['years']} year{'s' if term['years'] != 1 else ''}, from "
              f"{day(term['start'])} to {day(term['end'])} inclusive.")
    if term["capped_by_patent"]:
        period += " The Patent expires before the agreed years run out; the term ends with it."
    lines += [period, "Party B may not sublicense without Party A's written consent."]
    return lines


def _delivery(data: dict) -> list[str]:
    return ["Within 15 days of the effective date Party A delivers, through the platform or in "
            "writing, the granted patent text (description, claims, drawings), a copy of the "
            "certificate and the latest annual fee receipt."]


def _fee_lines(data: dict) -> list[str]:
    f, cur = data["fees"], data["fees"]["currency"]
    if is_assignment(data):
        return [f"Price: {money(f['price_fen'], cur)}."]
    mode, fee = f["upfront_mode"], money(f["upfront_fee_fen"], cur)
    if mode == "waived" or not f["upfront_fee_fen"]:
        lines = ["Upfront fee: waived by Party A."]
    elif mode == "deferred" and f["deferral_kind"] == "months":
        lines = [f"Upfront fee: {fee}, deferred to {f['deferral_months']} months after the "
                 "effective date."]
    elif mode == "deferred":
        lines = [f"Upfront fee: {fee}, due within 30 days after Party B's first sale of contract "
                 "products."]
    elif mode == "reduced":
        lines = [f"Upfront fee: {fee} (as reduced by Party A), due on the effective date."]
    else:
        lines = [f"Upfront fee: {fee}, due on the effective date."]
    if not f["royalty_bp"]:
        lines.append("Royalty: none.")
    elif profit_base(data):
        above = (f" in each licence year in which net sales of contract products exceed "
                 f"{money(f['royalty_threshold_fen'], cur)}" if f["royalty_threshold_fen"] else "")
        lines.append(f"Royalty: {rate(f['royalty_bp'])} of the profit on contract products"
                     f"{above}.")
    elif f["royalty_threshold_fen"]:
        lines.append(f"Royalty: {rate(f['royalty_bp'])} of net sales of contract products above "
                     f"{money(f['royalty_threshold_fen'], cur)} in each licence year.")
    else:
        lines.append(f"Royalty: {rate(f['royalty_bp'])} of net sales of contract products.")
    if f["min_annual_royalty_fen"]:
        lines.append(f"Minimum annual royalty: {money(f['min_annual_royalty_fen'], cur)} per "
                     "licence year; Party B pays any shortfall when the licence year ends.")
    lines.append(f"Fixed sums agreed: {money(f['fixed_total_fen'], cur)} (royalties above the "
                 "minimum not included).")
    return lines


def _schedule_lines(data: dict) -> list[str]:
    if not data["schedule"]:
        return ["Payment schedule: no fixed payments."]
    lines = ["Payment schedule:"]
    for n, item in enumerate(data["schedule"], start=1):
        when = (f"due {day(item['due_on'])} (or the day this contract takes effect, if later)"
                if item["due_on"]
                else "due within 30 days after the first sale")
        ref = f", payment reference {item['reference']}" if item.get("reference") else ""
        lines.append(f"({n}) {SCHEDULE_KIND.get(item['kind'], item['kind'])}: "
                     f"{money(item['amount_fen'], item['currency'])}, {when}{ref}.")
    return lines


def _payee_lines(data: dict) -> list[str]:
    payee = data["payment"]["payee"]
    if payee["party"] == "centre":
        who = (f"Party B pays into the account of the {platform(data)} operations centre "
               f"(account name {payee['account_name']}), which confirms receipt and pays Party A; "
               "payment to the centre is payment to Party A.")
    else:
        who = f"Party B pays Party A directly (account name {payee['account_name']})."
    if payee.get("by_card"):
        return [f"Method: card payment on the platform. The {platform(data)} operations centre "
                f"collects the money (account name {payee['account_name']}) and, once the payment "
                "provider confirms it, pays Party A; payment to the centre is payment to Party A."]
    if payee.get("bank") and payee.get("account_number"):
        account = f"Account: {payee['bank']}, number {payee['account_number']}."
    else:
        account = ("The account is the one the receiver registered, as shown on this contract's "
                   "payment page on the platform.")
    return ["Method: bank transfer. " + who, account,
            "Party B quotes the payment reference and uploads the bank voucher on the platform; "
            "the receiver confirms receipt."]


def _fees(data: dict) -> list[str]:
    return _fee_lines(data) + _schedule_lines(data) + _payee_lines(data) + [
        "Each party bears its own taxes as the law provides."]


def _reporting(data: dict) -> list[str]:
    r = data["reporting"]
    if not r:
        return ["No royalty is payable, so Party B files no sales reports; it tells Party A how the "
                "Patent is worked when reasonably asked."]
    return [f"Within {r['days_after_period']} days after each calendar quarter Party B reports "
            "through the platform the quantity and net sales of contract products"
            f"{', the profit on them and how it was calculated,' if profit_base(data) else ''}"
            " and the royalty due, and pays that royalty.",
            "Party B keeps full accounts of contract products for three years after this "
            "contract ends.",
            f"Party A may have an accounting firm audit those accounts {r['audit_per_year']} time(s) "
            "a year on 15 days' written notice, at its own cost; if Party B underpaid by more than "
            f"{rate(r['audit_underpayment_bp'])}, Party B bears the cost and pays the shortfall."]


def _assistance(data: dict) -> list[str]:
    if data.get("technical_assistance"):
        return [f"Party A provides this technical assistance and training: "
                f"{data['technical_assistance']}"]
    return ["No technical assistance or training is agreed. If Party B needs it, the parties "
            "sign a separate written agreement."]


def _improvements(data: dict) -> list[str]:
    return ["Improvements either party makes to the patented technology during this contract, "
            "and the rights in them, belong to the party that made them.",
            "A party may tell the other of an improvement; if the other wishes to use it the "
            "parties negotiate, the other having a right of first licence on equal terms. This "
            "contract does not restrict either party's further research on the Patent."]


def _warranties(data: dict) -> list[str]:
    lines = ["Party A warrants that it is the lawful owner of the Patent and may conclude and "
             "perform this contract, that the Patent's legal status is as stated here, and that "
             "its ownership is not disputed.",
             "Party A warrants that the Patent is not pledged, or that the pledgee consented to "
             "this contract in writing (Civil Code art. 444)."]
    if is_assignment(data):
        lines.append("Party A warrants that it pays the annual fees until registration and has "
                     "disclosed the licences already granted, which this contract does not affect.")
    else:
        lines.append("Party A warrants that it pays the annual fees and keeps the Patent in force "
                     "during the term.")
        if data["kind"] in ("exclusive", "sole"):
            lines.append("Party A warrants that it has granted, and will grant during the term, no "
                         "other licence in the territory and field conflicting with this one.")
        lines.append("Party B warrants that it works the Patent only within the agreed territory, "
                     "field and term and pays on time.")
    lines.append("Party A does not warrant any technical or commercial result; if a third party "
                 "claims that working the Patent infringes its rights, Party A gives reasonable "
                 "help, and is liable if it knew of the risk and did not say so.")
    return lines


def _confidentiality(data: dict) -> list[str]:
    return ["Each party keeps the other's technical and business secrets learned under this "
            "contract confidential and uses them only for it; this lasts for "
            f"{data['confidentiality_years']} years after the contract ends. Published patent "
            "documents are not confidential."]


def _infringement(data: dict) -> list[str]:
    kind = data["kind"]
    if kind == "exclusive":
        who = "Party B may sue alone, with Party A's help."
    elif kind == "sole":
        who = "Party B may sue together with Party A, or alone if Party A does not sue."
    else:
        who = "Party A decides whether to sue; Party B helps."
    return ["A party that learns of an infringement of the Patent during the term tells the "
            "other in writing without delay. " + who]


def _invalidity(data: dict) -> list[str]:
    return ["If the Patent is declared invalid, or ends for a reason other than expiry, while "
            "this contract runs, the contract ends on that day.",
            "Under Patent Law art. 47 a declaration of invalidity does not reach back to what was "
            "performed before it; but Party A compensates losses it caused in bad faith, and "
            "returns sums received in whole or part where keeping them would be plainly unfair."]


def _breach(data: dict) -> list[str]:
    late = data["late_payment"]
    lines = [f"For late payment Party B pays {rate(late['interest_bp_per_day'])} of the overdue "
             f"sum per day; after {late['terminate_after_days']} days Party A may terminate by "
             "written notice and claim the sums due and the penalty."]
    if is_assignment(data):
        lines.append("If Party A does not file the registration as agreed or breaks its "
                     "warranties, Party B may terminate and claim back the price and its losses.")
    else:
        lines += ["If Party B works the Patent outside the agreed territory, field or term, or "
                  "sublicenses without consent, it stops and is liable; in a serious case Party A "
                  "may terminate.",
                  "If Party A breaks its warranties or the agreed kind of licence, Party B may "
                  "terminate and claim back the corresponding part of the fees and its losses."]
    lines.append("A party in breach compensates the other's losses; force majeure excuses "
                 "performance as the law provides.")
    return lines


def _effect(data: dict) -> list[str]:
    if data["kind"] == "open_licence":
        lines = ["This contract takes effect when Party B signs it electronically on the "
                 "platform; having given written notice and paid the fee due as announced, "
                 "Party B holds the licence (Patent Law art. 51)."]
    else:
        lines = ["This contract takes effect when both parties have signed it electronically on "
                 "the platform."]
    if is_assignment(data):
        lines.append("Changes need the written agreement of both parties (including a new "
                     "version both sign on the platform).")
    else:
        lines += ["The contract ends when the term ends. Changes need the written agreement of "
                  "both parties (including a new version both sign on the platform).",
                  "After the contract ends Party B stops working the Patent; it may sell contract "
                  "products already made within six months, paying royalties on them."]
    return lines


def _recording(data: dict) -> list[str]:
    rec = data["recording"]
    if rec["duty"] == "registration":
        return ["Under Patent Law art. 10 the assignment takes effect on its registration with "
                "the patent office; this contract alone does not transfer the Patent.",
                f"Party A files the registration with CNIPA within {rec['within_days']} days of the "
                "effective date, with Party B's help; until registration Party A keeps the "
                "Patent's rights and duties.",
                "Either party may register this contract as a technology contract with the "
                "science authority; the other helps."]
    if rec["mandatory"]:
        lines = [f"Party A records this licence contract with CNIPA within {rec['within_months']} "
                 "months of the effective date, with Party B's help. Recording does not affect "
                 "the contract's validity."]
    else:
        lines = ["Party A may record this open licence with CNIPA on the strength of this contract "
                 "and Party B's notice, with Party B's help. Recording does not affect the "
                 "contract's validity."]
    if data["term"]["years"] >= 5:
        lines.append("As the term is five years or more, either party may register this contract "
                     "as a technology contract with the science authority; the other helps.")
    return lines


def _dispute(data: dict) -> list[str]:
    d = data["dispute"]
    return ["The law of the People's Republic of China governs this contract.",
            "The parties settle disputes arising from or in connection with this contract by "
            f"negotiation; failing that, either party may submit the dispute to the "
            f"{d['institution_en']} for arbitration under its rules in force at the time of "
            "application. The award is final and binding on both parties."]


def _other(data: dict) -> list[str]:
    return ["This contract is made in Chinese with this English reading copy; where they differ "
            "the Chinese text prevails.",
            f"This contract is concluded electronically through {platform(data)}. Under the "
            "Electronic Signature Law, a reliable electronic signature each signer makes after "
            "verification of identity has the same legal effect as a handwritten signature or "
            "seal.",
            "The SHA-256 digest of the contract data is printed in every page footer; any change "
            "after signing can be detected. Each party can download the contract from the "
            "platform at any time; the download is the signed text."]


LICENCE = (("definitions", "Definitions", _definitions),
           ("patent", "The licensed patent", _patent_lines),
           ("scope", "Kind and scope of the licence", _scope),
           ("delivery", "Delivery of documents", _delivery),
           ("fees", "Fees and payment", _fees), ("reporting", "Sales reports and audit", _reporting),
           ("assistance", "Technical assistance and training", _assistance),
           ("improvements", "Improvements", _improvements),
           ("warranties", "Warranties", _warranties),
           ("confidentiality", "Confidentiality", _confidentiality),
           ("infringement", "Infringement by third parties", _infringement),
           ("invalidity", "Invalidity or lapse of the patent", _invalidity),
           ("breach", "Breach", _breach),
           ("effect", "Entry into force, change and termination", _effect),
           ("recording", "Recording", _recording), ("dispute", "Disputes", _dispute),
           ("other", "Miscellaneous", _other))
ASSIGNMENT = (("definitions", "Definitions", _definitions),
              ("patent", "The assigned patent", _patent_lines),
              ("delivery", "Delivery of documents", _delivery),
              ("fees", "Price and payment", _fees),
              ("recording", "Registration of the assignment", _recording),
              ("warranties", "Party A's warranties", _warranties),
              ("confidentiality", "Confidentiality", _confidentiality),
              ("invalidity", "Invalidity of the patent", _invalidity), ("breach", "Breach", _breach),
              ("effect", "Entry into force and change", _effect), ("dispute", "Disputes", _dispute),
              ("other", "Miscellaneous", _other))


def sections(data: dict) -> list[Section]:
    articles = ASSIGNMENT if is_assignment(data) else LICENCE
    return [Section("translation", MARK, []), _parties(data), _recitals(data)] + [
        Section(key, f"Article {n} {heading}", build(data))
        for n, (key, heading, build) in enumerate(articles, start=1)]


SIGNATURE_HEADING = "Signatures"


def signature_lines(data: dict, role: str, signature: dict | None) -> list[tuple[str, str]]:
    name = (signature or {}).get("org_name") or data["parties"][role]["name"]
    if not signature:
        return [(party_label(data, role), f"{name} (seal)"),
                ("Legal or authorised representative (signature)", BLANK),
                ("Date", BLANK)]
    at = local_moment(signature["signed_at"])
    return [(party_label(data, role), f"{name} (electronic signature)"),
            ("Legal or authorised representative", signature["signer_name"]),
            ("Signed at", f"{at:%Y-%m-%d %H:%M} (Shenyang time, UTC+8)"),
            ("Contract data signed (SHA-256)", signature["sha256"])]
