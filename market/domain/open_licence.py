"""Open licence (开放许可, Patent Law 2021 arts. 50-52): what a declaration needs.

The patentee declares the patent open to CNIPA, which announces it; only then is it an
open-licence patent that anyone may take by written notice and payment (art. 51). A
utility model or design needs a patent evaluation report (专利权评价报告) to be declared
open (art. 50).
"""
from __future__ import annotations

from .patents import PatentType

# The conclusions a CNIPA evaluation report comes to, best first.
EVALUATION_CONCLUSIONS = ("no_defect", "some_claims_defective", "all_claims_defective")
NEEDS_EVALUATION_REPORT = (PatentType.UTILITY_MODEL, PatentType.DESIGN)
MAX_ANNOUNCEMENT_NUMBER = 40

# the state of a declaration, as the listing shows it
NOT_DECLARED, AWAITING_ANNOUNCEMENT, ANNOUNCED = "not_declared", "awaiting", "announced"


def needs_evaluation_report(patent_type) -> bool:
    return patent_type in NEEDS_EVALUATION_REPORT


def declaration_state(declared_on, announcement_number: str | None) -> str:
    """Where the CNIPA declaration stands: not recorded, declared and awaiting CNIPA's
    announcement, or announced (the open licence can then be taken)."""
    if declared_on is None:
        return NOT_DECLARED
    return ANNOUNCED if (announcement_number or "").strip() else AWAITING_ANNOUNCEMENT
