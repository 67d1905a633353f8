"""What each deal event tells whom (inbox + email) and the written notice of an open licence.

The notices of an event are written after the deal's transaction has committed, by
:func:`notify_pending` (the after-commit worker of :mod:`market.mail_worker`, or at once
after the commit where mail is delivered inline): the deal's unit of work holds the write
lock only for the deal itself, and a burst of events is told in batches. An event is told
once: its ``notified_at`` is set in the transaction that writes its notices.
"""
from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import UTC, date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import selectinload

from .. import labels
from ..domain.dates import clock_at
from ..domain.deadlines import RECORDING_MONTHS, STALE_DAYS
from ..extensions import db
from ..models import (
    Deal,
    DealEvent,
    Notification,
    Organisation,
    PaymentScheduleItem,
    ScheduleStatus,
)
from ..models.base import utcnow
from . import follows, mandates, notifications

log = logging.getLogger("market")
NOTICE_BATCH = 200  # events told per transaction


def link(deal: Deal) -> str:
    return f"/deals/{deal.id}"


def written_notice(deal: Deal, details: dict, start: date | None) -> str:
    """The written notice (书面通知) to the patentee under Patent Law art. 51 (a legal text,
    kept in Chinese whatever the reader's language)."""
    patent, licensor = deal.patent, deal.licensor
    from .contracts import terms_summary_zh
    lines = [
        f"致{licensor.name}：",
        f"根据《中华人民共和国专利法》第五十一条，{details.get('legal_name') or deal.licensee.name}"
        f"（统一社会信用代码：{details.get('credit_code')}；地址：{details.get('address')}）"
        f"现书面通知贵方：我方实施贵方声明开放许可的专利“{patent.title}”"
        f"（专利号：{patent.patent_number}{_declaration_zh(deal)}），"
        "并按贵方公告的许可使用费支付方式和标准支付许可使用费。",
        f"许可条件：{terms_summary_zh(deal)}。",
        f"拟实施领域：{details.get('field_of_use') or '—'}；"
        f"预计开始实施日期：{start.isoformat() if start else '—'}。",
    ]
    return "\n".join(lines)


def _declaration_zh(deal: Deal) -> str:
    """The CNIPA declaration the notice answers (its date and announcement number)."""
    offer = deal.offer
    if offer is None or offer.declared_on is None:
        return ""
    number = offer.cnipa_announcement_number
    return (f"；开放许可声明日：{offer.declared_on.isoformat()}"
            + (f"；国家知识产权局公告号：{number}" if number else "；待国家知识产权局公告"))


def _title(deal: Deal) -> str:
    return deal.patent.title


_PENDING = (select(DealEvent).where(DealEvent.notified_at.is_(None)).order_by(DealEvent.id)
            .options(selectinload(DealEvent.deal).selectinload(Deal.patent),
                     # the parties' members too: each notice's recipients, read once a batch
                     selectinload(DealEvent.deal).selectinload(Deal.licensee)
                     .selectinload(Organisation.users),
                     selectinload(DealEvent.deal).selectinload(Deal.licensor)
                     .selectinload(Organisation.users)))


def notify_pending(limit: int = NOTICE_BATCH) -> int:
    """Write the notices of up to ``limit`` events not told yet (oldest first) and commit.
    Returns how many events were claimed: a full batch means there may be more. Another
    process telling events at the same time skips the ones this one claimed (PostgreSQL;
    SQLite runs one writer at a time). An event whose notices fail is logged and marked
    told, so that one fault does not hold back every later notice."""
    db.session.commit()  # a fresh transaction (under the write lock on SQLite)
    events = db.session.scalars(_PENDING.limit(limit).with_for_update(
        skip_locked=True, of=DealEvent)).all()
    if not events:
        db.session.rollback()
        return 0
    try:
        _tell(events)
    except Exception:  # noqa: BLE001 - find the event at fault, tell the others
        db.session.rollback()
        return _notify_one_by_one([event.id for event in events])
    db.session.commit()
    return len(events)


def tell_pending_here(*, at_event_time: bool = False) -> int:
    """Write the notices of every event not told yet in the caller's transaction (flushes;
    the caller commits). The demo loader does, before it drops its invented people's
    emails; ``at_event_time``: each notice dated as its event (a history loaded in the
    past's clock). Returns how many events were told."""
    db.session.flush()
    told = 0
    while events := db.session.scalars(_PENDING.limit(NOTICE_BATCH)).all():
        _tell(events, at_event_time=at_event_time)
        told += len(events)
    return told


def _tell(events: list[DealEvent], *, at_event_time: bool = False) -> None:
    with db.session.no_autoflush:
        for event in events:
            with clock_at(event.at) if at_event_time else nullcontext():
                notify(event.deal, event)
    _mark_told([event.id for event in events])


_OLDEST_PENDING = (select(DealEvent.at).where(DealEvent.notified_at.is_(None))
                   .order_by(DealEvent.id).limit(1))
_PENDING_COUNT = select(func.count()).select_from(DealEvent).where(DealEvent.notified_at.is_(None))


def pending_notices(connection) -> dict:
    """How many deal events wait for their notices, and for how long the oldest has
    (seconds; for /healthz, on its own ``connection``)."""
    oldest = connection.execute(_OLDEST_PENDING).scalar()
    if oldest is None:
        return {"pending": 0, "oldest_seconds": 0}
    if oldest.tzinfo is None:  # SQLite keeps no zone: stored as UTC
        oldest = oldest.replace(tzinfo=UTC)
    return {"pending": connection.execute(_PENDING_COUNT).scalar(),
            "oldest_seconds": max(0, round((utcnow() - oldest).total_seconds()))}


def _notify_one_by_one(ids: list[int]) -> int:
    for event_id in ids:
        event = db.session.get(DealEvent, event_id)
        if event is None or event.notified_at is not None:
            db.session.rollback()
            continue
        try:
            notify(event.deal, event)
        except Exception:  # noqa: BLE001
            db.session.rollback()
            log.exception("deal event %s: its notices failed; marked told", event_id)
        _mark_told([event_id])
        db.session.commit()
    return len(ids)


def _mark_told(ids: list[int]) -> None:
    db.session.execute(update(DealEvent).where(DealEvent.id.in_(ids)).values(notified_at=utcnow()),
                       execution_options={"synchronize_session": False})


def notify(deal: Deal, event: DealEvent) -> None:
    """Tell the parties (and for stale requests the centre) what ``event`` means to them."""
    action, href, title = event.action, link(deal), _title(deal)
    licensee, licensor = deal.licensee, deal.licensor
    if action == "take_open":
        notifications.notify_org(
            licensor, "open_licence_notice",
            _l("Written notice: %(org)s takes an open licence of “%(title)s”",
               org=licensee.name, title=title),
            event.payload.get("notice", ""), href)
    elif action == "request":
        notifications.notify_org(
            licensor, "deal_request",
            _l("New request from %(org)s for “%(title)s”", org=licensee.name, title=title),
            _l("Answer within %(days)d days: accept, decline or make a counter-offer.",
               days=STALE_DAYS), href)
    elif action == "counter":
        other = licensee if event.actor_role == "licensor" else licensor
        notifications.notify_org(other, "deal_counter",
                                 _l("Counter-offer on “%(title)s”", title=title), "", href)
    elif action == "accept":
        other = licensee if event.actor_role == "licensor" else licensor
        notifications.notify_org(other, "deal_accepted",
                                 _l("Terms accepted for “%(title)s”", title=title),
                                 _l("The contract is ready: review it and sign it on the deal "
                                    "page. It is concluded when both sides have signed."), href)
    elif action == "sign":
        other = licensee if event.actor_role == "licensor" else licensor
        if not event.payload.get("last"):  # the other side's signature is still needed
            notifications.notify_org(
                other, "deal_signed",
                _l("%(org)s signed the contract for “%(title)s”: your signature is needed",
                   org=(licensor if other is licensee else licensee).name, title=title),
                "", href)
    elif action in ("decline", "withdraw", "expire", "cancel"):
        kinds = {"decline": _l("Declined: “%(title)s”", title=title),
                 "withdraw": _l("Withdrawn: “%(title)s”", title=title),
                 "expire": _l("Expired without an answer: “%(title)s”", title=title),
                 "cancel": _l("Cancelled: “%(title)s”", title=title)}
        _tell_both(deal, f"deal_{action}", kinds[action], event.payload.get("reason", ""))
    elif action == "await_payment":
        notifications.notify_org(
            licensee, "deal_payment_due",
            _l("Payment due for “%(title)s”", title=title),
            _l("The licence is concluded once the upfront payment is confirmed."), href)
    elif action in ("conclude", "payment_confirmed") or event.to_state == "concluded":
        _tell_both(deal, "deal_concluded", _l("Contract concluded: “%(title)s”", title=title),
                   _l("The contract can be downloaded from the deal page. Record it with CNIPA "
                      "within %(months)d months.", months=RECORDING_MONTHS))
        follows.deal_concluded(deal)  # an exclusive licence: the listing's followers too
    elif action == "close":
        _tell_both(deal, "deal_closed",
                   _l("Closed: “%(title)s” has been assigned to another party", title=title),
                   _l("Requests still waiting for an answer were closed when the assignment "
                      "was concluded."))
    elif action == "lapse":
        _tell_both(deal, "deal_lapsed",
                   _l("Closed: the patent of “%(title)s” has lapsed", title=title),
                   _lapse_reason(event.payload))
    elif action == "end_term":
        _tell_both(deal, "deal_ended", _l("Licence term ended: “%(title)s”", title=title),
                   _l("The licence is no longer in force. The contract and the payment record "
                      "stay on the deal page; a new licence can be requested from the listing."))
    elif action == "flag_stale":
        text = _l("No answer for %(days)d days: “%(title)s”", days=STALE_DAYS, title=title)
        _tell_both(deal, "deal_stale", text)
        notifications.notify_centre("deal_stale", text, f"{licensee.name} → {licensor.name}", href)
    _tell_broker_side(deal, event)


# what a broker and its principal tell each other about
_BROKER_NEWS = ("request", "counter", "accept", "decline", "withdraw", "sign", "conclude")


def _tell_broker_side(deal: Deal, event: DealEvent) -> None:
    """A broker's action is news to its principal (accepted terms: a request to sign); the
    other side's actions are news to the broker while its mandate is live."""
    if deal.broker_org_id is None or event.action not in _BROKER_NEWS:
        return
    title, href = _title(deal), link(deal)
    # the lazy label: the inbox shows it in each reader's language
    action = labels.DEAL_ACTION_LABELS.get(event.action, event.action)
    if event.payload.get("broker_org_id"):
        principal = deal.licensee if event.actor_role == "licensee" else deal.licensor
        if event.action == "accept":
            notifications.notify_org(
                principal, "deal_accepted",
                _l("Your broker agreed the terms of “%(title)s”: your signature is needed",
                   title=title),
                _l("Review the contract and sign it on the deal page."), href)
        else:
            notifications.notify_org(
                principal, "deal_broker",
                _l("Your broker on “%(title)s”: %(action)s", title=title, action=action), "",
                href)
    elif mandates.brokered_principal(deal) is not None:
        notifications.notify_org(
            deal.broker_org, "deal_broker",
            _l("On “%(title)s”, which you broker: %(action)s", title=title, action=action), "",
            href)


def _lapse_reason(payload: dict):
    if payload.get("reason") == "annual_fee":
        return _l("The annual fee was not paid within the grace period, so the patent is no "
                  "longer in force and this deal cannot be concluded. Nothing more is due "
                  "under it.")
    return _l("CNIPA's legal status of the patent: %(event)s. It is no longer in force, so "
              "this deal cannot be concluded. Nothing more is due under it.",
              event=payload.get("event") or "—")


def _tell_both(deal: Deal, kind: str, title, body="") -> None:
    notifications.notify_orgs((deal.licensee, deal.licensor), kind, title, body, link(deal))


def notify_message(deal: Deal, author, role: str | None = None) -> None:
    """Tell the other side of a new message (``role``: the side the author writes for, a
    broker's principal's; by default the author's own organisation's side)."""
    if role is None:
        role = "licensee" if author.org_id == deal.licensee_org_id else "licensor"
    other = deal.licensor if role == "licensee" else deal.licensee
    notifications.notify_org(other, "deal_message",
                             _l("New message on “%(title)s”", title=_title(deal)), "",
                             link(deal), email=False)


def notify_overdue(today: date) -> int:
    """Tell both sides of each overdue payment, once per schedule item: the parties, or for
    a broker's fee its payer (the principal) and the agency."""
    items = db.session.scalars(select(PaymentScheduleItem).where(
        PaymentScheduleItem.status == ScheduleStatus.DUE, PaymentScheduleItem.due_on < today)
        .order_by(PaymentScheduleItem.id)).all()
    count = 0
    for item in items:
        href = f"{link(item.deal)}#payment-{item.id}"
        if db.session.scalar(select(exists().where(
                Notification.kind == "payment_overdue", Notification.link == href))):
            continue
        text = _l("Payment overdue: %(reference)s for “%(title)s”", reference=item.reference,
                  title=_title(item.deal))
        sides = (item.payer, item.deal.broker_org) if item.is_broker_fee else \
            (item.deal.licensee, item.deal.licensor)
        for org in sides:
            notifications.notify_org(org, "payment_overdue", text, "", href)
        count += 1
    return count
