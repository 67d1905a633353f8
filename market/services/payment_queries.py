"""What the payment pages show: each schedule row with its payments, what has been paid and
what is left, and the lists — open rows first by due date (overdue, today, later)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import selectinload

from ..domain.dates import local_today
from ..extensions import db
from ..models import Deal, Payment, PaymentScheduleItem, PaymentStatus, ScheduleStatus, User
from ..models.deals import BROKER_FEE
from ..permissions import member_org_id
from . import deals, payees

SHOWN = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED, PaymentStatus.REPORTED,
         PaymentStatus.DISPUTED)


@dataclass
class RowView:
    row: PaymentScheduleItem
    deal: Deal
    side: str  # payer | receiver | centre (the viewer's side of this row)
    payments: list[Payment] = field(default_factory=list)  # booked, refunded, reported, disputed

    @cached_property
    def payee(self) -> payees.PayeeView:
        """Who takes a new payment of the row (``payees.payee_of``)."""
        return payees.payee_of(self.row)

    @property
    def payer(self):
        return self.row.payer

    @property
    def receipts(self) -> list[Payment]:
        return [p for p in self.payments if p.receipt_number]

    @property
    def payment(self) -> Payment | None:
        """The latest payment with a receipt (None before any money was booked)."""
        return self.receipts[-1] if self.receipts else None

    @property
    def paid_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments if p.status == PaymentStatus.SUCCEEDED)

    @property
    def balance_fen(self) -> int:
        if self.row.status != ScheduleStatus.DUE:
            return 0
        return max(self.row.amount_fen - self.paid_fen, 0)

    @property
    def reported(self) -> list[Payment]:
        """Transfers the payer reported that the receiver has not yet confirmed."""
        return [p for p in self.payments if p.status == PaymentStatus.REPORTED]

    @property
    def disputed(self) -> list[Payment]:
        return [p for p in self.payments if p.status == PaymentStatus.DISPUTED]

    @property
    def open(self) -> bool:
        return self.row.status == ScheduleStatus.DUE and self.balance_fen > 0

    @property
    def due_when(self) -> str:
        """overdue | today | later | unscheduled (a row triggered by an event)."""
        if self.row.due_on is None:
            return "unscheduled"
        today = local_today()
        return ("overdue" if self.row.due_on < today else
                "today" if self.row.due_on == today else "later")

    @property
    def state(self) -> str:
        if not self.open:
            return self.row.status.value
        if self.reported:
            return "reported"
        if self.due_when == "overdue":
            return "overdue"
        if self.disputed and not self.paid_fen:
            return "disputed"
        return "part_paid" if self.paid_fen else "due"


def _row_views(rows, user: User) -> list[RowView]:
    ids = [row.id for row in rows]
    by_row: dict[int, list[Payment]] = {}
    if ids:
        for p in db.session.scalars(select(Payment).where(
                Payment.schedule_item_id.in_(ids), Payment.status.in_(SHOWN))
                .order_by(Payment.id)):
            by_row.setdefault(p.schedule_item_id, []).append(p)
    return [RowView(row, row.deal, side_of(row, user), by_row.get(row.id, [])) for row in rows]


def side_of(row: PaymentScheduleItem, user: User) -> str:
    """The viewer's side of ``row``: payer, receiver (the licensor, or the agency of a
    broker's fee) or centre (everyone else who may see it)."""
    if payees.is_payer(row, user):
        return "payer"
    if payees.is_fee_agency(row, user) or (
            not row.is_broker_fee and deals.role_of(row.deal, user) == deals.LICENSOR):
        return "receiver"
    return "centre"


def visible(row: PaymentScheduleItem, user: User) -> bool:
    """Whether ``user`` sees ``row``: the deal's parties see its contract rows; a broker's
    fee is the business of its payer (the principal), its agency and the centre only."""
    if user.is_authenticated and user.is_centre:
        return True
    if row.is_broker_fee:
        return payees.is_payer(row, user) or payees.is_fee_agency(row, user)
    return deals.role_of(row.deal, user) is not None


def visible_schedule(deal: Deal, user: User) -> list[PaymentScheduleItem]:
    """The rows of ``deal``'s schedule ``user`` sees on its payments page (:func:`visible`)."""
    return [row for row in deal.schedule if visible(row, user)]


def contract_schedule(deal: Deal, user: User) -> list[PaymentScheduleItem]:
    """The schedule as the deal's page shows it to whoever may open that page (a broker
    included): the contract's rows, and a broker's fee only to its payer, its agency and
    the centre."""
    return [row for row in deal.schedule if not row.is_broker_fee or visible(row, user)]


def deal_visible(deal: Deal, user: User) -> bool:
    """Whether ``user`` sees ``deal``'s payments page: its parties, the centre, and the
    agency a broker's fee of it is owed to."""
    return deals.role_of(deal, user) is not None or any(
        payees.is_fee_agency(row, user) for row in deal.schedule)


def rows_for(user: User) -> list[RowView]:
    """The schedule rows of the user's deals (every deal's for the centre): open rows first,
    by due date (overdue, then due today, then later; rows waiting for an event after
    them), then settled rows."""
    settled = case((PaymentScheduleItem.status == ScheduleStatus.DUE, 0), else_=1)
    query = select(PaymentScheduleItem).join(Deal).order_by(
        settled, PaymentScheduleItem.due_on.is_(None), PaymentScheduleItem.due_on,
        Deal.id.desc(), PaymentScheduleItem.id)
    if not user.is_centre:
        org_id = member_org_id(user)  # a request to join is not membership yet
        if org_id is None:
            return []
        fee = PaymentScheduleItem.kind == BROKER_FEE
        query = query.where(or_(
            and_(~fee, or_(Deal.licensee_org_id == org_id, Deal.licensor_org_id == org_id)),
            and_(fee, or_(PaymentScheduleItem.payer_org_id == org_id,
                          Deal.broker_org_id == org_id))))
    # what each row's payee, payer and deal columns read, loaded for all rows at once
    query = query.options(
        selectinload(PaymentScheduleItem.payer_org),
        selectinload(PaymentScheduleItem.deal).selectinload(Deal.patent),
        selectinload(PaymentScheduleItem.deal).selectinload(Deal.licensor),
        selectinload(PaymentScheduleItem.deal).selectinload(Deal.licensee),
        selectinload(PaymentScheduleItem.deal).selectinload(Deal.broker_org))
    return _row_views(db.session.scalars(query.limit(500)).all(), user)


def rows_of_deal(deal: Deal, user: User) -> list[RowView]:
    return _row_views(visible_schedule(deal, user), user)


def view_of(row: PaymentScheduleItem, user: User) -> RowView:
    return _row_views([row], user)[0]
