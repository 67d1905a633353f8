"""The listing rules, each with an accepted and a refused case."""
from datetime import date

import pytest
from flask_babel import force_locale

from market.domain import patents
from market.extensions import db
from market.models import (
    Deal,
    DealState,
    LegalStatus,
    LicenceKind,
    ListingChange,
    ListingStatus,
    OfferKind,
    OrgKind,
    SearchOutbox,
)
from market.services import listings
from market.services.errors import FieldErrors, PermissionDenied, ServiceError

from ..factories import new_application_number

pytestmark = pytest.mark.db


def patent_fields(**overrides):
    fields = {
        "application_number": "ZL 2017 1060 1862.3", "title": "一种石墨烯导热薄膜的制备方法",
        "abstract": "本发明公开了一种石墨烯导热薄膜。", "ipc_codes": "C01B 32/184; H05K 7/20",
        "legal_status": "granted", "filing_date": date(2017, 7, 26),
        "grant_date": date(2020, 3, 10), "inventors": "张三；李四", "keywords": "石墨烯",
        "trl": "6",
    }
    fields.update(overrides)
    return fields


def open_licence(**overrides):
    return {"kind": OfferKind.OPEN_LICENCE, "upfront_mode": "waived", "royalty_bp": 300,
            "royalty_threshold_fen": 100_000_000, "term_years": 5, **overrides}


@pytest.fixture()
def uni(make_user):
    return make_user(kind=OrgKind.UNIVERSITY)


def en(message) -> str:
    with force_locale("en"):
        return str(message)


def fields_of(exc: FieldErrors) -> set[str]:
    return {e.field for e in exc.errors}


def test_create_normalises_number_derives_type_expiry_and_industry(uni):
    patent = listings.create_patent(uni, patent_fields())
    db.session.commit()
    assert patent.application_number == "201710601862.3"
    assert patent.patent_number == "ZL201710601862.3"
    assert patent.patent_type == "invention"
    assert patent.expiry_date == date(2037, 7, 26)
    assert patent.industry == "new_materials" and not patent.industry_overridden
    assert patent.ipc_codes == ["C01B 32/184", "H05K 7/20"]
    assert patent.status == ListingStatus.DRAFT
    assert db.session.query(SearchOutbox).filter_by(patent_id=patent.id).count() == 1


def test_industry_override(uni):
    patent = listings.create_patent(uni, patent_fields(industry="high_end_equipment"))
    assert patent.industry == "high_end_equipment" and patent.industry_overridden


@pytest.mark.parametrize("overrides, field", [
    ({"application_number": "201710601862.4"}, "application_number"),
    ({"patent_type": "utility_model"}, "patent_type"),
    ({"ipc_codes": "G06F 17/30, XYZ"}, "ipc_codes"),
    ({"trl": "10"}, "trl"),
    ({"filing_date": date(2018, 1, 1)}, "filing_date"),
    ({"grant_date": None}, "grant_date"),
    ({"legal_status": "terminated"}, "legal_status"),
    ({"title": ""}, "title"),
])
def test_create_refused_naming_the_field(uni, overrides, field):
    with pytest.raises(FieldErrors) as caught:
        listings.create_patent(uni, patent_fields(**overrides))
    assert field in fields_of(caught.value)


def test_expired_patent_refused(uni):
    number = new_application_number(2001 + 3, 2)  # utility model filed 2004: expired 2014
    with pytest.raises(FieldErrors) as caught:
        listings.create_patent(uni, patent_fields(application_number=number,
                                                  filing_date=date(2004, 1, 5)))
    assert "legal_status" in fields_of(caught.value)


def test_only_universities_and_institutes_list(make_user):
    sme = make_user(kind=OrgKind.SME)
    with pytest.raises(PermissionDenied):
        listings.create_patent(sme, patent_fields())


def test_one_org_cannot_list_a_patent_another_listed(uni, make_user):
    listings.create_patent(uni, patent_fields())
    db.session.commit()
    other = make_user(kind=OrgKind.INSTITUTE)
    with pytest.raises(FieldErrors) as caught:
        listings.create_patent(other, patent_fields(application_number="201710601862.3"))
    assert caught.value.errors[0].field == "application_number"
    assert "Another organisation" in en(caught.value.errors[0].message)


def test_open_licence_accepted_on_granted_patent(uni):
    patent = listings.create_patent(uni, patent_fields())
    offer = listings.add_offer(uni, patent, open_licence())
    assert offer.licence_kind == LicenceKind.NON_EXCLUSIVE
    zh, en = listings.summaries(offer)
    assert "首付 0 元" in zh and "3%" in zh and "许可期 5 年" in zh
    assert "term 5 years" in en


def test_open_licence_refused_on_pending_patent(uni):
    patent = listings.create_patent(uni, patent_fields(legal_status="pending", grant_date=None))
    with pytest.raises(FieldErrors) as caught:
        listings.add_offer(uni, patent, open_licence())
    assert caught.value.errors[0].field == "kind"
    assert "granted" in en(caught.value.errors[0].message)


def test_term_beyond_expiry_refused(uni, make_listing):
    patent = make_listing(uni.org, offers=[], filing_date=date(2010, 1, 4))  # expires 2030
    with pytest.raises(FieldErrors) as caught:
        listings.add_offer(uni, patent, open_licence(term_years=10))
    assert "term_years" in fields_of(caught.value)
    listings.add_offer(uni, patent, open_licence(term_years=2))


def test_open_licence_term_at_least_one_year(uni, make_listing):
    patent = make_listing(uni.org, offers=[])
    with pytest.raises(FieldErrors) as caught:
        listings.add_offer(uni, patent, open_licence(term_years=0))
    assert "term_years" in fields_of(caught.value)


@pytest.mark.parametrize("field, value, ok", [
    ("upfront_fee_fen", 2_000_000_000, True), ("upfront_fee_fen", 2_000_000_001, False),
    ("royalty_bp", 2000, True), ("royalty_bp", 2001, False),
])
def test_cnipa_caps(uni, make_listing, field, value, ok):
    patent = make_listing(uni.org, offers=[])
    terms = open_licence(upfront_mode="due_at_signing", **{field: value})
    if ok:
        listings.add_offer(uni, patent, terms)
    else:
        with pytest.raises(FieldErrors) as caught:
            listings.add_offer(uni, patent, terms)
        assert field in fields_of(caught.value)


def test_no_exclusive_offer_while_open_licence_declared(uni, make_listing):
    patent = make_listing(uni.org)
    with pytest.raises(FieldErrors) as caught:
        listings.add_offer(uni, patent, {"kind": OfferKind.LICENCE,
                                         "licence_kind": LicenceKind.EXCLUSIVE, "term_years": 3})
    assert caught.value.errors[0].field == "licence_kind"
    listings.add_offer(uni, patent, {"kind": OfferKind.LICENCE,
                                     "licence_kind": LicenceKind.NON_EXCLUSIVE, "term_years": 3})


def test_no_open_licence_while_exclusive_in_force(uni, make_listing, make_org):
    patent = make_listing(uni.org, offers=[{"kind": OfferKind.LICENCE,
                                            "licence_kind": LicenceKind.EXCLUSIVE,
                                            "term_years": 3}])
    sme = make_org(kind=OrgKind.SME)
    db.session.add(Deal(patent_id=patent.id, offer_id=patent.offers[0].id,
                        kind=OfferKind.LICENCE, licence_kind=LicenceKind.EXCLUSIVE,
                        licensor_org_id=uni.org_id, licensee_org_id=sme.id,
                        state=DealState.CONCLUDED, term_years=3))
    listings.withdraw_offer(uni, patent.offers[0])
    db.session.commit()
    with pytest.raises(FieldErrors) as caught:
        listings.add_offer(uni, patent, open_licence())
    assert "exclusive or sole licence is in force" in en(caught.value.errors[0].message)


def test_only_owner_edits(uni, make_user, make_listing):
    patent = make_listing(uni.org)
    other = make_user(kind=OrgKind.UNIVERSITY)
    with pytest.raises(PermissionDenied):
        listings.update_patent(other, patent, patent_fields())
    with pytest.raises(PermissionDenied):
        listings.withdraw(other, patent)


def test_lifecycle_and_history(uni):
    patent = listings.create_patent(uni, patent_fields())
    with pytest.raises(ServiceError):
        listings.publish(uni, patent)  # no offer yet
    offer = listings.add_offer(uni, patent, open_licence())
    listings.publish(uni, patent)
    assert patent.is_public and patent.published_at
    listings.update_offer(uni, offer, open_licence(royalty_bp=250))
    listings.withdraw(uni, patent)
    db.session.commit()
    assert patent.status == ListingStatus.WITHDRAWN
    history = db.session.query(ListingChange).filter_by(patent_id=patent.id) \
        .order_by(ListingChange.id).all()
    assert [h.action for h in history] == ["created", "offer_added", "published",
                                           "terms_changed", "withdrawn"]
    change = history[3]
    assert change.before == {"royalty_bp": 300} and change.after == {"royalty_bp": 250}
    assert change.user_id == uni.id


def test_expiry_rules():
    from market.models import PatentType
    assert patents.expiry_date(PatentType.UTILITY_MODEL, date(2020, 2, 29)) == date(2030, 2, 28)
    assert patents.expiry_date(PatentType.DESIGN, date(2021, 6, 1)) == date(2036, 6, 1)
    assert patents.expiry_date(PatentType.DESIGN, date(2021, 5, 31)) == date(2031, 5, 31)


def test_withdrawn_listing_cannot_be_offered_when_terminated(uni, make_listing):
    patent = make_listing(uni.org, offers=[], legal_status=LegalStatus.TERMINATED)
    with pytest.raises(FieldErrors):
        listings.add_offer(uni, patent, open_licence())
