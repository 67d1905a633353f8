"""The centre edits an exhibition: what is allowed before, during and after it runs; the
changes are audited; leads are kept; those signed up are told when the roadshow moves."""
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from market.domain.dates import clock_at
from market.extensions import db
from market.models import AuditEvent, ExhibitionLead, Notification, OrgKind
from market.services import exhibition_edits, exhibitions
from market.services.errors import FieldErrors, PermissionDenied
from market.unit_of_work import commit

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db

BEFORE, DURING, AFTER = date(2026, 11, 20), date(2026, 12, 10), date(2027, 1, 5)


@pytest.fixture()
def opened(app, make_user, make_listing):
    centre = make_user(kind=OrgKind.CENTRE)
    first, second = make_listing(), make_listing()
    exhibition = exhibitions.create(centre, exhibitions.ExhibitionDraft(
        theme="新材料专利展", description="", starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31), numbers=[first.application_number], org_ids=[],
        roadshow_at=datetime(2026, 12, 20, 6, tzinfo=UTC), roadshow_place="浑南会议中心"))
    commit()
    return centre, exhibition, first, second


def _edit(centre, exhibition, today, **changes):
    draft = replace(exhibition_edits.draft_of(exhibition), **changes)
    try:
        return exhibition_edits.update(centre, exhibition, draft, today=today)
    except FieldErrors:
        db.session.rollback()
        raise


def test_before_it_opens_everything_may_change(opened):
    centre, exhibition, first, second = opened
    changed = _edit(centre, exhibition, BEFORE, theme="新材料与新能源专利展",
                    starts_on=date(2026, 12, 5), ends_on=date(2027, 1, 10),
                    numbers=[second.application_number, first.application_number],
                    query="锂电池", filters={"industry": "new_materials"})
    commit()
    assert changed == ["theme", "starts_on", "ends_on", "listings", "query"]
    assert [item.patent_id for item in exhibition.listings] == [second.id, first.id]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "exhibition.edited")).one()
    assert event.actor_user_id == centre.id and event.target_id == exhibition.id
    assert event.details["changed"] == changed
    assert _edit(centre, exhibition, BEFORE) == []  # saving unchanged changes nothing


@pytest.mark.parametrize("today,changes,field", [
    (BEFORE, {"ends_on": date(2026, 11, 30)}, "ends_on"),        # ends before it starts
    (DURING, {"starts_on": date(2026, 12, 3)}, "starts_on"),     # it has opened
    (DURING, {"ends_on": date(2026, 12, 9)}, "ends_on"),         # closing in the past
    (AFTER, {"ends_on": date(2027, 2, 1)}, "ends_on"),           # ended: no reopening
    (AFTER, {"numbers": []}, "listings"),                        # ended: listings stay
    (AFTER, {"query": "锂电池"}, "query"),                        # ended: the search stays
    (DURING, {"numbers": ["201799999999.1"]}, "listings"),       # not a listing
    (DURING, {"numbers": [], "query": ""}, "listings"),          # nothing to show
])
def test_edits_the_rules_refuse(opened, today, changes, field):
    centre, exhibition, _first, _second = opened
    with pytest.raises(FieldErrors) as refused:
        _edit(centre, exhibition, today, **changes)
    assert field in {error.field for error in refused.value.errors}
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "exhibition.edited")) is None


def test_while_running_the_end_moves_and_after_the_words_are_corrected(opened):
    centre, exhibition, _first, second = opened
    assert _edit(centre, exhibition, DURING, ends_on=DURING,
                 numbers=[second.application_number]) == ["ends_on", "listings"]
    commit()
    assert _edit(centre, exhibition, AFTER, theme="2026新材料专利展",
                 description="已结束") == ["theme", "description"]


def test_only_the_centre_edits(opened, make_user):
    _centre, exhibition, _first, _second = opened
    with pytest.raises(PermissionDenied):
        _edit(make_user(kind=OrgKind.UNIVERSITY), exhibition, BEFORE, theme="x")


def test_leads_stay_when_the_listing_leaves_the_exhibition(opened, make_user):
    from market.services import questions
    centre, exhibition, first, second = opened
    asker = make_user(kind=OrgKind.SME)
    question = questions.ask(asker, first, "能否提供样品？")
    exhibitions.record_lead(exhibitions.featuring(exhibition.id, first.id), question=question)
    commit()
    _edit(centre, exhibition, DURING, numbers=[second.application_number])
    commit()
    assert exhibitions.lead_counts()[exhibition.id] == {"question": 1}
    assert db.session.scalars(select(ExhibitionLead)).one().question_id == question.id


def test_a_roadshow_with_sign_ups_moves_and_they_are_told(opened, make_user):
    centre, exhibition, _first, _second = opened
    visitor = make_user(kind=OrgKind.SME)
    exhibitions.sign_up(visitor, exhibition)
    commit()
    with pytest.raises(FieldErrors) as refused:
        _edit(centre, exhibition, DURING, roadshow_at=None)
    assert refused.value.field == "roadshow_at"
    _edit(centre, exhibition, DURING, roadshow_at=datetime(2026, 12, 22, 6, tzinfo=UTC))
    commit()
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == visitor.id, Notification.kind == "roadshow_changed")).one()
    assert told.link == f"/exhibitions/{exhibition.id}" and "14:00" in told.body


def _form(first, second):
    return {"theme": "新材料专利展（更新）", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
            "listings": f"{first.application_number}\n{second.application_number}",
            "roadshow_at": "2026-12-20T14:00", "roadshow_place": "浑南会议中心",
            "search_query": "", "search_industry": "", "search_offer_kind": "",
            "search_ipc": ""}


def test_the_edit_form_starts_from_the_exhibition_and_saves(opened, client):
    centre, exhibition, first, second = opened
    log_in(client, centre)
    url = f"/centre/exhibitions/{exhibition.id}/edit"
    with clock_at(datetime(2026, 12, 10, 2, tzinfo=UTC)):  # while it runs
        page = client.get(url).get_data(as_text=True)
        refused = post_form(client, url, {**_form(first, second), "ends_on": "2026-11-01"})
        response = post_form(client, url, _form(first, second))
    assert refused.status_code == 422
    assert "结束日期早于开始日期" in refused.get_data(as_text=True)
    assert response.status_code == 302
    assert first.application_number in page and "浑南会议中心" in page
    db.session.expire_all()
    assert exhibition.theme == "新材料专利展（更新）"
    assert [item.patent_id for item in exhibition.listings] == [first.id, second.id]
    assert exhibition.roadshow_at == datetime(2026, 12, 20, 6, tzinfo=UTC)  # unchanged
