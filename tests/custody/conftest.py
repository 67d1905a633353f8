"""Custody agreements made by hand (dated in the past, which the service would refuse), and
the agencies and SMEs they bind."""
from datetime import date

import pytest

from market.extensions import db
from market.models import OrgKind

from .. import factories


def agree(sme, agency, starts_on: date, ends_on: date, **fields):
    """``factories.make_custody_agreement``, committed."""
    agreement = factories.make_custody_agreement(db.session, sme, agency, starts_on, ends_on,
                                                 **fields)
    db.session.commit()
    db.session.expire(agreement)
    return agreement


@pytest.fixture()
def agency_user(make_user):
    return make_user(kind=OrgKind.AGENCY, name="沈阳知识产权服务有限公司")


@pytest.fixture()
def other_agency_user(make_user):
    return make_user(kind=OrgKind.AGENCY, name="辽宁专利代理事务所")


@pytest.fixture()
def centre_user(make_user):
    return make_user(kind=OrgKind.CENTRE)
