"""The factories build valid rows (other tests rely on them)."""
import pytest

from market.domain.patent_numbers import normalise_application_number
from market.models import LicenceKind, OfferKind

pytestmark = pytest.mark.db


def test_make_listing_defaults(make_listing):
    patent = make_listing()
    assert normalise_application_number(patent.application_number) == patent.application_number
    assert patent.is_public and patent.owner.kind == "university"
    [offer] = patent.offers
    assert offer.kind == OfferKind.OPEN_LICENCE and offer.licence_kind == LicenceKind.NON_EXCLUSIVE
    assert offer.terms().upfront_mode == "waived"
