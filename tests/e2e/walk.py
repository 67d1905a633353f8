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


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/account/login" not in url)
