"""A small, hand-checked transaction record for the indicator tests.

Rows (booking date, licensee, licensor, kind, value in fen):

  r1 2023-03-10 S1  U1 licence non-exclusive, open, fast   100,000   new_materials  和平区
  r2 2023-12-30 S2  U1 licence exclusive             5,000,000   biomedicine    铁西区
  r3 2024-01-05 S2  U1 reversal of r2 (sign -1)     -5,000,000   biomedicine    铁西区
  r4 2024-02-15 S1  U1 licence non-exclusive, open, fast         0   new_materials  和平区
  r5 2024-06-01 S3  I2 assignment                   20,000,000   high_end_eq.   浑南区
  r6 2024-07-20 N1  U1 licence sole (N1 is not an SME) 3,000,000 new_materials  沈河区
  r7 2024-12-31 S4  I2 licence non-exclusive, fast   1,000,000   biomedicine    铁西区
  r8 2025-01-01 S3  U1 licence non-exclusive           500,000   new_materials  和平区

Pledges: 2023: 100,000 + 50,000 yuan (two projects); 2024: 200,000 yuan (one project).

The dates above are booking dates (the "booked" view). In the conclusion-date view r3 counts
on r2's day (2023-12-30). Registration rows (the registration-date view only):
  g6 2024-09-01 r6 recorded with CNIPA          3,000,000
  g5 2025-02-01 r5's assignment registered     20,000,000
"""
from datetime import date

import pytest

from market.extensions import db
from market.models import Deal, DealState, LedgerEntry, OfferKind, OrgKind, PledgeDeal

PLAN_START = 2023


@pytest.fixture()
def ledger_world(app, make_org, make_listing):
    app.config["PLAN_START_YEAR"] = PLAN_START
    u1 = make_org(kind=OrgKind.UNIVERSITY, name="东北大学")
    i2 = make_org(kind=OrgKind.INSTITUTE, name="中国科学院金属研究所")
    s1 = make_org(name="沈阳甲科技有限公司", district="和平区")
    s2 = make_org(name="沈阳乙科技有限公司", district="铁西区")
    s3 = make_org(name="沈阳丙科技有限公司", district="浑南区")
    s4 = make_org(name="沈阳丁科技有限公司", district="铁西区")
    n1 = make_org(kind=OrgKind.UNIVERSITY, name="辽宁大学", district="沈河区")
    p1 = make_listing(u1, view_count=50)
    p2 = make_listing(u1, view_count=10)
    p3 = make_listing(u1, view_count=0)
    p4 = make_listing(i2, view_count=30,
                      offers=[{"kind": OfferKind.ASSIGNMENT}, {"kind": OfferKind.OPEN_LICENCE}])
    from market.models import ListingStatus
    p5 = make_listing(u1, view_count=100, status=ListingStatus.DRAFT)

    def deal(patent, licensee, kind="licence", licence_kind="non_exclusive",
             state=DealState.CONCLUDED):
        offer_kind = OfferKind.ASSIGNMENT if kind == "assignment" else OfferKind.LICENCE
        d = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=offer_kind,
                 licence_kind=None if kind == "assignment" else licence_kind,
                 licensor_org_id=patent.owner_org_id, licensee_org_id=licensee.id, state=state)
        db.session.add(d)
        db.session.flush()
        return d

    def entry(d, on, licensee, licensor, *, kind="licence", licence_kind="non_exclusive",
              value, industry, district, days, open_licence=False, fast=False, sign=1,
              reverses=None, entry_kind=None, deal_on=None, registered_on=None):
        row = LedgerEntry(
            deal_id=d.id, entry=entry_kind or ("reversal" if sign < 0 else "conclusion"),
            sign=sign, deal_on=deal_on or (None if entry_kind == "registration" else on),
            registered_on=registered_on,
            reverses_id=reverses.id if reverses else None, contract_number=f"SY-{d.id}",
            concluded_on=on, kind=kind,
            licence_kind=None if kind == "assignment" else licence_kind,
            open_licence=open_licence, fast_licence=fast, contract_value_fen=value,
            licensor_org_id=licensor.id, licensor_kind=str(licensor.kind),
            licensee_org_id=licensee.id, licensee_kind=str(licensee.kind),
            licensee_is_sme=licensee.kind == OrgKind.SME,
            licensor_is_university=licensor.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
            industry=industry, district=district, patent_ids=[d.patent_id], patent_count=1,
            days_to_conclusion=days)
        db.session.add(row)
        db.session.flush()
        return row

    d1 = deal(p1, s1)
    entry(d1, date(2023, 3, 10), s1, u1, value=100_000, industry="new_materials",
          district="和平区", days=5, open_licence=True, fast=True)
    d2 = deal(p2, s2, licence_kind="exclusive", state=DealState.CANCELLED)
    r2 = entry(d2, date(2023, 12, 30), s2, u1, licence_kind="exclusive", value=5_000_000,
               industry="biomedicine", district="铁西区", days=20)
    entry(d2, date(2024, 1, 5), s2, u1, licence_kind="exclusive", value=-5_000_000,
          industry="biomedicine", district="铁西区", days=20, sign=-1, reverses=r2,
          deal_on=date(2023, 12, 30))
    d4 = deal(p1, s1)
    entry(d4, date(2024, 2, 15), s1, u1, value=0, industry="new_materials", district="和平区",
          days=3, open_licence=True, fast=True)
    d5 = deal(p4, s3, kind="assignment")
    entry(d5, date(2024, 6, 1), s3, i2, kind="assignment", value=20_000_000,
          industry="high_end_equipment", district="浑南区", days=40)
    entry(d5, date(2025, 2, 1), s3, i2, kind="assignment", value=20_000_000,
          industry="high_end_equipment", district="浑南区", days=40,
          entry_kind="registration", registered_on=date(2025, 2, 1))
    d6 = deal(p3, n1, licence_kind="sole")
    entry(d6, date(2024, 7, 20), n1, u1, licence_kind="sole", value=3_000_000,
          industry="new_materials", district="沈河区", days=10)
    entry(d6, date(2024, 9, 1), n1, u1, licence_kind="sole", value=3_000_000,
          industry="new_materials", district="沈河区", days=10,
          entry_kind="registration", registered_on=date(2024, 9, 1))
    d7 = deal(p4, s4)
    entry(d7, date(2024, 12, 31), s4, i2, value=1_000_000, industry="biomedicine",
          district="铁西区", days=7, fast=True)
    d8 = deal(p2, s3)
    entry(d8, date(2025, 1, 1), s3, u1, value=500_000, industry="new_materials",
          district="和平区", days=2)
    deal(p1, s2, state=DealState.REQUESTED)  # a request that has not concluded

    for on, amount in ((date(2023, 4, 1), 10_000_000), (date(2023, 11, 30), 5_000_000),
                       (date(2024, 8, 8), 20_000_000)):
        db.session.add(PledgeDeal(pledgor_org_id=s1.id, pledgor_name=s1.name, bank="盛京银行",
                                  application_numbers=[p1.application_number], patent_count=1,
                                  amount_fen=amount, pledged_on=on))
    db.session.commit()
    return {"u1": u1, "i2": i2, "s1": s1, "s2": s2, "s3": s3, "s4": s4, "n1": n1,
            "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5}
