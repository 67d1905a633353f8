"""Walking every page a role may open: the pages of the access matrix (the journeys' pages,
each with the objects of a full test world) and the log-in that starts each walk."""
from tests.factories import PASSWORD
from tests.test_access_matrix import (
    AGENCY_A,
    ANON,
    BROKER,
    CENTRE,
    ENTERPRISE,
    PENDING,
    ROWS,
    SME_A,
    UNI_A,
)

from .conftest import LiveServer

ROLES_WALKED = (ANON, PENDING, SME_A, UNI_A, CENTRE, AGENCY_A, BROKER, ENTERPRISE)
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".json", "/file", "/voucher", "/api/", "/healthz",
             "/report", "/consents/", "/evaluation-report", "/attachments/",
             "/legal-status/proofs/")  # files, not pages


def pages_of(role: str, ids: dict) -> list[str]:
    return [row.path.format(**ids) for row in ROWS
            if row.method == "GET" and row.expected.get(role) == 200
            and not any(part in row.path for part in NOT_PAGES)]


LOG_IN_WORDS = {"zh": ("邮箱", "密码", "登录"), "en": ("Email", "Password", "Log in")}


def log_in(page, base: str, email: str, lang: str = "zh") -> None:
    email_label, password_label, button = LOG_IN_WORDS[lang]
    page.goto(f"{base}/account/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(lambda url: "/account/login" not in url)


def walk(app, browser, users: dict, ids: dict, role: str, check, *, width: int = 1280,
         lang: str = "zh") -> dict:
    """Open every page ``role`` may open, logged in as that role, in a browser window
    ``width`` pixels wide speaking ``lang``; ``check(page)`` says what is wrong with a page
    (anything falsy when nothing). Returns what it said, by path."""
    paths = pages_of(role, ids)
    assert len(paths) >= 5, paths  # the walk covers the role's pages, not an empty list
    context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    found = {}
    with LiveServer(app) as server:
        page.goto(f"{server.url}/?lang={lang}")  # the language switch, kept in a cookie
        if role != ANON:
            log_in(page, server.url, users[role].email, lang=lang)
        for path in paths:
            page.goto(server.url + path)
            wrong = check(page)
            if wrong:
                found[path] = wrong
    context.close()
    return found
