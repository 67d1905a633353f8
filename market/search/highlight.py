"""Highlighting: hits built from the stored title and abstract, HTML-escaped, with
``<mark>`` around the matched terms."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .analysis import normalise_text
from .index.reader import Snapshot
from .results import Hit

SNIPPET_CHARS = 120


def highlight_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """One pattern matching any of ``terms``, longest first (one-letter ASCII terms left out)."""
    words = sorted({t for t in terms if t and (len(t) >= 2 or not t.isascii())},
                   key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


def highlight_terms(q: str, terms: list[str]) -> list[str]:
    """What to mark for the query ``q``: its terms plus its ASCII words and numbers."""
    return list(terms) + re.findall(r"[a-z0-9]{2,}", normalise_text(q or ""))


def _densest_window(spans: list[tuple[int, int]], max_chars: int) -> int:
    """Start of the match with the most matches in the ``max_chars`` after it."""
    best, best_n = spans[0][0], 0
    for i, (start, _end) in enumerate(spans):
        n = sum(1 for later, _ in spans[i:] if later < start + max_chars - 10)
        if n > best_n:
            best, best_n = start, n
    return best


def highlight(text: str, pattern: re.Pattern | None, max_chars: int | None = None) -> str:
    """HTML-escaped ``text`` with <mark> around matches of ``pattern``
    (matched on the normalised text; offsets map 1:1 to the original).
    With ``max_chars``, a fragment around the densest match is returned."""
    if not text:
        return ""
    norm = normalise_text(text)
    spans = [m.span() for m in pattern.finditer(norm)] if pattern is not None else []
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        if spans:
            start = max(0, _densest_window(spans, max_chars) - 20)
        end = min(len(text), start + max_chars)
        start = max(0, min(start, end - max_chars))
    out = []
    pos = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start < pos:
            continue
        out.append(html.escape(text[pos:span_start]))
        out.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        pos = span_end
    out.append(html.escape(text[pos:end]))
    fragment = "".join(out)
    if start > 0:
        fragment = "…" + fragment
    if end < len(text):
        fragment += "…"
    return fragment


def _card(stored: dict) -> dict | None:
    card = stored.get("card")
    if card is None:
        return None
    return {**card, "owner": stored.get("owner", "") or ""}


def make_hits(snap: Snapshot, scored: list[tuple[int, float | None]], terms,
              do_highlight: bool = True) -> list[Hit]:
    """Hits of the (docnum, score) pairs, their title and snippet marked with ``terms``."""
    pattern = highlight_pattern(terms) if do_highlight else None
    hits = []
    searcher = snap.searcher
    for docnum, score in scored:
        stored = searcher.stored_fields(docnum)
        hits.append(
            Hit(
                id=stored.get("id", ""),
                score=score,
                title=highlight(stored.get("title", ""), pattern),
                snippet=highlight(stored.get("abstract", ""), pattern, SNIPPET_CHARS),
                owner=html.escape(stored.get("owner", "") or ""),
                ipc=html.escape(stored.get("ipc_display", "") or ""),
                docnum=docnum,
                card=_card(stored),
            )
        )
    return hits
