"""What both languages of the contract text share: the section type and how data's plain
values (ISO dates, fen, basis points) are read back."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..dates import LOCAL_ZONE
from ..terms import format_basis_points

__all__ = ["Section", "as_date", "local_moment", "rate"]


@dataclass(frozen=True)
class Section:
    """One clause: a stable ``key`` (tests and anchors use it), its ``heading`` as printed,
    and its paragraphs in order."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)


def as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def local_moment(value: str) -> datetime:
    """An ISO datetime (a naive one is UTC) as Shenyang's wall-clock time."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def rate(bp: int) -> str:
    return format_basis_points(bp)


def profit_base(data: dict) -> bool:
    """The royalty is a share of profit (contracts frozen before the base existed: net sales)."""
    fees = data.get("fees") or {}
    return bool(fees.get("royalty_bp")) and fees.get("royalty_base") == "profit"
