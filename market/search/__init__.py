"""Chinese full-text search (Whoosh + jieba) for the patent marketplace.

Import the submodules directly (``market.search.query`` etc.). :func:`init_app` is the
only part that touches the Flask app; importing the package changes nothing.
"""


def init_app(app) -> None:
    """Patch Whoosh (faster field lengths, same results), then create the app's search
    service (:func:`market.search.service.init_app`)."""
    from . import service
    from .index import whoosh_patch

    whoosh_patch.install()
    service.init_app(app)
