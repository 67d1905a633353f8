"""Offer rules by kind (service level): the CNIPA caps on open licences only, the royalty
base, a reduced upfront fee; the open-licence declaration and the evaluation report a
utility model or design needs; the database check that backs the caps."""
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from market.domain.dates import local_today
from market.extensions import db
from market.models import LicenceKind, ListingStatus, Offer, OfferKind, PatentType
from market.services import listings
from market.services.errors import FieldErrors, ServiceError
from market.unit_of_work import commit

from ..factories import new_application_number

pytestmark = pytest.mark.db

PDF = b"%PDF-1.4\n%test report\n"
FEE_25M = 2_500_000_000
OPEN = {"kind": "open_licence", "upfront_mode": "waived", "royalty_bp": 300, "term_years": 3,
        "declared_on": date(2025, 1, 6), "cnipa_announcement_number": "KF-2025-0001"}
EXCLUSIVE_25M = {"kind": "licence", "licence_kind": "exclusive", "upfront_mode": "due_at_signing",
                 "upfront_fee_fen": FEE_25M, "royalty_bp": 2500, "term_years": 5}


@pytest.fixture()
def bare(make_listing, university):
    """A granted invention of the university, with no offer yet."""
    def run(**fields):
        return make_listing(university.org, offers=[], status=ListingStatus.DRAFT, **fields)
    return run


def fields_of(error: FieldErrors) -> dict:
    return {e.field: str(e.message) for e in error.errors}


def test_negotiated_exclusive_licence_at_25_million_is_accepted_with_warnings(bare, university):
    patent = bare()
    offer = listings.add_offer(university, patent, EXCLUSIVE_25M)
    commit()
    assert (offer.upfront_fee_fen, offer.royalty_bp) == (FEE_25M, 2500)  # 64-bit column
    warnings = listings.offer_warnings(listings.offer_values(EXCLUSIVE_25M))
    assert [w.field for w in warnings] == ["upfront_fee_fen", "royalty_bp"]


def test_open_licence_at_25_million_is_refused(bare, university):
    with pytest.raises(FieldErrors) as info:
        listings.add_offer(university, bare(), {**OPEN, "upfront_mode": "due_at_signing",
                                                "upfront_fee_fen": FEE_25M})
    assert "upfront_fee_fen" in fields_of(info.value)


@pytest.mark.parametrize("base, allowed, refused", [("net_sales", 2000, 2001),
                                                    ("profit", 4000, 4001)])
def test_open_licence_royalty_cap_by_base(bare, university, base, allowed, refused):
    offer = listings.add_offer(university, bare(), {**OPEN, "royalty_base": base,
                                                    "royalty_bp": allowed})
    assert (offer.royalty_base, offer.royalty_bp) == (base, allowed)
    with pytest.raises(FieldErrors) as info:
        listings.add_offer(university, bare(), {**OPEN, "royalty_base": base,
                                                "royalty_bp": refused})
    assert "royalty_bp" in fields_of(info.value)


def test_assignment_price_is_free_with_a_warning_above_norms(bare, university):
    raw = {"kind": "assignment", "asking_price_fen": 3_000_000_000}
    offer = listings.add_offer(university, bare(), raw)
    assert offer.asking_price_fen == 3_000_000_000
    assert [w.field for w in listings.offer_warnings(listings.offer_values(raw))] == [
        "asking_price_fen"]


def test_reduced_upfront_offer_is_a_fast_licence(bare, university):
    offer = listings.add_offer(university, bare(), {**OPEN, "upfront_mode": "reduced",
                                                    "upfront_fee_fen": 500_000})
    assert offer.upfront_mode == "reduced" and offer.is_fast_licence
    with pytest.raises(FieldErrors) as info:
        listings.add_offer(university, bare(), {**OPEN, "upfront_mode": "reduced",
                                                "upfront_fee_fen": 0})
    assert "upfront_fee_fen" in fields_of(info.value)


def test_declaration_states(bare, university):
    announced = listings.add_offer(university, bare(), OPEN)
    awaiting = listings.add_offer(university, bare(), {**OPEN, "cnipa_announcement_number": ""})
    undeclared = listings.add_offer(university, bare(), {**OPEN, "declared_on": None,
                                                         "cnipa_announcement_number": None})
    assert [o.declaration_state for o in (announced, awaiting, undeclared)] == [
        "announced", "awaiting", "not_declared"]
    assert awaiting.cnipa_announcement_number is None


@pytest.mark.parametrize("changes, field", [
    ({"declared_on": None}, "declared_on"),  # a number without the declaration date
    ({"declared_on": "tomorrow"}, "declared_on"),
    ({"cnipa_announcement_number": "X" * 41}, "cnipa_announcement_number"),
])
def test_declaration_refusals(bare, university, changes, field):
    if changes.get("declared_on") == "tomorrow":
        changes = {"declared_on": local_today() + timedelta(days=1)}
    with pytest.raises(FieldErrors) as info:
        listings.add_offer(university, bare(), {**OPEN, **changes})
    assert field in fields_of(info.value)


def test_declaration_fields_are_dropped_from_other_offers(bare, university):
    offer = listings.add_offer(university, bare(), {**EXCLUSIVE_25M, "declared_on": date(2025, 1, 1),
                                                    "cnipa_announcement_number": "X"})
    assert (offer.declared_on, offer.cnipa_announcement_number) == (None, None)


def utility_model(bare):
    number = new_application_number(2019).replace("20191", "20192", 1)
    from market.domain.patent_numbers import check_character
    digits = number.split(".")[0]
    return bare(application_number=f"{digits}.{check_character(digits)}",
                patent_type=PatentType.UTILITY_MODEL)


def test_utility_model_needs_an_evaluation_report_before_an_open_licence(bare, university):
    patent = utility_model(bare)
    with pytest.raises(FieldErrors) as info:
        listings.add_offer(university, patent, OPEN)
    assert "专利权评价报告" in fields_of(info.value)["kind"]
    # a negotiated licence of the same utility model needs none
    listings.add_offer(university, patent, {**EXCLUSIVE_25M, "licence_kind": "non_exclusive"})
    listings.add_evaluation_report(university, patent, filename="报告.pdf", data=PDF,
                                   conclusion="no_defect", issued_on=date(2024, 5, 1))
    db.session.flush()
    patent.offers[0].active = False
    offer = listings.add_offer(university, patent, OPEN)
    assert offer.kind == OfferKind.OPEN_LICENCE
    assert patent.evaluation_report.conclusion == "no_defect"


def test_publish_refuses_an_open_utility_model_without_a_report(bare, university):
    patent = utility_model(bare)
    patent.offers.append(Offer(kind=OfferKind.OPEN_LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
                               upfront_mode="waived", term_years=3))  # from before the rule
    db.session.flush()
    with pytest.raises(ServiceError) as info:
        listings.publish(university, patent)
    assert info.value.field == "offers"
    listings.add_evaluation_report(university, patent, filename="r.pdf", data=PDF,
                                   conclusion="some_claims_defective", issued_on=None)
    db.session.flush()
    listings.publish(university, patent)
    assert patent.status == ListingStatus.PUBLISHED


@pytest.mark.parametrize("data, conclusion, issued_on, field", [
    (b"", "no_defect", None, "report_file"),
    (b"GIF89a not a report", "no_defect", None, "report_file"),
    (PDF, "excellent", None, "conclusion"),
    (PDF, "no_defect", date(2999, 1, 1), "issued_on"),
])
def test_evaluation_report_refusals(bare, university, data, conclusion, issued_on, field):
    with pytest.raises(ServiceError) as info:
        listings.add_evaluation_report(university, bare(), filename="r.pdf", data=data,
                                       conclusion=conclusion, issued_on=issued_on)
    assert info.value.field == field


def test_evaluation_report_size_follows_the_voucher_limit(app, bare, university):
    app.config["VOUCHER_MAX_BYTES"] = 100
    with pytest.raises(ServiceError) as info:
        listings.add_evaluation_report(university, bare(), filename="r.pdf",
                                       data=PDF + b"x" * 100, conclusion="no_defect",
                                       issued_on=None)
    assert info.value.field == "report_file"


def test_evaluation_report_only_by_the_owner(bare, make_user):
    from market.models import OrgKind
    from market.services.errors import PermissionDenied
    other = make_user(kind=OrgKind.UNIVERSITY)
    with pytest.raises(PermissionDenied):
        listings.add_evaluation_report(other, bare(), filename="r.pdf", data=PDF,
                                       conclusion="no_defect", issued_on=None)


def test_database_check_binds_caps_to_open_licences_only(bare, university):
    licence = listings.add_offer(university, bare(), {**EXCLUSIVE_25M, "royalty_bp": 9000})
    opened = listings.add_offer(university, bare(), {**OPEN, "royalty_base": "profit",
                                                     "royalty_bp": 4000})
    commit()
    for offer, values in ((opened, {"royalty_bp": 4001}),
                          (opened, {"royalty_base": "net_sales"}),  # 40 % of net sales
                          (opened, {"upfront_fee_fen": 2_000_000_001}),
                          (licence, {"royalty_bp": 10001}),
                          (licence, {"royalty_base": "turnover"})):
        with pytest.raises(IntegrityError):
            db.session.execute(update(Offer).where(Offer.id == offer.id).values(**values))
            db.session.flush()
        db.session.rollback()
