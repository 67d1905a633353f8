"""Browser tests: a live server on a free port and Debian's Chromium driven by Playwright.

Chromium is looked for at /usr/bin/chromium. Where it is absent the tests skip, saying so
(CI installs it and sets E2E_REQUIRE_BROWSER=1, which turns the skip into a failure).
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from market import create_app
from market.config import TestConfig
from market.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("E2E_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _buffered(app):
    """The app with every response body read and its iterator closed before the server writes.

    Werkzeug's development server closes a response's iterator only if its clean-up after the
    write succeeds; when the browser drops a connection (it aborts a favicon or stylesheet fetch
    as it navigates on), that clean-up raises first and the open static file leaks, a
    ResourceWarning that -W error turns into a failure of whichever test is running. The app
    streams nothing, so reading each body whole changes nothing the browser sees.
    """
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture()
def live_app(tmp_path):
    """An app on its own SQLite file (the browser and the test share it)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e2e.sqlite'}",
                     SEARCH_INDEX_DIR=str(tmp_path / "index"), PROPAGATE_TEST_ERRORS=False)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture()
def live_server(live_app):
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture()
def page(browser, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture()
def shot(page, tmp_path):
    """``shot("name")`` saves a full-page screenshot under the test's tmp dir."""
    folder = tmp_path / "screenshots"
    folder.mkdir()

    def take(name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


@pytest.fixture()
def shots(tmp_path):
    """``shots(page, "name")`` saves full-page screenshots at 1280 and 390 px (under
    ``SHOTS_DIR`` when set, to look at them) and fails when the page is wider than either."""
    folder = Path(os.environ.get("SHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            # Let resize observers (Chart.js redraws a frame later) settle before measuring.
            fits = f"document.documentElement.scrollWidth <= {width}"
            try:
                page.wait_for_function(fits, timeout=3000)
            except PlaywrightTimeout:
                pass
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.set_viewport_size({"width": 1280, "height": 900})
    return take
