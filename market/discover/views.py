"""The search page: full text in Chinese or English, facets, demand matching, saved searches."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..labels import fee_bucket_label, label
from ..models import BUYER_KINDS, SavedSearch
from ..params import ParamError, as_id
from ..permissions import public, role_required
from ..services import saved_search_queries, search_queries
from ..unit_of_work import commit

bp = Blueprint("search", __name__, url_prefix="/search")
# buyers save searches and are alerted to new listings matching them
buyer_member = role_required(*BUYER_KINDS, verified=False)
MAX_SAVED = 20


class DemandForm(FlaskForm):
    title = StringField(_l("Title of your need (optional)"), validators=[Length(max=200)],
                        description=_l("A few words, e.g. battery thermal management for cold "
                                       "storage. They count more than the paragraph; the "
                                       "patents are in Chinese, so Chinese words match best."))
    need = TextAreaField(_l("Describe your technical need"), validators=[
        DataRequired(), Length(min=4, max=5000)],
        description=_l("Paste the paragraph you would give an engineer: the problem, the "
                       "product, the materials. We pick its key terms and find matching "
                       "patents."))


class SaveSearchForm(FlaskForm):
    name = StringField(_l("Name of this search"), validators=[DataRequired(), Length(max=200)])
    query_string = HiddenField()


@bp.route("/")
@public
def search():
    cache_key = _page_cache_key()
    if cache_key is not None and (page := _page_cache.get(cache_key)) is not None:
        return page
    try:
        search_request = search_queries.SearchRequest.from_args(request.args)
    except ParamError as exc:
        abort(exc.status)
    result, hits = search_queries.run(search_request, stored=True)
    if result.exact_match_id and search_request.page == 1 and len(hits) == 1 \
            and not search_request.filters:
        return redirect(url_for("listings.detail", patent_id=int(result.exact_match_id)))
    suggestions = []
    if not hits and (search_request.q or search_request.filters) and not result.error \
            and result.number is None:
        from ..search.suggestions import suggest_wider
        service = current_app.extensions["market.search"]
        suggestions = suggest_wider(service.holder, search_request.q, search_request.filters)
    save_form = None  # only buyers save searches (and a form costs a CSRF token in the session)
    if current_user.is_authenticated and current_user.org.is_buyer_kind:
        save_form = SaveSearchForm(name=search_request.q or _("My search"),
                                   query_string=request.query_string.decode()[:1000])
    groups = search_queries.facet_groups(search_request, result.facets, _facet_label,
                                         url_for("search.search"))
    related = search_queries.with_listings(getattr(result, "related", []), stored=True)
    page = render_template("search/results.html", req=search_request, result=result, hits=hits,
                           related=related, suggestions=suggestions, save_form=save_form,
                           facet_groups=groups)
    if cache_key is not None and not result.error:
        _page_cache.put(cache_key, page)
    return page


class PageCache:
    """Rendered search pages for anonymous visitors, per process, least recently used out.

    The key holds the index state (generation and outbox cursor), so any listing change that
    reached this server's index makes every cached page stale at once."""

    def __init__(self, size: int = 256):
        from collections import OrderedDict
        from threading import Lock
        self.size, self._pages, self._lock = size, OrderedDict(), Lock()

    def get(self, key):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


_page_cache = PageCache()


def _page_cache_key():
    """A key when this page may be served from the cache: an anonymous visitor with no
    pending messages (the page then holds nothing personal, not even a CSRF token)."""
    from flask import session
    from flask_babel import get_locale
    if current_user.is_authenticated or session.get("_flashes") or \
            not current_app.config.get("SEARCH_PAGE_CACHE", True):
        return None
    service = current_app.extensions["market.search"]
    return (request.full_path, str(get_locale()), service.state_token())


@bp.route("/need", methods=["GET", "POST"])
@public
def demand():
    form = DemandForm()
    result, error, hits = None, None, []
    if request.method == "GET":
        return render_template("search/demand.html", form=form, result=None, error=None,
                               hits=[], dropped=[], added=[])
    dropped, added = _term_edits(request.form)
    if form.validate_on_submit():
        service = current_app.extensions["market.search"]
        result, error = service.demand(form.need.data, title=form.title.data or "",
                                       drop=dropped, add=added)
        if result is not None:
            patents = search_queries.public_patents([hit.id for hit in result.hits])
            hits = [(hit, patents[int(hit.id)]) for hit in result.hits if int(hit.id) in patents]
    return render_template("search/demand.html", form=form, result=result, error=error,
                           hits=hits, dropped=dropped, added=added), \
        200 if not form.errors else 422


MAX_TERM_EDITS = 10
MAX_TERM_CHARS = 20


def _term_edits(data) -> tuple[list[str], list[str]]:
    """The key terms the user left out and typed in so far, plus this submission's
    (``drop``: a term's remove button, ``add_term``: the add field)."""
    def clean(values):
        out = []
        for value in values:
            value = (value or "").strip()[:MAX_TERM_CHARS]
            if value and value not in out:
                out.append(value)
        return out[:MAX_TERM_EDITS]
    dropped = clean(data.getlist("dropped") + [data.get("drop", "")])
    added = [t for t in clean(data.getlist("added") + [data.get("add_term", "")])
             if t not in dropped]
    return dropped, added


@bp.route("/saved")
@buyer_member
def saved():
    return render_template("search/saved.html",
                           searches=saved_search_queries.of_user(current_user.id),
                           form=FlaskForm())


@bp.route("/saved", methods=["POST"])
@buyer_member
def save():
    form = SaveSearchForm()
    if not form.validate_on_submit():
        flash(_("Give the search a name."), "error")
        return redirect(url_for("search.search"))
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import MultiDict
    args = MultiDict(parse_qsl(form.query_string.data or ""))
    try:
        search_request = search_queries.SearchRequest.from_args(args)
    except ParamError:
        abort(400)
    if saved_search_queries.count_of_user(current_user.id) >= MAX_SAVED:
        flash(_("You can keep at most %(n)d saved searches; delete one first.", n=MAX_SAVED),
              "error")
        return redirect(url_for("search.saved"))
    db.session.add(SavedSearch(user_id=current_user.id, name=form.name.data.strip(),
                               query=search_request.q, filters=search_request.filters))
    commit()
    flash(_("Search saved. New listings that match it will appear in your inbox."), "success")
    return redirect(url_for("search.saved"))


@bp.route("/saved/<int:saved_id>/delete", methods=["POST"])
@buyer_member
def delete_saved(saved_id: int):
    saved = saved_search_queries.owned(saved_id, current_user.id)
    if saved is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        db.session.delete(saved)
        commit()
        flash(_("The saved search has been deleted."), "success")
    return redirect(url_for("search.saved"))


def _facet_label(name: str, item: dict) -> str:
    if name == "fee":
        return fee_bucket_label(item["value"])
    if name in ("owner", "district"):
        return item["label"]
    return label(item["value"])


@bp.app_context_processor
def facet_helpers():
    from ..models import Organisation

    def filter_label(key: str, value: str) -> str:
        if key == "fee":
            return fee_bucket_label(value)
        if key == "owner_id" and (org_id := as_id(value)) is not None:
            org = db.session.get(Organisation, org_id)
            return org.name if org else value
        if key == "open_licence":
            return str(_l("Open licence"))
        if key in ("district", "ipc"):
            return value
        return label(value)

    return {"filter_label": filter_label}
