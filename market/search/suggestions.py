"""Ways to widen a search that found nothing: drop a filter, drop all filters, or search
fewer terms (each with the number of listings it would find)."""

from __future__ import annotations

import re

from .query import parse_query, search


def suggest_wider(index, q: str = "", filters: dict | None = None, limit: int = 5) -> list[dict]:
    """Ways to widen a search that found nothing: drop one filter, drop all
    filters, or search fewer terms.  Each suggestion has ``kind``, ``q``,
    ``filters`` and the ``total`` it would find; best first."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    out: list[dict] = []

    def total(wider_q, wider_filters):
        return search(index, wider_q, wider_filters, facets=False, highlight=False,
                      per_page=1).total

    for name in list(filters):
        fewer_filters = {k: v for k, v in filters.items() if k != name}
        n = total(q, fewer_filters)
        if n:
            out.append({"kind": "drop_filter", "filter": name, "q": q, "filters": fewer_filters,
                        "total": n})
    if filters:
        n = total(q, {})
        if n:
            out.append({"kind": "drop_all_filters", "q": q, "filters": {}, "total": n})
    for fewer_q in _fewer_terms(q):
        n = total(fewer_q, filters)
        if n:
            out.append({"kind": "fewer_terms", "q": fewer_q, "filters": filters, "total": n})
    return _best_distinct(out, limit)


def _fewer_terms(q: str) -> list[str]:
    """The query without one of its space-separated words; for a query without spaces, its
    three longest terms one at a time."""
    parts = [p for p in re.split(r"\s+", (q or "").strip()) if p]
    if len(parts) > 1:
        return [" ".join(parts[:i] + parts[i + 1:]) for i in range(len(parts))]
    terms, _codes, _ = parse_query(q)
    if len(terms) > 1:
        return sorted(terms, key=len, reverse=True)[:3]
    return []


def _best_distinct(suggestions: list[dict], limit: int) -> list[dict]:
    suggestions.sort(key=lambda s: -s["total"])
    seen, best = set(), []
    for suggestion in suggestions:
        key = (suggestion["q"], tuple(sorted(suggestion["filters"].items(), key=str)))
        if key not in seen:
            seen.add(key)
            best.append(suggestion)
    return best[:limit]
