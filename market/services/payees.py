"""Who receives the money of a schedule row, in one place.

The deployment decides (``PAYMENT_RECEIVER``): ``licensor`` (the default) — the payer
transfers into the licensor's own bank account, entered and checked on its organisation
profile, and the licensor confirms receipt; or ``centre`` — the centre's account takes the
money as escrow, the centre confirms receipt and records the pay-out to the licensor. Card
payments (Stripe) always go to the centre: Stripe Connect, which would pay the licensor
directly, is out of reach here.

The payment page, the transfer instructions, the receipt and the right to confirm all read
:func:`payee_of`, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..domain.bank_accounts import InvalidBankAccount, check_bank_account, format_account_number
from ..extensions import db
from ..gateways import get_gateway
from ..models import Organisation, Payee, Payment, PaymentProvider, PaymentScheduleItem, User
from ..permissions import member_org_id
from . import audit
from .errors import PermissionDenied, ServiceError

# the deployment's choice; an agency is paid directly only for its own broker's fee
RECEIVERS = (Payee.LICENSOR.value, Payee.CENTRE.value)
# which side confirms that the money arrived
CONFIRMED_BY_LICENSOR, CONFIRMED_BY_CENTRE, CONFIRMED_BY_PROVIDER = "licensor", "centre", "provider"
CONFIRMED_BY_AGENCY = "agency"


@dataclass(frozen=True)
class PayeeView:
    """The payee of a row: its name and bank account, and who confirms receipt."""

    kind: Payee
    name: str
    bank_name: str | None
    account_number: str | None  # digits only
    confirmer: str               # licensor | agency | centre | provider (card: the webhook)
    by_card: bool
    org: Organisation | None     # the licensor (or the fee's agency) when paid directly
    # whom the centre passes the money on to in escrow: the licensor, or the fee's agency
    beneficiary: Organisation | None = None

    @property
    def is_escrow(self) -> bool:
        return self.kind == Payee.CENTRE

    @property
    def ready(self) -> bool:
        """Whether a payer can be told where to pay (bank details complete, or a card)."""
        return self.by_card or bool(self.name and self.bank_name and self.account_number)

    @property
    def account_display(self) -> str:
        return format_account_number(self.account_number)


def receiver_setting(config=None) -> Payee:
    """The deployment's ``PAYMENT_RECEIVER``. Raises RuntimeError on an unknown value."""
    value = str((config or current_app.config).get("PAYMENT_RECEIVER") or "licensor")
    value = value.strip().lower()
    if value not in RECEIVERS:
        raise RuntimeError(f"PAYMENT_RECEIVER must be one of {', '.join(RECEIVERS)} "
                           f"(got {value!r}).")
    return Payee(value)


def _centre(by_card: bool, beneficiary: Organisation | None = None) -> PayeeView:
    config = current_app.config
    digits = "".join(ch for ch in str(config.get("PAYMENT_BANK_ACCOUNT") or "") if ch.isdigit())
    return PayeeView(Payee.CENTRE, config["PAYMENT_BANK_ACCOUNT_NAME"],
                     None if by_card else config.get("PAYMENT_BANK_NAME"),
                     None if by_card else digits or None,
                     CONFIRMED_BY_PROVIDER if by_card else CONFIRMED_BY_CENTRE, by_card, None,
                     beneficiary)


def _direct(org: Organisation, kind: Payee = Payee.LICENSOR) -> PayeeView:
    confirmer = CONFIRMED_BY_AGENCY if kind == Payee.AGENCY else CONFIRMED_BY_LICENSOR
    return PayeeView(kind, org.bank_account_name or org.name, org.bank_name,
                     org.bank_account_number, confirmer, False, org, org)


def beneficiary_of(row: PaymentScheduleItem) -> Organisation:
    """Whose money the row is in the end: the broker agency for a fee, else the licensor."""
    return row.deal.broker_org if row.is_broker_fee else row.deal.licensor


def payee_of(row: PaymentScheduleItem, payment: Payment | None = None) -> PayeeView:
    """Who takes the money of ``row``: for ``payment`` (a payment already reported or
    booked), the payee fixed then; otherwise whoever takes a new payment today — the
    centre for card payments (Stripe configured) and in escrow mode, else the licensor
    (the broker agency for a broker's fee)."""
    if payment is None:
        return _payee_now(beneficiary_of(row), fee=row.is_broker_fee)
    by_card = payment.provider == PaymentProvider.STRIPE
    kind = Payee.CENTRE if by_card else (payment.payee or receiver_setting())
    if kind == Payee.CENTRE:
        return _centre(by_card, beneficiary_of(row))
    return _direct(beneficiary_of(row), Payee.AGENCY if row.is_broker_fee else Payee.LICENSOR)


def payer_org_id(row: PaymentScheduleItem) -> int:
    """The organisation that owes ``row``: the licensee, or the principal of a broker's fee."""
    return row.payer_org_id if row.payer_org_id is not None else row.deal.licensee_org_id


def is_payer(row: PaymentScheduleItem, user) -> bool:
    """Whether ``user`` is a member of the organisation that owes ``row`` (verified or not)."""
    org_id = member_org_id(user) if user is not None and user.is_authenticated else None
    return org_id is not None and org_id == payer_org_id(row)


def is_fee_agency(row: PaymentScheduleItem, user) -> bool:
    """Whether ``user`` is a member of the broker agency that a broker's fee ``row`` is owed to."""
    if not row.is_broker_fee or user is None or not user.is_authenticated:
        return False
    org_id = member_org_id(user)
    return org_id is not None and org_id == row.deal.broker_org_id


def payee_of_deal(deal) -> PayeeView:
    """Who takes a new payment on ``deal`` today (what its contract names): the centre for
    card payments (Stripe configured) and in escrow mode, else the licensor."""
    return _payee_now(deal.licensor)


def _payee_now(beneficiary: Organisation, *, fee: bool = False) -> PayeeView:
    by_card = get_gateway().hosted_checkout
    if by_card or receiver_setting() == Payee.CENTRE:
        return _centre(by_card, beneficiary)
    return _direct(beneficiary, Payee.AGENCY if fee else Payee.LICENSOR)


def set_bank_account(user: User, org: Organisation, *, account_name: str | None,
                     bank_name: str | None, account_number: str | None,
                     name_note: str | None) -> bool:
    """Save the account ``org`` is paid into, checked (market.domain.bank_accounts).
    Returns whether anything changed. Raises PermissionDenied for anyone but the
    organisation's admin, ServiceError (on the failing field) for an account that fails."""
    if not (user.org_id == org.id and user.is_org_admin and user.can_act):
        raise PermissionDenied(_l("Only your organisation's admin can change its bank "
                                  "account."))
    try:
        account = check_bank_account(legal_name=org.name, account_name=account_name,
                                     bank_name=bank_name, account_number=account_number,
                                     name_note=name_note)
    except InvalidBankAccount as exc:
        raise ServiceError(exc.message, field=exc.field, code="bad_bank_account") from exc
    values = {"bank_account_name": account.account_name, "bank_name": account.bank_name,
              "bank_account_number": account.account_number,
              "bank_name_note": account.name_note}
    changed = {k: [getattr(org, k), v] for k, v in values.items() if getattr(org, k) != v}
    for key, (_old, new) in changed.items():
        setattr(org, key, new)
    if changed:
        db.session.flush()
        # the audit keeps the last four digits only: enough to tell accounts apart
        audit.record("org.bank_account", actor=user, target=org,
                     fields=sorted(changed), account_ends=account.account_number[-4:])
    return bool(changed)
