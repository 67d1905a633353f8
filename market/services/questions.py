"""Questions about a listing before any request: a verified user asks, the listing owner's
members answer privately (the asker's organisation reads it) or publicly (the listing shows
it as Q&A). No deal is opened. Services flush; the request commits."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain.dates import local_day_start, local_today
from ..domain.engagement import (
    ANSWER_MAX_CHARS,
    QUESTION_MAX_CHARS,
    QUESTION_MIN_CHARS,
    QUESTIONS_PER_DAY,
)
from ..extensions import db
from ..models import AnswerVisibility, ListingQuestion, OrgKind, Patent, User
from ..models.base import utcnow
from ..permissions import member_org_id
from . import notifications
from .errors import PermissionDenied, ServiceError

ASKERS = (OrgKind.SME, OrgKind.ENTERPRISE, OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def _link(patent_id: int, question_id: int) -> str:
    return f"/patents/{patent_id}#question-{question_id}"


def _text(raw: str | None, minimum: int, maximum: int, field: str) -> str:
    text = (raw or "").strip()
    if len(text) < minimum:
        raise ServiceError(_l("Write at least %(n)d characters.", n=minimum), field=field)
    if len(text) > maximum:
        raise ServiceError(_l("Write at most %(n)d characters.", n=maximum), field=field)
    return text


def asked_today(user: User) -> int:
    since = local_day_start(local_today())
    return db.session.scalar(select(func.count()).select_from(ListingQuestion).where(
        ListingQuestion.asker_user_id == user.id, ListingQuestion.created_at >= since)) or 0


def ask(user: User, patent: Patent, body: str) -> ListingQuestion:
    """``user`` asks about the public listing ``patent``; its owner's members are told (an
    unanswered question asked again is the same question).
    Raises PermissionDenied (not a verified enterprise, university or institute member; the
    owner's own member) or ServiceError (length, the daily limit, the listing not public)."""
    if not user.can_act or user.org.kind not in ASKERS:
        raise PermissionDenied(_l("Only verified enterprises, universities and institutes "
                                  "can ask questions."))
    if member_org_id(user) == patent.owner_org_id:
        raise PermissionDenied(_l("This is your own listing."))
    if not patent.is_public:
        raise ServiceError(_l("This listing is not on the market."), field="body")
    text = _text(body, QUESTION_MIN_CHARS, QUESTION_MAX_CHARS, "body")
    same = db.session.scalar(select(ListingQuestion).where(
        ListingQuestion.patent_id == patent.id, ListingQuestion.asker_user_id == user.id,
        ListingQuestion.body == text, ListingQuestion.answered_at.is_(None)).limit(1))
    if same is not None:
        return same  # the same question sent again (a double submit): asked once
    if asked_today(user) >= QUESTIONS_PER_DAY:
        raise ServiceError(_l("You have asked %(n)d questions today, the daily limit. "
                              "Please ask again tomorrow.", n=QUESTIONS_PER_DAY), field="body")
    question = ListingQuestion(patent_id=patent.id, asker_user_id=user.id,
                               asker_org_id=user.org_id, body=text)
    db.session.add(question)
    db.session.flush()
    notifications.notify_org(patent.owner, "listing_question",
                             _l("New question about “%(title)s”", title=patent.title),
                             text, _link(patent.id, question.id))
    return question


def answer(user: User, question: ListingQuestion, body: str, public: bool) -> None:
    """A member of the listing's owner answers ``question`` (once; a second answer replaces
    the first, a public one stays public); the asker is told. Raises PermissionDenied or
    ServiceError (length)."""
    patent = question.patent
    if not user.can_act or member_org_id(user) != patent.owner_org_id:
        raise PermissionDenied(_l("Only the listing's owner can answer."))
    text = _text(body, 1, ANSWER_MAX_CHARS, "answer")
    question.answer = text
    question.visibility = AnswerVisibility.PUBLIC if public else AnswerVisibility.PRIVATE
    question.answered_by_user_id = user.id
    question.answered_at = utcnow()
    db.session.flush()
    notifications.notify_users([question.asker], "question_answered",
                               _l("Your question about “%(title)s” has been answered",
                                  title=patent.title),
                               text, _link(patent.id, question.id))


# --- what a viewer reads ------------------------------------------------------------------

def public_answers(patent: Patent) -> list[ListingQuestion]:
    return list(db.session.scalars(select(ListingQuestion).where(
        ListingQuestion.patent_id == patent.id,
        ListingQuestion.visibility == AnswerVisibility.PUBLIC)
        .order_by(ListingQuestion.answered_at.desc(), ListingQuestion.id.desc())))


def visible_to(user, patent: Patent) -> list[ListingQuestion]:
    """Every question of ``patent`` the viewer may read beside the public Q&A: all of them for
    the owner's members, its own organisation's for an asker, none for anyone else."""
    org_id = member_org_id(user)
    if org_id is None:
        return []
    query = select(ListingQuestion).where(ListingQuestion.patent_id == patent.id)
    if org_id != patent.owner_org_id:
        query = query.where(ListingQuestion.asker_org_id == org_id)
    return list(db.session.scalars(query.order_by(
        ListingQuestion.answer.is_not(None), ListingQuestion.id.desc())))

