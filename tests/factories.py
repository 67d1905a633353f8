"""Factories of valid rows: organisations, users, listings, and the forms a deal needs.

Plain functions that take the database session and ``add`` + ``flush`` (the caller commits,
as a service's caller does), so that the pytest fixtures of ``tests/conftest.py``, the
browser and fault tests, and the ``bench/`` scripts (run from the repository root) build
their worlds the same way. No pytest here: a subprocess or a bench script imports it as is.
"""
import itertools
from datetime import UTC, date, datetime, timedelta

from stdnum.cn import uscc

from market.domain.patent_numbers import check_character
from market.domain.terms import EDITABLE_TERM_FIELDS
from market.models import (
    CustodyAgreement,
    CustodyEvent,
    LegalStatus,
    LicenceKind,
    ListingStatus,
    Membership,
    Offer,
    OfferKind,
    Organisation,
    OrgKind,
    OrgStatus,
    Patent,
    PatentType,
    SmeSize,
    User,
)
from market.models.base import utcnow
from market.services.passwords import hash_password

PASSWORD = "correct horse battery staple"
# an account nobody logs in as: no hash to compute (a bench makes thousands)
NO_LOGIN = "x"

EXCLUSIVE = {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.EXCLUSIVE,
             "upfront_mode": "waived", "royalty_bp": 300, "term_years": 5}
PAID_OPEN = {"kind": OfferKind.OPEN_LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
             "upfront_mode": "due_at_signing", "upfront_fee_fen": 1_000_000, "term_years": 3}

_numbers = itertools.count(1)


def next_number() -> int:
    """A number unique within this process (names, e-mails, credit codes)."""
    return next(_numbers)


def new_credit_code(kind: OrgKind = OrgKind.SME, number: int | None = None) -> str:
    """A valid invented unified social credit code: a company's (91…) for an SME, a public
    institution's (12…) otherwise. Processes that share a database pass their own ``number``."""
    number = next_number() if number is None else number
    body = ("91" if kind == OrgKind.SME else "12") + f"210100MA1{number:06d}"
    return body + uscc.calc_check_digit(body)


def new_application_number(year: int = 2019, type_digit: int = 1,
                           number: int | None = None) -> str:
    number = next_number() if number is None else number
    digits = f"{year}{type_digit}{number:07d}"
    return f"{digits}.{check_character(digits)}"


def make_org(session, kind: OrgKind = OrgKind.SME, status: OrgStatus = OrgStatus.VERIFIED, *,
             number: int | None = None, **fields) -> Organisation:
    """An organisation of ``kind``, verified unless ``status`` says otherwise; ``fields``
    override any column."""
    n = next_number() if number is None else number
    values = dict(kind=kind, name=f"测试机构{n}", credit_code=new_credit_code(kind, n),
                  district="浑南区", address=f"沈阳市浑南区测试路{n}号", contact_name="王经理",
                  contact_phone="024-12345678", contact_email=f"org{n}@example.cn",
                  sme_size=SmeSize.SMALL if kind == OrgKind.SME else None, status=status,
                  verified_at=utcnow() if status == OrgStatus.VERIFIED else None)
    if kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE):
        # a licensor is paid into its own account (PAYMENT_RECEIVER=licensor): give it one
        values.update(bank_account_name=fields.get("name", values["name"]),
                      bank_name="中国工商银行沈阳浑南支行", bank_account_number=f"62220210{n:010d}")
    org = Organisation(**{**values, **fields})
    session.add(org)
    session.flush()
    return org


def make_user(session, org: Organisation | None = None, *, email: str | None = None,
              user_name: str = "测试用户", password: str | None = PASSWORD, admin: bool = True,
              membership: Membership = Membership.ACTIVE, **org_fields) -> User:
    """A user of ``org`` (or of a new organisation made with ``org_fields``: ``kind``,
    ``status``, ``number``, any column, so ``name`` is the organisation's; the person's is
    ``user_name``). ``password=None`` makes an account nobody logs in
    as, without the cost of hashing."""
    org = org or make_org(session, **org_fields)
    user = User(email=email or f"user{next_number()}@example.cn", name=user_name,
                password_hash=hash_password(password) if password else NO_LOGIN, org=org,
                is_org_admin=admin, membership=membership)
    session.add(user)
    session.flush()
    return user


def make_listing(session, owner: Organisation | None = None, *,
                 offers: list[dict] | None = None, status: ListingStatus = ListingStatus.PUBLISHED,
                 legal_status: LegalStatus = LegalStatus.GRANTED, **fields) -> Patent:
    """A granted patent of ``owner`` (default: a new university), published unless
    ``status`` says otherwise, with the given offers (dicts of Offer fields; default: one
    free open licence)."""
    owner = owner or make_org(session, OrgKind.UNIVERSITY)
    filing = fields.pop("filing_date", date(2019, 3, 1))
    values = dict(
        owner_org_id=owner.id, application_number=new_application_number(filing.year),
        title=f"一种石墨烯复合材料的制备方法{next_number()}", abstract="本发明公开了一种石墨烯复合材料。",
        ipc_codes=["C01B 32/184"], patent_type=PatentType.INVENTION,
        legal_status=legal_status, filing_date=filing,
        grant_date=date(2021, 6, 1) if legal_status == LegalStatus.GRANTED else None,
        expiry_date=date(filing.year + 20, filing.month, filing.day), inventors="张三；李四",
        industry="new_materials", trl=5, keywords="石墨烯", status=status,
        published_at=utcnow() if status == ListingStatus.PUBLISHED else None)
    patent = Patent(**{**values, **fields})
    for offer_fields in offers if offers is not None else [{"kind": OfferKind.OPEN_LICENCE}]:
        patent.offers.append(make_offer(**offer_fields))
    session.add(patent)
    session.flush()
    return patent


def make_offer(**fields) -> Offer:
    """An offer; an open licence defaults to a non-exclusive, fee-free, three-year one,
    declared and announced."""
    if fields["kind"] == OfferKind.OPEN_LICENCE:  # declared to CNIPA and announced
        fields = {"licence_kind": LicenceKind.NON_EXCLUSIVE, "upfront_mode": "waived",
                  "term_years": 3, "declared_on": date(2025, 1, 6),
                  "cnipa_announcement_number": "KF-TEST-0001", **fields}
    return Offer(**fields)


def details_of(user: User, **extra) -> dict:
    """The licensee's details the take-open form asks for."""
    org = user.org
    return {"legal_name": org.name, "credit_code": org.credit_code, "address": org.address,
            "field_of_use": "新能源电池", "expected_start": date(2026, 1, 1), **extra}


def proposal_of(offer: Offer, **changes) -> dict:
    """The terms of ``offer`` as a request or counter-offer proposes them."""
    values = {k: getattr(offer, k) for k in EDITABLE_TERM_FIELDS}
    values["licence_kind"] = offer.licence_kind.value if offer.licence_kind else None
    values["price_fen"] = offer.asking_price_fen
    values.update(changes)
    return values


def sign_contract(deal, *signers: User) -> None:
    """Sign ``deal``'s current contract version as each of ``signers`` (their passwords taken
    as re-entered: tests/deals/test_signing.py goes through the real check). The caller
    commits; the last required signature concludes the deal."""
    from market.services import deals, signing
    for user in signers:
        version = signing.current_version(deal)
        deals.sign(deal, user, signing.Reauthenticated(user.id, user.name),
                   sha256=version.data_sha256)


CUSTODY_SCOPE = {"scope_patents": True, "scope_fee_reminders": True}


def make_custody_agreement(session, sme, agency, starts_on: date, ends_on: date, *,
                           accepted: bool = True, declined: bool = False, renewals=(),
                           renewal_proposed: date | None = None,
                           terminated: date | None = None, fee_fen: int = 300_000,
                           **scope) -> CustodyAgreement:
    """A custody agreement made by hand (its dates may lie in the past, which the service
    refuses): proposed by the SME and, unless told, accepted by the agency; then each renewal
    (a new last day) accepted, and the termination (its last day). ``scope`` overrides the
    default scope (patents and annual-fee reminders)."""
    agreement = CustodyAgreement(sme_org_id=sme.id, agency_org_id=agency.id,
                                 proposed_by_org_id=sme.id, starts_on=starts_on,
                                 ends_on=ends_on, fee_fen=fee_fen, **{**CUSTODY_SCOPE, **scope})
    session.add(agreement)
    session.flush()
    at = datetime(starts_on.year, starts_on.month, starts_on.day, 2, tzinfo=UTC)

    def event(kind, by, hours=0, **fields):
        session.add(CustodyEvent(agreement_id=agreement.id, kind=kind, by_org_id=by.id,
                                    at=at + timedelta(hours=hours), **fields))

    event("proposed", sme, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen)
    if declined:
        event("declined", agency, 5)
    elif accepted:
        event("accepted", agency, 5, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen)
    for n, new_end in enumerate(renewals, start=1):
        event("renewal_proposed", agency, 24 * n, starts_on=ends_on, ends_on=new_end,
              fee_fen=fee_fen)
        event("renewed", sme, 24 * n + 1, starts_on=ends_on, ends_on=new_end, fee_fen=fee_fen)
    if renewal_proposed:
        event("renewal_proposed", agency, 200, starts_on=ends_on, ends_on=renewal_proposed,
              fee_fen=fee_fen)
    if terminated:
        event("terminated", sme, 300, ends_on=terminated, reason="不再需要")
    session.flush()
    return agreement
