"""The public JSON API over listings: the same search as the search page, and one listing.

Documented by the OpenAPI 3 document at /api/v1/openapi.json. Rate-limited per client.
"""
from flask import Blueprint, abort, current_app, jsonify, request

from ..domain.terms import terms_values
from ..extensions import csrf, db, limiter
from ..models import Patent
from ..permissions import public
from ..services import search_queries
from ..services.listings import summaries
from ..urls import external_url_for, public_base_url
from .openapi import openapi_document

bp = Blueprint("api_patents", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _api_limit():
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


limiter.limit(_api_limit)(bp)


def offer_json(offer) -> dict:
    zh, en = summaries(offer)
    return {"id": offer.id, "kind": str(offer.kind),
            "licence_kind": str(offer.licence_kind) if offer.licence_kind else None,
            **terms_values(offer.terms()), "asking_price_fen": offer.asking_price_fen,
            "declared_on": offer.declared_on.isoformat() if offer.declared_on else None,
            "cnipa_announcement_number": offer.cnipa_announcement_number,
            "summary_zh": zh, "summary_en": en}


def patent_json(patent: Patent, *, full: bool = False) -> dict:
    data = {
        "id": patent.id, "title": patent.title, "patent_number": patent.patent_number,
        "application_number": patent.application_number,
        "publication_number": patent.publication_number, "grant_number": patent.grant_number,
        "patent_type": str(patent.patent_type), "legal_status": str(patent.legal_status),
        "industry": patent.industry, "ipc_codes": list(patent.ipc_codes or []),
        "owner": {"id": patent.owner_org_id, "name": patent.owner.name,
                  "district": patent.owner.district},
        "filing_date": patent.filing_date.isoformat(),
        "grant_date": patent.grant_date.isoformat() if patent.grant_date else None,
        "expiry_date": patent.expiry_date.isoformat(),
        "offers": [offer_json(o) for o in patent.active_offers],
        "url": external_url_for("listings.detail", patent_id=patent.id),
    }
    if full:
        data.update(abstract=patent.abstract, claims=patent.claims, inventors=patent.inventors,
                    keywords=patent.keywords, trl=patent.trl,
                    published_at=patent.published_at.isoformat() if patent.published_at else None)
    return data


@bp.get("/patents")
@public
def search_patents():
    try:
        search_request = search_queries.SearchRequest.from_args(request.args, strict=True)
    except ValueError as exc:
        return {"error": "bad request", "detail": str(exc)}, 400
    result, hits = search_queries.run(search_request)
    return jsonify({
        "query": search_request.q, "filters": search_request.filters,
        "sort": search_request.sort, "page": search_request.page,
        "per_page": search_queries.PER_PAGE, "total": result.total, "pages": result.pages,
        "exact_match_id": int(result.exact_match_id) if result.exact_match_id else None,
        "index_status": result.error or "ok",
        "results": [{**patent_json(patent), "score": hit.score, "highlight_title": hit.title,
                     "highlight_snippet": hit.snippet} for hit, patent in hits],
        "facets": result.facets,
    })


@bp.get("/patents/<int:patent_id>")
@public
def get_patent(patent_id: int):
    patent = db.session.get(Patent, patent_id)
    if patent is None or not patent.is_public:
        abort(404)
    return jsonify(patent_json(patent, full=True))


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(openapi_document(public_base_url()))
