"""Documents in: the app's document dict turned into Whoosh field values.

The document contract is :func:`market.search.service.patent_document`. Facet and sort data
go into one per-document column (``facets``): fields joined by :data:`FIELD_SEP`, lists
inside a field joined by :data:`LIST_SEP`; the reader decodes it once per searcher
(:class:`market.search.index.reader.FacetTable`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..analysis import (
    PreTokenized,
    ipc_keys,
    normalise_text,
    number_keys,
    segment_weighted,
    segment_weighted_prefix,
)
from ..feedback import FEEDBACK_CHARS, feedback_counts
from ..feedback import encode as encode_feedback

FIELD_SEP = "\x1f"  # field separator in the facets column
LIST_SEP = "\x1e"  # list separator inside a facet value

_KEYWORD_SPLIT = re.compile(r"[,，;；、/\s|]+")


def text_or_empty(value) -> str:
    return "" if value is None else str(value)


def timestamp(value) -> float:
    """Seconds since the epoch of a datetime, date, number or ISO string (0.0 if none)."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return timestamp(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return 0.0


def as_int(value, default=0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def prepare_document(doc: dict) -> dict:
    """Turn a document dict (the app contract) into picklable Whoosh field values: the text
    fields carry their jieba terms as tuples (``*_tokens``, their index weights in
    ``*_weights``), and ``feedback`` the counts of the terms of the title and the abstract's
    opening (:mod:`market.search.feedback`), taken from the same segmentation. A bulk build
    runs this in its Whoosh sub-writer processes (:mod:`.writer`)."""
    title = text_or_empty(doc.get("title")).strip()
    abstract = text_or_empty(doc.get("abstract")).strip()
    keywords = text_or_empty(doc.get("keywords")).strip()
    claims = text_or_empty(doc.get("claims")).strip()
    owner = text_or_empty(doc.get("owner")).strip()
    inventors = text_or_empty(doc.get("inventors")).strip()

    parts = [p for p in (keywords, abstract, claims, owner, inventors) if p]
    title_tokens, title_weights = map(tuple, segment_weighted(title))
    terms, weights = [], []
    opening: tuple[list, list] = ([], [])
    for number, part in enumerate((keywords, abstract, claims, owner, inventors)):
        if number == 1:  # the abstract
            part_terms, part_weights, n = segment_weighted_prefix(part, FEEDBACK_CHARS)
            opening = (part_terms[:n], part_weights[:n])
        else:
            part_terms, part_weights = segment_weighted(part)
        terms.extend(part_terms)
        weights.extend(part_weights)
    content_tokens, content_weights = tuple(terms), tuple(weights)
    feedback = feedback_counts(title_tokens, title_weights, *opening)

    ipcs = [c for c in (doc.get("ipc") or []) if c and c.strip()]
    if isinstance(doc.get("ipc"), str):
        ipcs = [c for c in doc["ipc"].split(";") if c.strip()]
    ipc_terms = set()
    for code in ipcs:
        ipc_terms |= ipc_keys(code)

    return {
        "id": text_or_empty(doc.get("id")),
        "title": title,
        "content": "\n".join(parts),
        "title_tokens": title_tokens,
        "content_tokens": content_tokens,
        "title_weights": title_weights,
        "content_weights": content_weights,
        "feedback": encode_feedback(feedback),
        "abstract": abstract,
        "ipc": " ".join(sorted(ipc_terms)),
        "ipc_display": "; ".join(c.strip() for c in ipcs),
        "owner": owner,
        "patent_number": text_or_empty(doc.get("patent_number")),
        "card": listing_card(doc, ipcs),
        "facets": _facets_column(doc, owner).encode("utf-8"),
    }


def listing_card(doc: dict, ipcs: list[str]) -> dict:
    """What a search result card shows besides the title, abstract and owner, stored with the
    document so a results page needs no database read: codes only (labels are looked up
    when the page renders, in its language)."""
    return {
        "patent_type": text_or_empty(doc.get("patent_type")),
        "industry": text_or_empty(doc.get("industry")),
        "shown_number": text_or_empty(doc.get("shown_number")),
        "ipc": list(doc["ipc"][:3]) if isinstance(doc.get("ipc"), list) else ipcs[:3],
        "offers": [dict(o) for o in doc.get("offers") or []],
    }


def _number_keys(doc: dict) -> set[str]:
    keys = set()
    for name in ("patent_number", "application_number", "publication_number", "id"):
        keys |= number_keys(text_or_empty(doc.get(name)))
    return keys


def _facets_column(doc: dict, owner: str) -> str:
    """The ``facets`` column value; :class:`~market.search.index.reader.FacetTable` reads
    the fields back by position."""
    offer_kinds = [k for k in (doc.get("offer_kinds") or []) if k]
    filing_year = doc.get("filing_year")
    return FIELD_SEP.join(
        [
            text_or_empty(doc.get("id")),
            text_or_empty(doc.get("industry")) or "other",
            text_or_empty(doc.get("patent_type")),
            text_or_empty(doc.get("legal_status")),
            LIST_SEP.join(sorted(set(offer_kinds))),
            "1" if doc.get("open_licence") else "0",
            str(as_int(doc.get("upfront_fee"), 0)),
            text_or_empty(doc.get("district")),
            owner,
            text_or_empty(doc.get("owner_id")),
            str(as_int(filing_year, 0)) if filing_year else "0",
            repr(timestamp(doc.get("listed_at"))),
            str(as_int(doc.get("royalty_bp"), 0)),
            str(as_int(doc.get("term_years"), 0)),
            " ".join(sorted(_number_keys(doc))),
        ]
    )


def whoosh_fields(prepared: dict) -> dict:
    """The keyword arguments of ``writer.add_document`` for a :func:`prepare_document` result."""
    title = PreTokenized(prepared["title"], prepared["title_tokens"], prepared["title_weights"])
    content = PreTokenized("", prepared["content_tokens"], prepared["content_weights"])
    return {
        "id": prepared["id"],
        "title": title,
        "_stored_title": prepared["title"],
        "content": content,
        "abstract": prepared["abstract"],
        "ipc": prepared["ipc"],
        "ipc_display": prepared["ipc_display"],
        "owner": prepared["owner"],
        "patent_number": prepared["patent_number"],
        "card": prepared["card"],
        "feedback": prepared["feedback"],
        "facets": prepared["facets"],
    }


def doc_keywords(docs: Iterable[dict]) -> set[str]:
    """Domain terms supplied with the documents (listing keywords)."""
    words = set()
    for doc in docs:
        keywords = text_or_empty(doc.get("keywords"))
        if not keywords:
            continue
        for word in _KEYWORD_SPLIT.split(normalise_text(keywords)):
            word = word.strip()
            if 2 <= len(word) <= 12 and not word.isascii():
                words.add(word)
    return words
