"""The patent rules that need no database, and Shenyang's day."""
from datetime import UTC, date, datetime
from types import SimpleNamespace

from market.domain.dates import local_date
from market.domain.patents import (
    LegalStatus,
    clean_patent,
    expired,
    in_force,
    offerable,
    remaining_life_days,
)

TODAY = date(2026, 12, 2)


def patent(status, expiry):
    return SimpleNamespace(legal_status=status, expiry_date=expiry)


def test_protection_ends_when_the_expiry_day_begins():
    assert not expired(date(2026, 12, 3), TODAY)
    assert expired(TODAY, TODAY)
    assert remaining_life_days(patent(LegalStatus.GRANTED, date(2026, 12, 3)), TODAY) == 1


def test_in_force_means_granted_and_not_expired():
    assert in_force(patent(LegalStatus.GRANTED, date(2030, 1, 1)), TODAY)
    assert not in_force(patent(LegalStatus.GRANTED, TODAY), TODAY)
    assert not in_force(patent(LegalStatus.PENDING, date(2030, 1, 1)), TODAY)


def test_a_pending_application_may_be_offered_an_ended_patent_not():
    assert offerable(patent(LegalStatus.PENDING, date(2030, 1, 1)), TODAY)
    assert not offerable(patent(LegalStatus.PENDING, TODAY), TODAY)
    for status in (LegalStatus.TERMINATED, LegalStatus.WITHDRAWN):
        assert not offerable(patent(status, date(2030, 1, 1)), TODAY)


def test_the_legal_day_is_shenyangs():
    # 16:30 UTC on 1 December is 00:30 on 2 December in Shenyang
    assert local_date(datetime(2026, 12, 1, 16, 30, tzinfo=UTC)) == date(2026, 12, 2)
    assert local_date(datetime(2026, 12, 1, 15, 59, tzinfo=UTC)) == date(2026, 12, 1)


def test_a_title_loses_the_front_pages_page_counts():
    raw = {"application_number": "201710601862.5", "legal_status": "pending",
           "filing_date": date(2017, 7, 21),
           "title": "权利要求书2页 说明书13页附图6页具有自动漂洗操作类型选择的洗衣机"}
    values, _errors = clean_patent(raw, today=TODAY)
    assert values["title"] == "具有自动漂洗操作类型选择的洗衣机"
    for title in ("权利要求书的撰写方法", "一种说明书3页的装订装置"):  # no page counts to strip
        assert clean_patent({**raw, "title": title}, today=TODAY)[0]["title"] == title
    _values, errors = clean_patent({**raw, "title": "权利要求书1页说明书3页"}, today=TODAY)
    assert "title" in {e.field for e in errors}  # nothing but page counts: no title
