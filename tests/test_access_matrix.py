"""The access-control matrix: every route × every role, with the status the product gives.

One world (``tests/access_world.py``): University A and SME A own every kind of object a
route can name by id; SME B, University B and an institute own nothing of it, so their
columns are the
check that no object of another organisation is readable by id. A pending SME, someone
asking to join University A (not yet approved) and the centre complete the roles.

``test_matrix`` walks every row for one role (reads first, then writes in table order, the
destructive ones last) and reports every mismatch at once. ``test_strangers_change_nothing``
posts every write that names an object by id as each stranger and checks that no row of any
table changed; ``test_the_forms_of_the_table_work`` shows those same writes do change rows
when the side they belong to posts them. ``test_every_route_has_a_row`` keeps the table
complete: a new route, or a new method on a route, without a row fails. Deny by default: a
view that declares no access is refused (``test_undeclared_view_is_denied``).
"""
import io
from typing import NamedTuple

import pytest

from market.domain.dates import local_today
from market.permissions import ACCESS_ATTR

from .access_world import PAID_FEE_FEN, PNG, build_world, changed_tables
from .conftest import dump_tables, log_in
from .factories import PASSWORD

pytestmark = pytest.mark.db

ANON, PENDING, APPLICANT, SME_A, SME_B, UNI_A, UNI_B, INSTITUTE, CENTRE = (
    "anonymous", "pending", "applicant", "sme_a", "sme_b", "uni_a", "uni_b", "institute",
    "centre")
# the admins of four IP service agencies: Agency A holds SME A in custody, Agency B holds
# nobody; SME A's mandate to BROKER is live (its broker opened {brokered} for SME A), to
# BROKER_REVOKED revoked (it opened {revoked_brokered} before)
AGENCY_A, AGENCY_B = "agency_a", "agency_b"
BROKER, BROKER_REVOKED = "broker", "broker_revoked"
AGENCIES = (AGENCY_A, AGENCY_B, BROKER, BROKER_REVOKED)
# a verified larger enterprise (above the SME size standard): it buys and licenses in like
# an SME, but custody and technology demands stay the SMEs'; it owns nothing of the A side
ENTERPRISE = "enterprise"
ROLES = (ANON, PENDING, APPLICANT, SME_A, SME_B, UNI_A, UNI_B, INSTITUTE, CENTRE, *AGENCIES,
         ENTERPRISE)
# nothing of the A side is theirs
STRANGERS = (ANON, PENDING, APPLICANT, SME_B, UNI_B, INSTITUTE, AGENCY_B, BROKER_REVOKED,
             ENTERPRISE)
LOGIN = 302  # anonymous users are sent to the log-in page


# --- status patterns --------------------------------------------------------------------

def statuses(others: int, **given: int) -> dict[str, int]:
    """``others`` for every logged-in role not named; anonymous goes to the log-in page."""
    return {ANON: LOGIN, **dict.fromkeys(ROLES[1:], others), **given}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def users(status: int) -> dict[str, int]:
    return statuses(status)


def centre_only(status: int = 200) -> dict[str, int]:
    return statuses(403, centre=status)


def licensors(status: int = 200) -> dict[str, int]:
    """Pages of verified universities and institutes."""
    return statuses(403, uni_a=status, uni_b=status, institute=status)


def smes(status: int = 200, *, pending: int = 403) -> dict[str, int]:
    """Pages of SMEs (verified unless ``pending`` says otherwise)."""
    return statuses(403, sme_a=status, sme_b=status, pending=pending)


def buyers(status: int = 200, *, pending: int = 403) -> dict[str, int]:
    """Pages of the organisations that request licences and assignments and save searches:
    SMEs and the larger enterprise (verified unless ``pending`` says otherwise)."""
    return {**smes(status, pending=pending), ENTERPRISE: status}


def takers(status: int = 200) -> dict[str, int]:
    """An open licence: any verified organisation but its owner and the centre (art. 51)."""
    return statuses(403, sme_a=status, sme_b=status, uni_b=status, institute=status,
                    enterprise=status)


def org_admin(status: int) -> dict[str, int]:
    """University A's own organisation pages: its admin only."""
    return statuses(403, uni_a=status)


def listing_owner(status: int) -> dict[str, int]:
    """University A's listing pages: another licensor learns nothing (404), other roles are
    refused by kind (403)."""
    return statuses(403, uni_a=status, uni_b=404, institute=404)


def custody_parties(status: int, **given: int) -> dict[str, int]:
    """A custody agreement of SME A with Agency A: its parties and the centre; strangers get
    404 whatever id they try."""
    return statuses(404, **{SME_A: status, AGENCY_A: status, CENTRE: status, **given})


def custody_kinds(status: int = 200) -> dict[str, int]:
    """Pages of verified SMEs and agencies."""
    return statuses(403, sme_a=status, sme_b=status, **dict.fromkeys(AGENCIES, status))


def agencies(status: int = 200) -> dict[str, int]:
    """Pages of IP service agencies (each its own)."""
    return statuses(403, **dict.fromkeys(AGENCIES, status))


def principals(status: int = 200) -> dict[str, int]:
    """Pages of verified universities, institutes and enterprises: the mandates they grant."""
    return statuses(403, sme_a=status, sme_b=status, uni_a=status, uni_b=status,
                    institute=status, enterprise=status)


def brokered(status: int, **given: int) -> dict[str, int]:
    """A deal SME A's broker opened: SME A, University A, the centre and the broker under
    the live mandate; the agency whose mandate was revoked is a stranger (404)."""
    return deal_side(status, unverified=given.pop("unverified", 404), broker=status, **given)


def party_only(status: int, **given: int) -> dict[str, int]:
    """:func:`deal_side` for what only the parties do (sign, record, pay, cancel): an agency
    is refused by its kind (403) before any deal is looked up."""
    return deal_side(status, unverified=given.pop("unverified", 403),
                     **{**dict.fromkeys(AGENCIES, 403), **given})


def askers(status: int) -> dict[str, int]:
    """A question about University A's listing: verified enterprises, universities and
    institutes; the owner learns nothing by asking itself (404), the others are refused by
    kind (403)."""
    return statuses(403, sme_a=status, sme_b=status, uni_b=status, institute=status,
                    enterprise=status, uni_a=404)


def deal_side(status: int, *, unverified: int = 404, **given: int) -> dict[str, int]:
    """A deal of SME A with University A: the two parties and the centre; strangers get 404
    whatever id they try. ``unverified`` is the pending SME's and the applicant's status
    (403 on the actions, which need a verified member). An agency without a live mandate
    on the deal finds none (404); what only parties do refuses agencies by kind
    (:func:`party_only`)."""
    return statuses(404, **{PENDING: unverified, APPLICANT: unverified, SME_A: status,
                             UNI_A: status, CENTRE: status, **given})


# --- the table ------------------------------------------------------------------------

class Row(NamedTuple):
    method: str
    path: str        # {name}: the id of an object of the world (the A side's, mostly)
    endpoint: str    # "#variant" tells two rows of one endpoint apart
    expected: dict
    data: dict | None = None  # a form that would succeed for whoever may post it
    # the write is refused to everyone (the deal's state, an empty form): it changes nothing
    refused: bool = False


TODAY = local_today().isoformat()
PROFILE = {"name": "甲大学（新名称）", "district": "浑南区", "address": "沈阳市浑南区创新路1号",
           "contact_name": "王老师", "contact_phone": "024-88888888",
           "contact_email": "tto@uni-a.example.cn"}
PATENT = {"application_number": "ignored", "title": "一种石墨烯复合材料的制备方法（修订）",
          "abstract": "本发明公开了一种石墨烯复合材料。", "ipc_codes": "C01B 32/184",
          "legal_status": "granted", "filing_date": "2019-03-01", "grant_date": "2021-06-01"}
LICENCE_OFFER = {"kind": "licence", "licence_kind": "non_exclusive", "upfront_mode": "waived",
                 "royalty_bp": "3", "term_years": "5", "territory": "中国大陆"}
OPEN_OFFER = {"kind": "open_licence", "upfront_mode": "waived", "term_years": "5",
              "territory": "中国大陆", "declared_on": "2025-01-06",
              "cnipa_announcement_number": "KF-TEST-0001"}
REPORT = {"report_file": (b"%PDF-1.4\n%report\n", "评价报告.pdf"), "conclusion": "no_defect"}
COUNTER = {"licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": "5",
           "term_years": "5", "territory": "中国大陆", "message": "提成 5%。"}
# every user of the world is called 测试用户 (the factories' default) with the same password
SIGN = {"sha256": "{to_sign_sha}", "full_name": "测试用户", "password": PASSWORD,
        "consent": "y"}
RECEIPT = {"amount": str(PAID_FEE_FEN // 100), "received_on": TODAY,
           "bank_reference": "BANK-MATRIX-1"}
TRANSFER = {"token": "matrix-transfer-token-0", "amount": "1000", "paid_on": TODAY,
            "voucher": (PNG, "回单.png")}
DEMAND = {"title": "锂电池低温续航", "description": "冬季锂电池续航下降一半，希望找到低温加热技术。",
          "industry": "new_materials", "ipc_codes": "H01M 10/615", "budget_negotiable": "y",
          "wanted_kind": "any", "visibility": "public", "contact_preference": "platform"}
BANK_ACCOUNT = {"account_name": "甲大学", "bank_name": "中国银行沈阳分行",
                "account_number": "6216 6100 0000 9999 001"}

ROWS = [
    # --- public pages and accounts
    Row("GET", "/", "main.home", everyone(200)),
    Row("GET", "/healthz", "ops.healthz", everyone(200)),  # load balancers log in as no one
    Row("POST", "/healthz", "ops.healthz#post", everyone(405), {}),
    Row("GET", "/account/register", "auth.register", statuses(302, anonymous=200)),
    Row("GET", "/legal/terms", "main.terms", everyone(200)),
    Row("GET", "/legal/privacy", "main.privacy", everyone(200)),
    Row("POST", "/account/register", "auth.register", statuses(302, anonymous=422), {}),
    Row("GET", "/account/login", "auth.login", everyone(200)),
    Row("POST", "/account/login", "auth.login", everyone(422), {}),
    Row("GET", "/account/password", "auth.change_password", users(200)),
    Row("POST", "/account/password", "auth.change_password", users(422), {}),
    Row("GET", "/account/reset", "auth.request_reset", everyone(200)),
    Row("POST", "/account/reset", "auth.request_reset", everyone(422), {}),
    Row("GET", "/account/reset/bad-token", "auth.reset_password", everyone(302)),
    Row("POST", "/account/reset/bad-token", "auth.reset_password", everyone(302), {}),
    Row("GET", "/account/notifications", "auth.notifications", users(200)),
    Row("POST", "/account/notifications", "auth.notifications", users(422), {}),
    # the signed token is the credential (no log-in): a bad one names nobody
    Row("GET", "/account/unsubscribe/bad-token", "auth.unsubscribe", everyone(404)),
    Row("POST", "/account/unsubscribe/bad-token", "auth.unsubscribe", everyone(404), {}),

    # --- organisations: profiles are public once verified; the rest is the admin's
    Row("GET", "/org/", "orgs.mine", users(302)),
    Row("GET", "/org/{uni_a_org}", "orgs.profile", everyone(200)),
    Row("GET", "/org/{pending_org}", "orgs.profile#pending",
        {**everyone(404), CENTRE: 200}),  # a pending organisation's existence does not leak
    Row("GET", "/org/{uni_a_org}/edit", "orgs.edit", org_admin(200)),
    Row("POST", "/org/{uni_a_org}/edit", "orgs.edit", org_admin(302), PROFILE),
    Row("GET", "/org/{sme_a_org}/edit", "orgs.edit#sme_a", statuses(403, sme_a=200)),
    Row("GET", "/org/{pending_org}/edit", "orgs.edit#pending", statuses(404, centre=403)),
    Row("GET", "/org/{uni_a_org}/bank-account", "orgs.bank_account", org_admin(200)),
    Row("POST", "/org/{uni_a_org}/bank-account", "orgs.bank_account", org_admin(302),
        BANK_ACCOUNT),
    Row("GET", "/org/{uni_a_org}/members", "orgs.members", org_admin(200)),
    Row("POST", "/org/{uni_a_org}/members", "orgs.members", org_admin(302),
        {"name": "新同事", "email": "colleague@uni-a.example.cn"}),
    Row("POST", "/org/{uni_a_org}/members/{applicant}", "orgs.decide_member", org_admin(302),
        {"decision": "approve"}),

    # --- listings: public when published; the rest is the owner's
    Row("GET", "/patents/", "listings.browse", everyone(200)),
    Row("GET", "/patents/{patent}", "listings.detail", everyone(200)),
    Row("GET", "/patents/{draft}", "listings.detail#draft",
        {**everyone(404), UNI_A: 200, CENTRE: 200}),
    Row("GET", "/patents/attachments/{attachment}", "listings.attachment", everyone(200)),
    Row("GET", "/patents/attachments/{draft_attachment}", "listings.attachment#draft",
        {**everyone(404), UNI_A: 200, CENTRE: 200}),
    Row("GET", "/patents/attachments/999999", "listings.attachment#missing", everyone(404)),
    Row("GET", "/patents/evaluation-reports/{evaluation_report}", "listings.evaluation_report",
        everyone(200)),
    Row("GET", "/patents/evaluation-reports/{draft_evaluation_report}",
        "listings.evaluation_report#draft", {**everyone(404), UNI_A: 200, CENTRE: 200}),
    Row("GET", "/patents/mine", "listings.mine", licensors()),
    Row("GET", "/patents/new", "listings.new", licensors()),
    Row("POST", "/patents/new", "listings.new", licensors(422), {}),
    Row("GET", "/patents/import", "listings.import_upload", licensors()),
    Row("POST", "/patents/import", "listings.import_upload", licensors(422), {}),
    Row("GET", "/patents/import/template.csv", "listings.import_template", licensors()),
    Row("POST", "/patents/import/no-such-token", "listings.import_confirm", licensors(303), {}),
    Row("GET", "/patents/{patent}/edit", "listings.edit", listing_owner(200)),
    Row("POST", "/patents/{patent}/edit", "listings.edit", listing_owner(302), PATENT),
    Row("GET", "/patents/{draft}/edit", "listings.edit#draft", listing_owner(200)),
    Row("GET", "/patents/{patent}/history", "listings.history", listing_owner(200)),
    Row("GET", "/patents/{patent}/offers/new", "listings.new_offer", listing_owner(200)),
    Row("POST", "/patents/{patent}/offers/new", "listings.new_offer", listing_owner(302),
        LICENCE_OFFER),
    Row("GET", "/patents/offers/{open_offer}/edit", "listings.edit_offer", listing_owner(200)),
    Row("POST", "/patents/offers/{open_offer}/edit", "listings.edit_offer", listing_owner(302),
        OPEN_OFFER),
    Row("POST", "/patents/{patent}/attachments", "listings.upload_attachment",
        listing_owner(302), {"file": (PNG, "图.png")}),
    Row("POST", "/patents/{patent}/evaluation-report", "listings.upload_evaluation_report",
        listing_owner(302), REPORT),
    Row("POST", "/patents/{draft}/publish", "listings.change_status", listing_owner(302), {}),
    Row("POST", "/patents/offers/{assignment_offer}/withdraw", "listings.withdraw_offer",
        listing_owner(302), {}),
    # questions before a request: any verified SME, university or institute asks about
    # another's public listing (OPEN_TO_EVERY_SME: an empty form here); its owner answers
    Row("GET", "/patents/{patent}/ask", "engage.ask", askers(200)),
    Row("POST", "/patents/{patent}/ask", "engage.ask", askers(422), {}),
    Row("GET", "/patents/{draft}/ask", "engage.ask#draft", askers(404)),
    Row("GET", "/patents/questions/{question}/answer", "engage.answer", listing_owner(200)),
    Row("POST", "/patents/questions/{question}/answer", "engage.answer", listing_owner(302),
        {"answer": "提供三个月的技术指导。", "public": "y"}),
    # following a listing: any logged-in user, a listing it may see (OPEN_TO_EVERY_SME)
    Row("GET", "/patents/following", "engage.following", users(200)),
    Row("POST", "/patents/{patent}/follow", "engage.follow", users(302), {}),
    Row("POST", "/patents/{patent}/unfollow", "engage.follow#unfollow", users(302), {}),
    Row("POST", "/patents/{draft}/follow", "engage.follow#draft", {**users(404), UNI_A: 302},
        {}),
    # online exhibitions: public pages; any logged-in user signs up for the roadshow
    # (OPEN_TO_EVERY_SME: the user's own row)
    Row("GET", "/exhibitions/", "exhibitions.index", everyone(200)),
    Row("GET", "/exhibitions/{exhibition}", "exhibitions.detail", everyone(200)),
    Row("GET", "/exhibitions/999999", "exhibitions.detail#missing", everyone(404)),
    Row("POST", "/exhibitions/{exhibition}/roadshow", "exhibitions.roadshow", users(302), {}),
    # legal status: the owner's page, its annual fee and proofs; the proof's file to the
    # owner and the centre only
    Row("GET", "/patents/{patent}/legal-status", "legal_status.manage", listing_owner(200)),
    Row("POST", "/patents/{patent}/annual-fee", "legal_status.annual_fee", listing_owner(302),
        {"paid_through": "2026-02-28"}),
    Row("POST", "/patents/{patent}/legal-status/proof", "legal_status.upload_proof",
        listing_owner(302), {"file": (PNG, "状态页.png")}),
    Row("GET", "/patents/legal-status/proofs/{proof}", "legal_status.proof_file",
        statuses(404, uni_a=200, centre=200)),

    # --- search and the public API
    Row("GET", "/search/", "search.search", everyone(200)),
    Row("GET", "/search/?q=test", "search.search#query", everyone(200)),
    Row("GET", "/search/need", "search.demand", everyone(200)),
    Row("POST", "/search/need", "search.demand", everyone(422), {}),
    Row("GET", "/search/saved", "search.saved", buyers(pending=200)),
    Row("POST", "/search/saved", "search.save", buyers(302, pending=302), {}),
    Row("GET", "/api/v1/patents?q=x", "api_patents.search_patents", everyone(200)),
    Row("GET", "/api/v1/patents/{patent}", "api_patents.get_patent", everyone(200)),
    Row("GET", "/api/v1/patents/{draft}", "api_patents.get_patent#draft", everyone(404)),
    Row("GET", "/api/v1/patents/999999", "api_patents.get_patent#missing", everyone(404)),
    Row("GET", "/api/v1/openapi.json", "api_patents.openapi", everyone(200)),

    # --- deals: the parties and the centre; strangers get 404 whatever id they try
    Row("GET", "/deals/", "deals.mine", users(200)),
    Row("GET", "/deals/inbox", "deals.inbox", users(200)),
    Row("POST", "/deals/inbox/read", "deals.inbox_read", users(302), {}),
    Row("GET", "/deals/{deal}", "deals.detail", deal_side(200)),
    Row("GET", "/deals/{request}", "deals.detail#request", deal_side(200)),
    Row("GET", "/deals/999999", "deals.detail#missing", users(404)),
    Row("GET", "/deals/{deal}/contract.pdf", "deals.contract_pdf", deal_side(200)),
    # no contract before the deal is concluded, not even for its parties
    Row("GET", "/deals/{request}/contract.pdf", "deals.contract_pdf#request", users(404)),
    Row("GET", "/deals/{to_sign}/contract.pdf", "deals.contract_pdf#to_sign", users(404)),
    # the frozen contract waiting for signatures: review and draft; none before terms agree
    Row("GET", "/deals/{to_sign}/review", "deals.review", deal_side(200)),
    Row("GET", "/deals/{deal}/review", "deals.review#concluded", deal_side(200)),
    Row("GET", "/deals/{request}/review", "deals.review#request", users(404)),
    Row("GET", "/deals/{to_sign}/contract-draft.pdf", "deals.contract_draft", deal_side(200)),
    Row("GET", "/deals/{deal}/contract-draft.pdf", "deals.contract_draft#concluded",
        users(404)),
    # any verified organisation may take A's open licence, any verified SME or larger
    # enterprise request A's other offers (OPEN_TO_EVERY_SME): empty forms here
    Row("GET", "/deals/take/{open_offer}", "deals.take_open", takers()),
    # the wrong page for the kind of offer: a taker learns nothing (404), others by kind (403)
    Row("GET", "/deals/take/{exclusive_offer}", "deals.take_open#licence",
        {**takers(404), UNI_A: 404}),
    Row("GET", "/deals/request/{assignment_offer}", "deals.request#assignment", buyers()),
    Row("GET", "/deals/request/{open_offer}", "deals.request#open", buyers(404)),
    Row("POST", "/deals/take/{open_offer}", "deals.take_open", takers(422), {}),
    Row("GET", "/deals/request/{exclusive_offer}", "deals.request", buyers()),
    Row("POST", "/deals/request/{assignment_offer}", "deals.request", buyers(422),
        {"price_fen": "-1"}),  # a form error: no request is made
    Row("GET", "/deals/{request}/counter", "deals.counter",
        deal_side(302, unverified=403, uni_a=200)),  # the others: "not possible now"
    Row("POST", "/deals/{request}/counter", "deals.counter", deal_side(302, unverified=403),
        COUNTER),
    Row("POST", "/deals/{request}/messages", "deals.message", deal_side(302, unverified=403),
        {"body": "你好"}),
    # the state machine refuses these on a concluded deal: back to the deal with a message
    Row("POST", "/deals/{deal}/accept", "deals.accept#concluded",
        deal_side(302, unverified=403), {}, refused=True),
    Row("POST", "/deals/{deal}/withdraw", "deals.withdraw#concluded",
        deal_side(302, unverified=403), {}, refused=True),
    Row("POST", "/deals/{deal}/decline", "deals.decline#concluded",
        deal_side(302, unverified=403), {"reason": "测试"}, refused=True),
    Row("POST", "/deals/{deal}/sign", "deals.sign#concluded", party_only(302, unverified=403),
        SIGN, refused=True),
    Row("POST", "/deals/{request}/accept", "deals.accept", deal_side(302, unverified=403), {}),
    # the centre is sent back to the deal (it does not sign for a party)
    Row("POST", "/deals/{to_sign}/sign", "deals.sign", party_only(302, unverified=403), SIGN),
    Row("POST", "/deals/{request_to_decline}/decline", "deals.decline",
        deal_side(302, unverified=403), {"reason": "条件不合适"}),
    Row("POST", "/deals/{request_to_withdraw}/withdraw", "deals.withdraw",
        deal_side(302, unverified=403), {}),
    Row("POST", "/deals/{deal}/recorded", "deals.record", party_only(302, unverified=403),
        {"record_number": "2026990000001"}),
    # the pledgee's consent (the patent of {request_to_withdraw} is pledged): the licensor
    # or the centre uploads it, the parties read it; the parties register the contract
    Row("GET", "/deals/{request_to_withdraw}/pledge-consent/file/{consent}",
        "deals.pledge_consent_file", deal_side(200)),
    Row("GET", "/deals/{request_to_withdraw}/pledge-consent/file/999999",
        "deals.pledge_consent_file#missing", users(404)),
    Row("POST", "/deals/{request_to_withdraw}/pledge-consent/{pledge}", "deals.pledge_consent",
        party_only(302, unverified=403), {"consent": (PNG, "同意书.png")}),
    Row("POST", "/deals/{deal}/tech-registration", "deals.tech_registration",
        party_only(302, unverified=403), {"number": "2026210103000123", "registered_on": TODAY}),
    # royalty reports: the licensee files, the licensor confirms; a deal without a running
    # royalty has none
    Row("GET", "/deals/{royalty_deal}/royalties", "royalties.royalties", deal_side(200)),
    Row("GET", "/deals/{deal}/royalties", "royalties.royalties#no_royalty", users(404)),
    Row("POST", "/deals/{royalty_deal}/royalties", "royalties.royalties",
        deal_side(302, uni_a=422, centre=422),
        {"period": "2025-04-01", "net_sales": "200000", "units_sold": "", "note": ""}),
    Row("POST", "/deals/{royalty_deal}/royalties/{royalty_report}/paid", "royalties.royalty_paid",
        party_only(302, unverified=403), {"paid_on": "2025-05-10"}),
    # CNIPA registration of an assignment: either party records it
    Row("GET", "/deals/{assignment_deal}/registration", "royalties.registration", deal_side(200)),
    Row("GET", "/deals/{deal}/registration", "royalties.registration#licence", users(404)),
    Row("POST", "/deals/{assignment_deal}/registration", "royalties.registration",
        deal_side(302, centre=422),
        {"registered_on": "2025-02-10", "announcement": "", "announced_on": ""}),

    # --- payments: the parties of the deal; the licensee pays, the licensor confirms
    Row("GET", "/payments/", "payments.mine", users(200)),
    Row("GET", "/payments/deals/{due_deal}", "payments.deal", deal_side(200)),
    Row("GET", "/payments/items/{due_row}/checkout", "payments.to_checkout",
        deal_side(302, uni_a=403, centre=403)),  # offline: back to the transfer details
    Row("GET", "/payments/items/{due_row}/return", "payments.checkout_return", deal_side(200)),
    Row("GET", "/payments/items/{paid_row}/receipt", "payments.receipt", deal_side(200)),
    # no receipt before the money arrived, not even for the parties
    Row("GET", "/payments/items/{due_row}/receipt", "payments.receipt#due", users(404)),
    Row("GET", "/payments/items/{due_row}/receipt.pdf", "payments.receipt_pdf#due",
        users(404)),
    Row("GET", "/payments/items/{paid_row}/receipt.pdf", "payments.receipt_pdf",
        deal_side(200)),
    Row("GET", "/payments/items/{due_row}/confirm", "payments.confirm_receipt",
        deal_side(200, sme_a=403, centre=403)),
    # the payer reports a transfer with its voucher; the receiver (the licensor: the default
    # PAYMENT_RECEIVER) confirms or disputes; the voucher is the parties' and the centre's
    Row("GET", "/payments/items/{due_row}/report", "payments.report_transfer",
        deal_side(200, uni_a=403, centre=403)),
    Row("GET", "/payments/reports/{report}", "payments.report", deal_side(200)),
    Row("GET", "/payments/reports/{report}/voucher", "payments.voucher", deal_side(200)),
    Row("POST", "/payments/items/{due_row}/checkout", "payments.checkout",
        deal_side(302, uni_a=403, centre=403), {}),
    Row("POST", "/payments/items/{due_row}/report", "payments.report_transfer",
        deal_side(302, uni_a=403, centre=403), TRANSFER),
    Row("POST", "/payments/reports/{report}/confirm", "payments.confirm_report",
        deal_side(302, sme_a=403, centre=403), {"amount": "1000"}),
    Row("POST", "/payments/reports/{report_to_dispute}/dispute", "payments.dispute_report",
        deal_side(302, sme_a=403, centre=403), {"reason": "未到账"}),
    # escrow only: in the default mode the centre holds nothing to pay out
    Row("POST", "/payments/items/{paid_row}/payout", "payments.payout",
        deal_side(302, sme_a=403, uni_a=403), {"paid_out_on": TODAY,
                                                "bank_reference": "PAYOUT-1"}, refused=True),
    Row("POST", "/payments/items/{due_row}/confirm", "payments.confirm_receipt#empty",
        deal_side(422, sme_a=403, centre=403), {}, refused=True),
    Row("POST", "/payments/items/{due_row}/confirm", "payments.confirm_receipt",
        deal_side(302, sme_a=403, centre=403), RECEIPT),
    Row("POST", "/payments/stripe/webhook", "payments.stripe_webhook", everyone(404), {}),
    # a broker's fee: SME A (the principal) pays it to the broker's agency, which confirms
    # it; University A sees the deal's payments but not the fee row
    Row("GET", "/payments/deals/{fee_deal}", "payments.deal#broker_fee",
        deal_side(200, broker=200)),
    Row("GET", "/payments/items/{fee_row}/confirm", "payments.confirm_receipt#broker_fee",
        deal_side(403, uni_a=404, broker=200)),
    Row("GET", "/payments/items/{fee_row}/report", "payments.report_transfer#broker_fee",
        deal_side(403, sme_a=200, uni_a=404, broker=403)),

    # --- the centre
    Row("GET", "/centre/", "centre.home", centre_only()),
    Row("GET", "/centre/deals", "centre.deal_register", centre_only()),
    Row("GET", "/centre/deals/export.csv", "centre.deal_register_export", centre_only()),
    Row("GET", "/centre/verification", "centre.verification_queue", centre_only()),
    Row("GET", "/centre/verification/{pending_org}/reject", "centre.reject", centre_only()),
    Row("GET", "/centre/verification/{pending_org}/licence", "centre.licence_scan#missing",
        statuses(403, centre=404)),  # registered before scans were asked for
    Row("POST", "/centre/verification/{pending_org}/reject", "centre.reject", centre_only(302),
        {"reason": "营业执照不清晰"}),
    Row("POST", "/centre/verification/{pending_org}/approve", "centre.approve",
        centre_only(302), {}),
    # University A asked for a new name above (PROFILE); SME A's change waits in the world
    Row("POST", "/centre/verification/{uni_a_org}/change/approve", "centre.approve_change",
        centre_only(302), {}),
    Row("POST", "/centre/verification/{sme_a_org}/change/refuse", "centre.refuse_change",
        centre_only(302), {"reason": "名称与营业执照不符"}),
    Row("GET", "/centre/audit", "centre.audit_log", centre_only()),
    Row("GET", "/centre/indicators?year=2024", "centre.indicators", centre_only()),
    Row("GET", "/centre/indicators/export/summary.csv?year=2024", "centre.indicators_export",
        centre_only()),
    Row("GET", "/centre/indicators/report.pdf?year=2024", "centre.indicators_report",
        centre_only()),
    Row("GET", "/centre/monitor", "centre.monitor", centre_only()),
    Row("GET", "/centre/price-guidance", "centre.price_guidance_page", centre_only()),
    Row("GET", "/centre/exhibitions", "centre.exhibition_list", centre_only()),
    Row("GET", "/centre/exhibitions/new", "centre.exhibition_new", centre_only()),
    Row("POST", "/centre/exhibitions/new", "centre.exhibition_new", centre_only(422), {}),
    Row("GET", "/centre/exhibitions/{exhibition}", "centre.exhibition_leads", centre_only()),
    Row("GET", "/centre/exhibitions/{exhibition}/edit", "centre.exhibition_edit",
        centre_only()),
    Row("POST", "/centre/exhibitions/{exhibition}/edit", "centre.exhibition_edit",
        centre_only(302), {"theme": "新材料专利展（修订）", "starts_on": TODAY, "ends_on": TODAY,
                           "search_query": "石墨烯", "roadshow_at": "2030-01-10T14:00",
                           "roadshow_place": "浑南区"}),
    Row("GET", "/centre/exhibitions/999999/edit", "centre.exhibition_edit#missing",
        centre_only(404)),
    Row("GET", "/centre/pledges", "centre.pledge_list", centre_only()),
    Row("POST", "/centre/pledges", "centre.pledge_add", centre_only(422), {}),
    Row("POST", "/centre/pledges/import", "centre.pledge_import", centre_only(422), {}),
    Row("GET", "/centre/legal-status", "centre.legal_status_page", centre_only()),
    Row("POST", "/centre/legal-status/import", "centre.legal_status_import", centre_only(422),
        {}),
    Row("POST", "/centre/legal-status/proofs/{proof}/accept", "centre.legal_status_decide",
        centre_only(302), {}),
    Row("POST", "/centre/legal-status/proofs/{proof_to_reject}/reject",
        "centre.legal_status_decide#reject", centre_only(302), {"reason": "截图不清晰"}),
    Row("GET", "/centre/pledges/consents/{consent}", "centre.pledge_consent_file",
        centre_only()),
    Row("POST", "/centre/pledges/{pledge}/consent", "centre.pledge_consent", centre_only(302),
        {"patent_id": "{pledged_patent}", "consent": (PNG, "同意书.png")}),
    Row("POST", "/centre/pledges/{pledge}/release", "centre.pledge_release", centre_only(302),
        {"released_on": TODAY}),
    Row("GET", "/centre/listings/hidden", "centre.hidden_listings", centre_only()),
    Row("GET", "/centre/listings/{patent}/hide", "centre.hide_listing", centre_only()),
    Row("POST", "/centre/listings/{patent}/hide", "centre.hide_listing", centre_only(302),
        {"reason": "信息不实"}),
    Row("POST", "/centre/listings/{patent}/unhide", "centre.unhide_listing", centre_only(302),
        {}),
    Row("GET", "/centre/mail", "centre.undelivered_mail", centre_only()),
    Row("POST", "/centre/mail/{failed_mail}/resend", "centre.resend_mail", centre_only(302),
        {}),
    Row("GET", "/api/v1/stats/indicators?year=2024", "api_stats.indicators",
        statuses(403, anonymous=401, centre=200)),

    # --- IP custody: SMEs and agencies; an agreement is its parties' and the centre's; the
    # agency sees the SME's portfolio only while the agreement is in force
    Row("GET", "/custody/", "custody.mine", custody_kinds()),
    Row("GET", "/custody/new", "custody.propose", custody_kinds()),
    Row("POST", "/custody/new", "custody.propose", custody_kinds(422), {}),
    Row("GET", "/custody/{custody}", "custody.detail", custody_parties(200)),
    Row("GET", "/custody/{custody_to_accept}", "custody.detail#pending", custody_parties(200)),
    Row("GET", "/custody/999999", "custody.detail#missing", statuses(404)),
    Row("GET", "/custody/{custody}/portfolio", "custody.portfolio", custody_parties(200)),
    Row("GET", "/custody/{custody_to_accept}/portfolio", "custody.portfolio#pending",
        custody_parties(200, agency_a=403)),  # not in force yet: not the agency's to see
    # the SME proposed: it cannot answer itself (back with a message); the centre acts for
    # no party
    Row("POST", "/custody/{custody_to_accept}/accept", "custody.accept",
        custody_parties(302, centre=403), {}),
    Row("POST", "/custody/{custody_to_decline}/decline", "custody.decline",
        custody_parties(302, centre=403), {"reason": "暂不承接"}),
    Row("POST", "/custody/{custody}/renew", "custody.renew", custody_parties(302, centre=403),
        {"ends_on": (local_today().replace(year=local_today().year + 2)).isoformat(),
         "fee": "3000"}),
    # the disclosure of agencies (公示) is public; a pending organisation's is not there
    Row("GET", "/disclosure/agencies", "disclosure.agencies", everyone(200)),
    Row("GET", "/disclosure/agencies/{agency_a_org}", "disclosure.agency", everyone(200)),
    Row("GET", "/disclosure/agencies/{pending_org}", "disclosure.agency#pending",
        everyone(404)),
    # the centre's agency register
    Row("GET", "/centre/agencies", "centre.agency_register_page", centre_only()),
    Row("POST", "/centre/agencies/criteria", "centre.agency_criterion", centre_only(422), {}),
    Row("GET", "/centre/agencies/{agency_a_org}", "centre.agency_record", centre_only()),
    Row("GET", "/centre/agencies/{sme_a_org}", "centre.agency_record#not_agency",
        statuses(403, centre=404)),
    Row("POST", "/centre/agencies/{agency_a_org}/complaints", "centre.agency_complaint",
        centre_only(302), {"received_on": TODAY, "complainant": "沈阳某公司",
                           "summary": "答复迟缓"}),
    Row("POST", "/centre/agencies/complaints/{complaint}/close",
        "centre.agency_complaint_close", centre_only(302),
        {"outcome": "outcome_mediated", "closed_on": TODAY, "note": "已调解"}),
    Row("POST", "/centre/agencies/{agency_a_org}/evaluations", "centre.agency_evaluation",
        centre_only(302), {"year": str(local_today().year), "grade": "grade_good",
                           "score_{criterion_1}": "40", "score_{criterion_2}": "45"}),
    Row("POST", "/centre/agencies/{agency_a_org}/credit-notes", "centre.agency_credit_note",
        centre_only(302), {"kind": "note_commendation", "text": "服务规范"}),
    # --- technology demands: the board is public; a restricted demand only for verified
    # universities and institutes (and its owner and the centre); drafts only for the owner
    Row("GET", "/demands/", "demands.board", everyone(200)),
    Row("GET", "/demands/mine", "demands.mine", smes(200, pending=200)),
    Row("GET", "/demands/new", "demands.new", smes(200)),
    Row("POST", "/demands/new", "demands.new", smes(302), DEMAND),
    Row("GET", "/demands/{demand}", "demands.detail", everyone(200)),
    Row("GET", "/demands/{restricted_demand}", "demands.detail#restricted",
        {**everyone(404), SME_A: 200, UNI_A: 200, UNI_B: 200, INSTITUTE: 200, CENTRE: 200}),
    Row("GET", "/demands/{draft_demand}", "demands.detail#draft",
        {**everyone(404), SME_A: 200, CENTRE: 200}),
    Row("GET", "/demands/{draft_demand}/edit", "demands.edit",
        smes(403) | {SME_A: 200, SME_B: 404}),
    Row("POST", "/demands/{draft_demand}/edit", "demands.edit",
        smes(403) | {SME_A: 302, SME_B: 404}, DEMAND),
    Row("POST", "/demands/{draft_demand}/submit", "demands.submit",
        smes(403) | {SME_A: 302, SME_B: 404}, {}),
    Row("GET", "/demands/inbox", "demands.inbox", licensors(200)),
    Row("GET", "/demands/{demand}/answer", "demands.answer", licensors(200)),
    Row("POST", "/demands/{demand}/answer", "demands.answer", licensors(302),
        {"proposal": "我们可以开发。", "collaboration": "y"}),
    Row("POST", "/centre/demands/{pending_demand}/approve", "centre.approve_demand",
        centre_only(302), {}),
    Row("GET", "/centre/demands/{pending_demand_2}/reject", "centre.reject_demand",
        centre_only(200)),
    Row("POST", "/centre/demands/{pending_demand_2}/reject", "centre.reject_demand",
        centre_only(302), {"reason": "请补充温度指标。"}),
    # --- agencies: their profile and staff (the agency's admin), the mandates they hold, the
    # mandates principals grant; a broker requests and negotiates for SME A (never signs)
    Row("GET", "/agencies/profile", "agencies.edit_profile", agencies()),
    Row("POST", "/agencies/profile", "agencies.edit_profile", agencies(302),
        {"services": "brokering", "industries": "new_materials", "description": "技术经纪。",
         "cnipa_agency_code": "21102"}),
    Row("POST", "/agencies/staff", "agencies.add_staff", agencies(302),
        {"name": "钱代理", "qualification": "patent_attorney", "certificate_number": "DLS-9"}),
    Row("GET", "/agencies/mandates", "agencies.mandates_held", agencies()),
    Row("GET", "/agencies/mandates/granted", "agencies.mandates_granted", principals()),
    Row("POST", "/agencies/mandates/granted", "agencies.mandates_granted", principals(422), {}),
    Row("GET", "/deals/request/{exclusive_offer}/for", "deals.request_for", agencies()),
    Row("POST", "/deals/request/{assignment_offer}/for", "deals.request_for", agencies(422),
        {"price_fen": "-1"}),  # a form error: no request is made
    Row("GET", "/deals/{brokered}", "deals.detail#brokered", brokered(200)),
    Row("GET", "/deals/{revoked_brokered}", "deals.detail#revoked_mandate",
        deal_side(200)),  # the mandate was revoked: its broker sees the deal no more
    Row("GET", "/deals/{brokered}/review", "deals.review#brokered", users(404)),
    Row("GET", "/deals/{brokered}/counter", "deals.counter#brokered",
        brokered(302, unverified=403, uni_a=200)),  # the licensor's turn
    Row("POST", "/deals/{brokered}/messages", "deals.message#brokered",
        brokered(302, unverified=403), {"body": "委托方同意提成 3%。"}),
    Row("POST", "/deals/{revoked_brokered}/messages", "deals.message#revoked_mandate",
        deal_side(302, unverified=403), {"body": "仍在谈判吗？"}),
    # no broker signs: refused by kind before anything else (the principal signs)
    Row("POST", "/deals/{brokered}/sign", "deals.sign#brokered",
        party_only(302), SIGN, refused=True),

    # --- last: these end things (a listing, a deal, a saved search, the session)
    Row("POST", "/agencies/staff/{staff}/delete", "agencies.remove_staff", agencies(302), {}),
    Row("POST", "/agencies/mandates/{mandate}/revoke", "agencies.revoke",
        {**principals(404), SME_A: 302}, {}),
    Row("POST", "/patents/{patent}/withdraw", "listings.change_status#withdraw",
        listing_owner(302), {}),
    Row("POST", "/payments/deals/{due_deal}/cancel", "payments.cancel", deal_side(302),
        {"reason": "不再需要"}),
    Row("POST", "/payments/deals/{paid_deal}/cancel", "payments.cancel#paid", deal_side(302),
        {"reason": "不再需要"}),
    Row("POST", "/deals/{deal}/cancel", "deals.cancel", party_only(302, unverified=403),
        {"reason": "不再需要"}),
    Row("POST", "/custody/{custody}/terminate", "custody.terminate",
        custody_parties(302, centre=403), {"last_day": TODAY, "reason": "不再需要"}),
    Row("POST", "/centre/agencies/{agency_a_org}/status", "centre.agency_status",
        centre_only(302), {"kind": "agency_event_suspension", "effective_on": TODAY,
                           "reason": "投诉查实"}),
    Row("POST", "/search/saved/{saved}/delete", "search.delete_saved",
        buyers(404, pending=404) | {SME_A: 302}),  # the saved search is SME A's user's
    Row("POST", "/search/saved/999999/delete", "search.delete_saved#missing",
        buyers(404, pending=404)),
    Row("POST", "/demands/{demand}/close", "demands.close",
        statuses(403, sme_a=302, sme_b=404, centre=302), {}),
    Row("POST", "/account/logout", "auth.logout", users(302), {}),
]


# --- running it ----------------------------------------------------------------------

@pytest.fixture()
def world(make_user, make_org, make_listing):
    return build_world(make_user, make_org, make_listing)


def _logged_in(app, role, users):
    client = app.test_client()
    if role != ANON:
        log_in(client, users[role])
    return client


def _client_of(app, role, users):
    client = _logged_in(app, role, users)
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix checks access, not CSRF
    return client


def _send(client, row: Row, ids: dict):
    data = None
    if row.data is not None:  # a file is a fresh stream on every request
        data = {key.format(**ids): (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple)
                else value.format(**ids) if isinstance(value, str) and value.startswith("{")
                else value for key, value in row.data.items()}
    return client.open(row.path.format(**ids), method=row.method, data=data)


# A's published offers are there to be taken: an SME taking one makes its own deal (a
# broker, one for its principal). Any verified university or institute may answer a
# published demand with its own patents. A question about a public listing, following one,
# a roadshow sign-up: the user's own row (the owner's listing, the centre's exhibition are
# only read).
OPEN_TO_EVERY_SME = {"deals.take_open", "deals.request", "deals.request_for", "demands.answer",
                     "engage.ask", "engage.follow", "engage.follow#unfollow",
                     "exhibitions.roadshow"}


def _writes_by_id():
    """The writes that name an object by id: A's objects (and the pending organisation the
    centre decides on), which no stranger may change."""
    return [row for row in ROWS if row.method == "POST" and "{" in row.path
            and row.endpoint not in OPEN_TO_EVERY_SME]


def _in_order(rows):
    """Reads first, then the writes in table order."""
    return [r for r in rows if r.method == "GET"] + [r for r in rows if r.method != "GET"]


@pytest.mark.parametrize("role", ROLES)
def test_matrix(app, world, role):
    users, ids = world
    client = _client_of(app, role, users)
    failures = []
    for row in _in_order(ROWS):
        got = _send(client, row, ids).status_code
        if got != row.expected[role]:
            failures.append(f"{row.method} {row.path.format(**ids)} ({row.endpoint}): "
                            f"{got} != {row.expected[role]}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", STRANGERS)
def test_strangers_change_nothing(app, world, role):
    """Every write that names an object of the A side by id, posted by a stranger with a
    form that would work for the owner: no row of any table changes."""
    users, ids = world
    client = _client_of(app, role, users)
    failures = []
    for row in _writes_by_id():
        before = dump_tables()
        response = _send(client, row, ids)
        changed = changed_tables(before, dump_tables())
        if changed:
            failures.append(f"POST {row.path.format(**ids)} ({row.endpoint}) -> "
                            f"{response.status_code} changed {changed}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_every_route_has_a_row(app):
    # a row that everyone gets 405 from checks a method the route does not have
    covered = {(row.endpoint.split("#")[0], row.method) for row in ROWS
               if set(row.expected.values()) != {405}}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert not sorted(routes - covered), f"routes without a matrix row: {sorted(routes - covered)}"
    assert not sorted(covered - routes), f"rows of no route: {sorted(covered - routes)}"


def test_every_row_names_every_role():
    assert [row for row in ROWS if set(row.expected) != set(ROLES)] == []


# Each role's own organisation (the rows above name the A side's): its admin sees and edits
# it, a pending one included; the applicant is no member of University A yet.
OWN_ORG_PAGES = ("/org/{own}", "/org/{own}/edit", "/org/{own}/members")
OWN_ORG_STATUSES = {role: (200, 200, 200) for role in ROLES if role not in (ANON, APPLICANT)}
OWN_ORG_STATUSES[APPLICANT] = (200, 403, 403)


@pytest.mark.parametrize("role", sorted(OWN_ORG_STATUSES))
def test_own_organisation_pages(app, world, role):
    users, _ = world
    client = _client_of(app, role, users)
    got = tuple(client.get(page.format(own=users[role].org_id)).status_code
                for page in OWN_ORG_PAGES)
    assert got == OWN_ORG_STATUSES[role], role


def test_every_view_declares_its_access(app):
    undeclared = [name for name, view in app.view_functions.items()
                  if name != "static" and not hasattr(view, ACCESS_ATTR)]
    assert not undeclared


def test_undeclared_view_is_denied(app):
    """Deny by default: a view that declares no access is refused to everyone."""
    @app.get("/undeclared")
    def undeclared():
        return "secret"
    assert app.test_client().get("/undeclared").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_roles_own_deals(app, world, role):
    """The pages that list deals and payments (200 for every user) show A's deals to its
    parties only (and the payments to the centre, which sees every payment; a broker's fee
    to its payer and its agency)."""
    users, ids = world
    client = _client_of(app, role, users)
    parties = (SME_A, UNI_A)
    for path, link, shown_to in (
            ("/deals/", f'href="/deals/{ids["deal"]}"', parties),
            ("/payments/", f'href="/payments/deals/{ids["due_deal"]}"', (*parties, CENTRE)),
            # a broker's fee: its payer (SME A), its agency and the centre
            ("/payments/", f'href="/payments/deals/{ids["fee_deal"]}"', (SME_A, BROKER, CENTRE))):
        page = client.get(path).get_data(as_text=True)
        assert (link in page) == (role in shown_to), f"{role}: {path}"


def test_the_forms_of_the_table_work(app, world):
    """The writes that strangers try are real: posted (in table order, on one world) by the
    side they belong to, each changes rows, so ``test_strangers_change_nothing`` cannot pass
    because of a bad form. A write the state machine refuses to one party is tried by the
    next (the licensor counters what the licensee may then accept). The rows marked
    ``refused`` change nothing, whoever posts them."""
    users, ids = world
    sides = {role: _logged_in(app, role, users)
             for role in (SME_A, UNI_A, CENTRE, AGENCY_A, BROKER)}
    app.config["WTF_CSRF_ENABLED"] = False
    inert, changing_refusals = [], []
    for row in _writes_by_id():
        if row.refused:
            for role, client in sides.items():
                before = dump_tables()
                _send(client, row, ids)
                if changed_tables(before, dump_tables()):
                    changing_refusals.append(f"{row.endpoint} by {role}")
            continue
        for role, client in sides.items():
            if row.expected[role] in (302, 303):
                before = dump_tables()
                _send(client, row, ids)
                if changed_tables(before, dump_tables()):
                    break
        else:
            inert.append(row.endpoint)
    # offline mode: there is no hosted checkout to start (tests/payments cover Stripe)
    assert inert == ["payments.checkout"]
    assert changing_refusals == []
