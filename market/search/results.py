"""What a search or a demand match returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Hit:
    id: str
    score: float | None
    title: str  # escaped HTML, <mark>ed
    snippet: str  # escaped HTML, <mark>ed (abstract fragment)
    owner: str = ""  # escaped HTML
    ipc: str = ""
    matched_terms: list[str] = field(default_factory=list)
    docnum: int = -1
    card: dict | None = None  # the stored listing card (None: an index built before it)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[dict[str, Any]]]
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    exact_match_id: str | None = None
    terms: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    error: str | None = None
    number: Any = None  # a numbers.NumberQuery when the query was a patent identifier
    # the page's places after the last match: patents like the best matches that do not
    # match the query (market.search.related)
    related: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1


@dataclass
class DemandResult:
    hits: list[Hit]
    terms: list[str]  # the key terms searched, best first
    matched_terms: list[str]  # key terms found in at least one returned hit
    total: int
    error: str | None = None
