"""The one world of the access-control matrix (``tests/test_access_matrix.py``).

Two sides: on the A side University A owns every kind of object a route can name by id (its
organisation, a member asking to join, listings published and draft, offers of each kind,
attachments, deals with SME A, payment rows) and SME A holds the deals and a saved search;
on the B side SME B, University B and an institute own nothing of it. A pending SME, another pending
organisation and the centre complete the cast. Everything is built through the factories
and the services, as the feature tests build it.
"""

from datetime import UTC, date, datetime, timedelta

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    Deal,
    DealState,
    Demand,
    DemandState,
    DemandVisibility,
    LicenceKind,
    ListingStatus,
    MandateScope,
    Membership,
    OfferKind,
    OrgKind,
    OrgStatus,
    OutboxEmail,
    SavedSearch,
    StaffQualification,
)
from market.models.base import utcnow
from market.services import (
    agencies,
    agency_register,
    deals,
    exhibitions,
    ledger,
    legal_status,
    listings,
    mandates,
    orgs,
    payment_reports,
    payments,
    pledges,
    questions,
    royalty_reports,
    signing,
)
from market.unit_of_work import commit

from .factories import (
    EXCLUSIVE,
    PAID_OPEN,
    details_of,
    make_custody_agreement,
    proposal_of,
    sign_contract,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%report\n"
PAID_FEE_FEN = PAID_OPEN["upfront_fee_fen"]
BROKER_FEE_FEN = 200_000
NON_EXCLUSIVE = {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
                 "upfront_mode": "waived", "royalty_bp": 300, "term_years": 3}


def build_world(make_user, make_org, make_listing) -> tuple[dict, dict]:
    """Returns ``(users, ids)``: the user of each logged-in role, and the id of every
    object the matrix's paths name (``{patent}``, ``{deal}``, ...)."""
    users = {
        "pending": make_user(kind=OrgKind.SME, status=OrgStatus.PENDING),
        "sme_a": make_user(kind=OrgKind.SME, name="沈阳甲科技有限公司"),
        "sme_b": make_user(kind=OrgKind.SME, name="沈阳乙科技有限公司"),
        "uni_a": make_user(kind=OrgKind.UNIVERSITY, name="甲大学"),
        "uni_b": make_user(kind=OrgKind.UNIVERSITY, name="乙大学"),
        "institute": make_user(kind=OrgKind.INSTITUTE, name="丙研究所"),
        "enterprise": make_user(kind=OrgKind.ENTERPRISE, name="沈阳丁重工集团有限公司"),
        "centre": make_user(kind=OrgKind.CENTRE),
        # a service agency holding SME A in custody, and one that holds nobody
        "agency_a": make_user(kind=OrgKind.AGENCY, name="甲知识产权服务有限公司"),
        "agency_b": make_user(kind=OrgKind.AGENCY, name="乙专利代理事务所"),
        # two IP service agencies: SME A's mandate to the first is live, to the second revoked
        "broker": make_user(kind=OrgKind.AGENCY, name="丁知识产权服务有限公司"),
        "broker_revoked": make_user(kind=OrgKind.AGENCY, name="戊知识产权服务有限公司"),
    }
    sme_a, uni_a = users["sme_a"], users["uni_a"]
    # someone who registered with University A's credit code: not a member until approved
    applicant = make_user(uni_a.org, admin=False, membership=Membership.REQUESTED)
    users["applicant"] = applicant
    pending_org = make_org(kind=OrgKind.SME, status=OrgStatus.PENDING)

    patent = make_listing(uni_a.org)  # a free open licence
    licensed = make_listing(uni_a.org, offers=[
        EXCLUSIVE, {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}])
    draft = make_listing(uni_a.org, status=ListingStatus.DRAFT)
    attachment = listings.add_attachment(uni_a, patent, "照片.png", PNG)
    draft_attachment = listings.add_attachment(uni_a, draft, "草稿.png", PNG)
    reports = [listings.add_evaluation_report(uni_a, p, filename="评价报告.pdf", data=PDF,
                                              conclusion="no_defect", issued_on=None)
               for p in (patent, draft)]
    commit()

    concluded = deals.take_open(sme_a, patent.offers[0], details_of(sme_a))
    exclusive, assignment = licensed.offers
    non_exclusive = make_listing(uni_a.org, offers=[NON_EXCLUSIVE]).offers[0]
    # three open requests, so that counter/accept, decline and withdraw each find one
    requests = [deals.request_deal(sme_a, offer, proposal_of(offer), "我们希望获得许可。")
                for offer in (exclusive, assignment, non_exclusive)]
    due = deals.take_open(sme_a, make_listing(uni_a.org, offers=[PAID_OPEN]).offers[0],
                          details_of(sme_a))
    paid = deals.take_open(sme_a, make_listing(uni_a.org, offers=[PAID_OPEN]).offers[0],
                           details_of(sme_a))
    for taken in (concluded, due, paid):  # the licensee's signature concludes each
        sign_contract(taken, sme_a)
    # terms agreed, the contract frozen: waiting for both signatures
    offer = make_listing(uni_a.org, offers=[NON_EXCLUSIVE]).offers[0]
    to_sign = deals.request_deal(sme_a, offer, proposal_of(offer), "")
    deals.accept(to_sign, uni_a)
    commit()
    payments.confirm_receipt(paid.schedule[0], uni_a, amount_fen=PAID_FEE_FEN,
                             received_on=local_today(), bank_reference="BANK-MATRIX-0")
    # SME A reported two transfers for a third deal: one to confirm, one to dispute
    reported = deals.take_open(sme_a, make_listing(uni_a.org, offers=[PAID_OPEN]).offers[0],
                               details_of(sme_a))
    sign_contract(reported, sme_a)
    commit()
    report, report_to_dispute = (payment_reports.report_transfer(
        reported.schedule[0], sme_a, token=f"matrix-report-token-{n}", amount_fen=100_000,
        paid_on=local_today(), bank_reference=None, voucher_name="回单.png", voucher_data=PNG)
        for n in (1, 2))
    # the patent of the non-exclusive request is pledged by University A, with a consent
    pledge = pledges.record(users["centre"], pledgor=uni_a.org.name, bank="盛京银行",
                            application_numbers=[requests[2].patent.application_number],
                            amount_fen=500_000_00, pledged_on=local_today())
    consent = pledges.record_consent(requests[2], uni_a, pledge_id=pledge.id,
                                     filename="同意书.png", data=PNG)
    # SME A asked University A about the open licence: the answer pages name it
    question = questions.ask(sme_a, patent, "请问是否提供技术指导？")
    # the centre's exhibition featuring it, with a roadshow to sign up for
    exhibition = exhibitions.create(users["centre"], exhibitions.ExhibitionDraft(
        theme="新材料专利展", description="", starts_on=local_today(), ends_on=local_today(),
        numbers=[patent.application_number], org_ids=[uni_a.org_id],
        roadshow_at=datetime(2030, 1, 10, 6, tzinfo=UTC), roadshow_place="浑南区"))
    saved = SavedSearch(user_id=sme_a.id, name="石墨烯", query="石墨烯", filters={})
    db.session.add(saved)
    # SME A asked for a new name: the centre's refusal has something to refuse
    orgs.request_change(sme_a, sme_a.org, name="沈阳甲新科技有限公司",
                        credit_code=sme_a.org.credit_code)
    # an email the mail server refused: the centre's "mail not delivered" list sends it again
    failed_mail = OutboxEmail(to_address="gone@example.cn", subject="通知", body="正文",
                              attempts=1, last_error="550 mailbox unavailable",
                              failed_at=utcnow())
    db.session.add(failed_mail)
    demand_objects = _demands(sme_a)
    # two proofs of legal status University A uploaded: one for the centre to accept, one to
    # reject
    proof, proof_to_reject = (legal_status.upload_proof(uni_a, patent, f"状态{n}.png", PNG)
                              for n in (1, 2))
    commit()

    custody_ids = _custody(users)
    brokered, revoked_brokered, mandate, staff = _brokered_deals(make_listing, users)
    fee_deal = _fee_deal(make_listing, users)

    royalty_deal, assignment_deal = (_concluded_in_2025(make_listing, uni_a, sme_a, kind)
                                     for kind in (OfferKind.LICENCE, OfferKind.ASSIGNMENT))
    royalty_report = royalty_reports.file_report(royalty_deal, sme_a,
                                                 period_start=date(2025, 1, 15),
                                                 base_amount_fen=10_000_000)
    commit()

    ids = {
        "royalty_deal": royalty_deal.id, "royalty_report": royalty_report.id,
        "assignment_deal": assignment_deal.id,
        "uni_a_org": uni_a.org_id, "sme_a_org": sme_a.org_id, "applicant": applicant.id,
        "pending_org": pending_org.id,
        "patent": patent.id, "draft": draft.id, "licensed": licensed.id,
        "open_offer": patent.offers[0].id, "exclusive_offer": exclusive.id,
        "assignment_offer": assignment.id,
        "attachment": attachment.id, "draft_attachment": draft_attachment.id,
        "evaluation_report": reports[0].id, "draft_evaluation_report": reports[1].id,
        "deal": concluded.id, "request": requests[0].id, "request_to_decline": requests[1].id,
        "request_to_withdraw": requests[2].id,
        "due_deal": due.id, "due_row": due.schedule[0].id,
        "paid_deal": paid.id, "paid_row": paid.schedule[0].id,
        "report": report.id, "report_to_dispute": report_to_dispute.id,
        "saved": saved.id, "question": question.id, "exhibition": exhibition.id, "failed_mail": failed_mail.id,
        "proof": proof.id, "proof_to_reject": proof_to_reject.id,
        "pledge": pledge.id, "consent": consent.id, "pledged_patent": requests[2].patent_id,
        **custody_ids,
        "to_sign": to_sign.id, "to_sign_sha": signing.current_version(to_sign).data_sha256,
        **{name: demand.id for name, demand in demand_objects.items()},
        "brokered": brokered.id, "revoked_brokered": revoked_brokered.id,
        "mandate": mandate.id, "staff": staff.id,
        "fee_deal": fee_deal.id,
        "fee_row": next(row.id for row in fee_deal.schedule if row.is_broker_fee),
    }
    return users, ids


def _custody(users) -> dict:
    """SME A in custody with Agency A (in force), two proposals of SME A waiting for Agency
    A's answer (one to accept, one to decline), a complaint about Agency A and the centre's
    evaluation criteria."""
    sme_a, agency_a, centre = users["sme_a"].org, users["agency_a"].org, users["centre"]
    today = local_today()
    year = today.replace(year=today.year + 1)
    in_force, to_accept, to_decline = (
        make_custody_agreement(db.session, sme_a, agency_a, today, year, accepted=accepted)
        for accepted in (True, False, False))
    complaint = agency_register.record_complaint(centre, agency_a, received_on=today,
                                                 complainant="沈阳某公司", summary="未按时提醒年费")
    criteria = [agency_register.add_criterion(centre, name=name, max_score=50)
                for name in ("服务质量", "响应速度")]
    commit()
    return {"custody": in_force.id, "custody_to_accept": to_accept.id,
            "custody_to_decline": to_decline.id, "agency_a_org": agency_a.id,
            "complaint": complaint.id, "criterion_1": criteria[0].id,
            "criterion_2": criteria[1].id}


def _demands(sme_a) -> dict:
    """SME A's technology demands: published (public and restricted to universities and
    institutes), a draft, and two waiting for the centre (one to approve, one to return)."""
    made = {}
    for name, state, visibility in (
            ("demand", DemandState.PUBLISHED, DemandVisibility.PUBLIC),
            ("restricted_demand", DemandState.PUBLISHED, DemandVisibility.LICENSORS),
            ("draft_demand", DemandState.DRAFT, DemandVisibility.PUBLIC),
            ("pending_demand", DemandState.PENDING, DemandVisibility.PUBLIC),
            ("pending_demand_2", DemandState.PENDING, DemandVisibility.PUBLIC)):
        made[name] = Demand(owner_org_id=sme_a.org_id, title="锂电池低温续航", state=state,
                            description="冬季锂电池续航下降一半，希望找到低温加热技术。",
                            industry="new_materials", visibility=visibility,
                            published_at=utcnow() if state == DemandState.PUBLISHED else None,
                            matched_at=utcnow())
        db.session.add(made[name])
    db.session.flush()
    return made


def _brokered_deals(make_listing, users) -> tuple:
    """A request the broker opened for SME A under its live mandate (with a broker's fee),
    and one the other agency opened before SME A revoked its mandate; the broker's listed
    staff member."""
    sme_a, uni_a, today = users["sme_a"], users["uni_a"], local_today()
    opened = []
    for name in ("broker", "broker_revoked"):
        mandate = mandates.grant(sme_a, users[name].org, scope=MandateScope.NEGOTIATE_AND_DRAFT,
                                 valid_from=today, valid_until=today + timedelta(days=90),
                                 fee_fen=BROKER_FEE_FEN if name == "broker" else None)
        offer = make_listing(uni_a.org, offers=[NON_EXCLUSIVE]).offers[0]
        opened.append((deals.request_deal(users[name], offer, proposal_of(offer), "代委托方申请。",
                                          for_org=sme_a.org), mandate))
    (brokered, live), (revoked_brokered, revoked) = opened
    mandates.revoke(sme_a, revoked)
    broker = users["broker"]
    agencies.start_profile(broker.org, "21101")
    staff = agencies.add_staff(broker, broker.org, name="赵经纪", certificate_number="JJR-0001",
                               qualification=StaffQualification.TECH_BROKER)
    commit()
    return brokered, revoked_brokered, live, staff


def _fee_deal(make_listing, users) -> Deal:
    """A deal the broker brought to conclusion for SME A: its schedule holds the broker's
    fee, owed by SME A to the broker's agency (the licence itself has no fixed payment)."""
    sme_a, uni_a, broker = users["sme_a"], users["uni_a"], users["broker"]
    offer = make_listing(uni_a.org, offers=[NON_EXCLUSIVE]).offers[0]
    deal = deals.request_deal(broker, offer, proposal_of(offer), "", for_org=sme_a.org)
    deals.accept(deal, uni_a)
    commit()
    sign_contract(deal, uni_a, sme_a)
    commit()
    return deal


def _concluded_in_2025(make_listing, uni_a, sme_a, kind) -> Deal:
    """A deal of University A with SME A concluded on 2025-01-15 (so reporting periods and
    the registration deadline have passed): a licence with a 3 % royalty or an assignment."""
    patent = make_listing(uni_a.org)
    moment = datetime(2025, 1, 15, 4, tzinfo=UTC)
    terms = {"price_fen": 10_000_000} if kind == OfferKind.ASSIGNMENT else {
        "licence_kind": LicenceKind.NON_EXCLUSIVE, "royalty_bp": 300, "term_years": 3,
        "upfront_mode": "waived"}
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=kind,
                licensor_org_id=uni_a.org_id, licensee_org_id=sme_a.org_id,
                state=DealState.CONCLUDED, contract_number=f"SY-MATRIX-{patent.id}",
                created_at=moment, concluded_at=moment, **terms)
    db.session.add(deal)
    db.session.flush()
    ledger.record_conclusion(deal)
    return deal


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]
