"""Both directions of demand matching over one analysis.

* A demand -> listings: :func:`match_demand` runs the demand matcher
  (:func:`market.search.demand.demand_match`'s own steps) and also returns the demand's key
  terms, kept with the demand so that the other direction needs no index of its own.
* A listing -> demands: :class:`DemandTermIndex`, an in-memory inverted list from each key
  term's first index term to the demands holding it. A listing's text is cut exactly as the
  patent index cuts it (:func:`analysis.segment`), and a demand matches when the listing holds
  at least ``min_share`` of its key terms' weight (two terms when it has four or more, as
  the demand matcher asks of a patent).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..domain.ipc import industry_for_ipc
from .analysis import segment
from .demand import DEMAND_TERMS, MIN_MATCHED, KeyTerm, _run_demand, key_terms
from .index.reader import Snapshot, with_snapshot
from .results import DemandResult

SUGGEST_FROM = 5  # the best hits whose IPC subclasses suggest the demand's IPC


@dataclass
class DemandMatch:
    result: DemandResult
    terms: list[KeyTerm]

    def stored_terms(self) -> list:
        """The key terms as JSON: [[text, [parts], weight], ...]."""
        return [[t.text, list(t.parts), round(t.weight, 4)] for t in self.terms]

    def suggested_ipc(self, limit: int = 3) -> list[str]:
        """The IPC subclasses most of the best hits share (the demand's likely field)."""
        counts: Counter = Counter()
        for hit in self.result.hits[:SUGGEST_FROM]:
            for code in {c.strip().replace(" ", "")[:4].upper()
                         for c in (hit.ipc or "").split(";") if c.strip()}:
                counts[code] += 1
        return [code for code, _n in counts.most_common(limit)]

    def suggested_industry(self) -> str:
        return industry_for_ipc(self.suggested_ipc()) if self.suggested_ipc() else "other"


def match_demand(index, text: str, *, title: str = "", top: int = 10,
                 filters: dict | None = None) -> DemandMatch:
    """The listings matching a demand, and its key terms, read from one index snapshot."""
    def read(snap: Snapshot) -> DemandMatch:
        cache: dict = {}  # the postings read once for both
        result = _run_demand(snap, text, top, filters, title, (), (), cache)
        return DemandMatch(result, lasting_terms(snap, text, title=title, cache=cache))
    return with_snapshot(index, read)


def lasting_terms(snap: Snapshot, text: str, *, title: str = "",
                  cache: dict | None = None) -> list[KeyTerm]:
    """The demand's key terms as the matcher scores them, keeping the words no listing
    holds yet: those are the words a patent listed later must be found by."""
    return key_terms(snap, text, DEMAND_TERMS, title=title, cache=cache, keep_unknown=True)


def listing_terms(*texts: str) -> frozenset[str]:
    """The index terms of a listing's texts (title, abstract, keywords)."""
    return frozenset(t for text in texts if text for t in segment(text))


class DemandTermIndex:
    """Open demands' key terms, looked up by a new listing's terms."""

    def __init__(self, min_share: float):
        self.min_share = min_share
        # first part -> [(demand id, term number)]
        self._by_part: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._terms: dict[int, list[tuple[tuple[str, ...], float]]] = {}
        self._total: dict[int, float] = {}

    def add(self, demand_id: int, terms: Iterable) -> None:
        """``terms``: stored key terms ([text, [parts], weight])."""
        kept = [(tuple(parts), float(weight)) for _text, parts, weight in terms if parts]
        if not kept:
            return
        self._terms[demand_id] = kept
        self._total[demand_id] = sum(w for _p, w in kept) or 1.0
        for number, (parts, _w) in enumerate(kept):
            self._by_part[parts[0]].append((demand_id, number))

    def __len__(self) -> int:
        return len(self._terms)

    def match(self, terms: frozenset[str]) -> list[tuple[int, float]]:
        """(demand id, share of its key terms' weight the listing holds), best first."""
        weight: dict[int, float] = defaultdict(float)
        matched: Counter = Counter()
        for term in terms:
            for demand_id, number in self._by_part.get(term, ()):
                parts, w = self._terms[demand_id][number]
                if len(parts) == 1 or all(p in terms for p in parts[1:]):
                    weight[demand_id] += w
                    matched[demand_id] += 1
        out = []
        for demand_id, got in weight.items():
            need = MIN_MATCHED if len(self._terms[demand_id]) >= 4 else 1
            share = got / self._total[demand_id]
            if matched[demand_id] >= need and share >= self.min_share:
                out.append((demand_id, share))
        out.sort(key=lambda x: (-x[1], x[0]))
        return out
