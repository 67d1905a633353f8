"""Walking every page a role may open: the pages of the access matrix (the journeys' pages,
each with the objects of a full test world) and the log-in that starts each walk."""
from tests.factories import PASSWORD
from tests.test_access_matrix import ANON, CENTRE, PENDING, ROWS, SME_A, UNI_A

ROLES_WALKED = (ANON, PENDING, SME_A, UNI_A, CENTRE)
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
