"""The deadlines of a deal, written once: the rules that apply them and the messages that
name them both read these numbers."""

__all__ = ["EXPIRE_DAYS", "RECORDING_MONTHS", "STALE_DAYS"]

# A request unanswered this long is flagged to both sides and the centre.
STALE_DAYS = 14
# ... and expires unanswered this long after its last change.
EXPIRE_DAYS = 30
# A concluded licence is recorded with CNIPA within this many months (DOMAIN.md).
RECORDING_MONTHS = 3
