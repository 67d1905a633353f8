"""The deadlines of a deal, written once: the rules that apply them and the messages that
name them both read these numbers."""

__all__ = ["EXPIRE_DAYS", "RECORDING_MONTHS", "REGISTRATION_DAYS", "REMINDER_DAYS",
           "STALE_DAYS"]

# A request unanswered this long is flagged to both sides and the centre.
STALE_DAYS = 14
# ... and expires unanswered this long after its last change.
EXPIRE_DAYS = 30
# A concluded licence is recorded with CNIPA within this many months (DOMAIN.md).
RECORDING_MONTHS = 3
# An assignment is filed for registration with CNIPA within this many days of conclusion (the
# contract's clause; it takes effect only once registered: Patent Law art. 10).
REGISTRATION_DAYS = 30
# The parties are reminded this many days before a registration or royalty report falls due.
REMINDER_DAYS = 7
