"""Questions before a request: who may ask and answer, who reads a private or public answer,
the notifications, the limits; no deal is opened."""
import pytest
from sqlalchemy import func, select

from market.domain.engagement import QUESTION_MAX_CHARS, QUESTIONS_PER_DAY
from market.extensions import db
from market.models import Deal, ListingQuestion, Notification, OrgKind, OrgStatus
from market.services import questions
from market.services.errors import PermissionDenied, ServiceError
from market.unit_of_work import commit

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db


def _notes(user, kind):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def test_ask_and_answer_privately(app, client, make_user, make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY, name="东北大学")
    patent = make_listing(owner.org)
    asker = make_user(kind=OrgKind.SME)
    other = make_user(kind=OrgKind.SME)
    log_in(client, asker)
    response = post_form(client, f"/patents/{patent.id}/ask",
                         {"body": "这项技术能否用于锂电池负极？"})
    assert response.status_code == 302
    question = db.session.scalars(select(ListingQuestion)).one()
    assert question.asker_org_id == asker.org_id and question.answer is None
    assert [n.link for n in _notes(owner, "listing_question")] == \
        [f"/patents/{patent.id}#question-{question.id}"]
    assert db.session.scalar(select(func.count()).select_from(Deal)) == 0  # no deal opened

    client.post("/account/logout")
    log_in(client, owner)
    page = client.get(f"/patents/{patent.id}").get_data(as_text=True)
    assert "这项技术能否用于锂电池负极？" in page and asker.org.name in page
    response = post_form(client, f"/patents/questions/{question.id}/answer",
                         {"answer": "可以，需要调整烧结温度。"})
    assert response.status_code == 302
    assert len(_notes(asker, "question_answered")) == 1

    def page_for(user):
        client.post("/account/logout")
        log_in(client, user)
        return client.get(f"/patents/{patent.id}").get_data(as_text=True)
    assert "可以，需要调整烧结温度。" in page_for(asker)
    assert "可以，需要调整烧结温度。" not in page_for(other)
    client.post("/account/logout")
    assert "可以，需要调整烧结温度。" not in client.get(f"/patents/{patent.id}").get_data(
        as_text=True)


def test_public_answer_shows_on_the_listing_without_the_asker(app, client, make_user,
                                                             make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(owner.org)
    asker = make_user(kind=OrgKind.SME, name="沈阳保密科技有限公司")
    question = questions.ask(asker, patent, "是否提供技术指导服务？")
    questions.answer(owner, question, "提供六个月的现场技术指导。", public=True)
    commit()
    page = client.get(f"/patents/{patent.id}").get_data(as_text=True)  # anonymous
    assert "是否提供技术指导服务？" in page and "提供六个月的现场技术指导。" in page
    assert "沈阳保密科技有限公司" not in page


def test_form_errors_are_shown_inline(app, client, make_user, make_listing):
    patent = make_listing()
    log_in(client, make_user(kind=OrgKind.SME))
    response = post_form(client, f"/patents/{patent.id}/ask",
                         {"body": "x" * (QUESTION_MAX_CHARS + 1)})
    assert response.status_code == 422
    assert 'id="body-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ListingQuestion)) == 0


@pytest.mark.parametrize("who", ["pending", "centre", "owner"])
def test_who_may_not_ask(app, make_user, make_listing, who):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(owner.org)
    user = {"pending": lambda: make_user(kind=OrgKind.SME, status=OrgStatus.PENDING),
            "centre": lambda: make_user(kind=OrgKind.CENTRE),
            "owner": lambda: make_user(owner.org, admin=False)}[who]()
    with pytest.raises(PermissionDenied):
        questions.ask(user, patent, "请问价格可以商量吗？")


def test_only_the_owner_answers(app, make_user, make_listing):
    patent = make_listing()
    asker = make_user(kind=OrgKind.SME)
    question = questions.ask(asker, patent, "请问价格可以商量吗？")
    for stranger in (asker, make_user(kind=OrgKind.UNIVERSITY)):
        with pytest.raises(PermissionDenied):
            questions.answer(stranger, question, "可以", public=True)
    assert question.answer is None


def test_daily_limit_per_account(app, make_user, make_listing):
    patent = make_listing()
    asker = make_user(kind=OrgKind.SME)
    for n in range(QUESTIONS_PER_DAY):
        questions.ask(asker, patent, f"第{n}个问题：请问？")
    with pytest.raises(ServiceError) as refused:
        questions.ask(asker, patent, "再问一个问题？")
    assert refused.value.field == "body"
    assert questions.asked_today(asker) == QUESTIONS_PER_DAY


def test_short_question_refused(app, make_user, make_listing):
    with pytest.raises(ServiceError):
        questions.ask(make_user(kind=OrgKind.SME), make_listing(), "  好？ ")


def test_flask_limiter_limits_questions_per_user(make_app, make_user, make_listing):
    """Besides the daily count, the per-user rate limit (QUESTION_RATE_LIMIT) answers 429."""
    limited = make_app(RATELIMIT_ENABLED=True, QUESTION_RATE_LIMIT="1 per minute")
    patent = make_listing()
    client = limited.test_client()
    log_in(client, make_user(kind=OrgKind.SME))
    statuses = [post_form(client, f"/patents/{patent.id}/ask", {"body": f"第{n}个问题？请回答"},
                          token_from=f"/patents/{patent.id}").status_code for n in range(2)]
    assert statuses == [302, 429]


def test_the_same_question_sent_twice_is_asked_once(app, make_user, make_listing):
    """A double submit asks once and tells the owner once; once answered, asking the same
    words again is a new question."""
    owner = make_user(kind=OrgKind.UNIVERSITY)
    asker = make_user(kind=OrgKind.SME)
    patent = make_listing(owner.org)
    first = questions.ask(asker, patent, "请问价格可以商量吗？")
    commit()
    again = questions.ask(asker, patent, "请问价格可以商量吗？")
    commit()
    assert again.id == first.id
    assert len(_notes(owner, "listing_question")) == 1
    questions.answer(owner, first, "可以。", public=False)
    commit()
    assert questions.ask(asker, patent, "请问价格可以商量吗？").id != first.id
