"""The OpenAPI 3 document of the public JSON API."""
from ..params import MAX_ID
from ..services.search_queries import FILTER_KEYS, SORTS

NO_NUL = "^[^\\x00]*$"  # NUL bytes are refused before the API sees the request (market/edge.py)

_STRING_FILTERS = {
    "industry": "Plan industry code, e.g. new_materials (repeatable).",
    "patent_type": "invention, utility_model or design.",
    "offer_kinds": "open_licence, licence or assignment (repeatable).",
    "open_licence": "true: only patents with an open licence.",
    "fee": "Upfront fee bucket: 0, 1-10k, 10k-100k, 100k-1m, 1m+.",
    "owner_id": "Owning organisation id.",
    "district": "Shenyang district or county, e.g. 浑南区.",
    "legal_status": "granted or pending.",
    "ipc": "IPC prefix, e.g. G06F or G06F 17/30.",
}
assert set(_STRING_FILTERS) == set(FILTER_KEYS)

_MONEY = {"type": "integer", "minimum": 0, "description": "Amount in fen (1/100 yuan)."}
_OFFER = {
    "type": "object",
    "required": ["id", "kind", "currency", "upfront_fee_fen", "term_years"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["open_licence", "licence", "assignment"]},
        "licence_kind": {"type": "string", "nullable": True,
                         "enum": ["exclusive", "sole", "non_exclusive", None]},
        "currency": {"type": "string", "example": "CNY"},
        "upfront_fee_fen": _MONEY, "upfront_mode": {"type": "string"},
        "deferral_kind": {"type": "string", "nullable": True},
        "deferral_months": {"type": "integer", "nullable": True},
        "royalty_bp": {"type": "integer", "description": "Basis points of the royalty base."},
        "royalty_base": {"type": "string", "enum": ["net_sales", "profit"]},
        "declared_on": {"type": "string", "format": "date", "nullable": True,
                        "description": "Open licence: declared to CNIPA on this day."},
        "cnipa_announcement_number": {"type": "string", "nullable": True,
                                      "description": "Open licence: CNIPA's announcement; "
                                                     "null while awaiting it."},
        "royalty_threshold_fen": _MONEY, "min_annual_royalty_fen": _MONEY,
        "term_years": {"type": "integer"}, "territory": {"type": "string"},
        "field_of_use": {"type": "string"},
        "asking_price_fen": {"type": "integer", "nullable": True},
        "summary_zh": {"type": "string"}, "summary_en": {"type": "string"},
    },
}
_PATENT = {
    "type": "object",
    "required": ["id", "title", "patent_number", "application_number", "offers", "url"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "patent_number": {"type": "string", "nullable": True, "example": "ZL201710601862.3",
                          "description": "Granted patents only (ZL means granted); null for "
                                         "an application"},
        "application_number": {"type": "string", "example": "201710601862.3"},
        "publication_number": {"type": "string", "nullable": True},
        "grant_number": {"type": "string", "nullable": True},
        "patent_type": {"type": "string"}, "legal_status": {"type": "string"},
        "industry": {"type": "string"},
        "ipc_codes": {"type": "array", "items": {"type": "string"}},
        "owner": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "district": {"type": "string"}}},
        "filing_date": {"type": "string", "format": "date"},
        "grant_date": {"type": "string", "nullable": True, "format": "date"},
        "expiry_date": {"type": "string", "format": "date"},
        "offers": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
        "url": {"type": "string"},
    },
}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"},
                                            "detail": {"type": "string"}}}


def openapi_document(server: str) -> dict:
    parameters = [
        {"name": "q", "in": "query", "required": False,
         "description": "Free text in Chinese or English, a patent/application/publication "
                        "number in any common form, or IPC codes.",
         "schema": {"type": "string", "maxLength": 200, "pattern": NO_NUL}},
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}},
    ] + [{"name": key, "in": "query", "required": False, "description": text,
          "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if key == "owner_id"
          else {"type": "string", "maxLength": 100, "pattern": NO_NUL}}
         for key, text in _STRING_FILTERS.items()]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shenyang IP Market API", "version": "1.0.0",
                 "description": "Patents on offer at the Shenyang IP Market, with their "
                                "fast-licence terms. Money is integer fen."},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/patents": {"get": {
                "operationId": "searchPatents", "summary": "Search listings (as the search page)",
                "parameters": parameters,
                "responses": {
                    "200": {"description": "One page of results with facet counts.",
                            "content": {"application/json": {"schema": {
                                "type": "object",
                                "required": ["total", "page", "results", "facets"],
                                "properties": {
                                    "query": {"type": "string"}, "filters": {"type": "object"},
                                    "sort": {"type": "string"}, "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "total": {"type": "integer"}, "pages": {"type": "integer"},
                                    "exact_match_id": {"type": "integer", "nullable": True},
                                    "index_status": {"type": "string"},
                                    "results": {"type": "array", "items": {
                                        "$ref": "#/components/schemas/Patent"}},
                                    "facets": {"type": "object"}}}}}},
                    "400": {"description": "A parameter is out of range or not of its type, "
                                           "or the request holds a NUL character.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "414": {"description": "The address is longer than the server accepts "
                                           "(4,094 bytes behind gunicorn); answered by the "
                                           "server before the API sees the request."},
                    "429": {"description": "Too many requests.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                }}},
            "/api/v1/patents/{patent_id}": {"get": {
                "operationId": "getPatent", "summary": "One listing",
                "parameters": [{"name": "patent_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": {"description": "The listing.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Patent"}}}},
                    "404": {"description": "No public listing with this id.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                }}},
        },
        "components": {"schemas": {"Patent": _PATENT, "Offer": _OFFER, "Error": _ERROR}},
    }
