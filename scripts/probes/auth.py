"""Probe a running instance for issue 12's account findings (`make audit` runs it).

    python scripts/probes/auth.py http://127.0.0.1:PORT

Made for the audit's throwaway instance (development settings, demo data, demo password
shenyang-demo-2026, CSRF and Flask-Limiter OFF). It registers its own throwaway account, so
no demo user is locked out, and prints one line per check; exit status 1 if a finding is back:
  F8  guessable passwords refused at registration
  F5  a session cookie saved before log-out is anonymous after it
  F6  one account is throttled per account (in the database, so it holds with the per-IP
      limits off): after many wrong passwords even the right one is refused
  org a verified organisation's new name waits for the centre (the public profile keeps the
      verified name)
Only the stdlib and requests.
"""
import random
import re
import sys
from html.parser import HTMLParser

import requests

WEAK = ["123456789012", "aaaaaaaaaaaa", "qwertyuiopas", "1qaz2wsx3edc", "shenyang2026"]
STRONG = "probe passphrase of the audit 2026"
DEMO_ADMIN, DEMO_PASSWORD = "neut@demo.ipmarket.cn", "shenyang-demo-2026"
TRIES = 40  # far more than the per-account limit (10 by default)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
TIMEOUT = 30
failures = []


def report(ok: bool, what: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def credit_code() -> str:
    """An invented, well-formed unified social credit code (GB 32100-2015 check character)."""
    body = f"91210100MA{random.randrange(10**7):07d}"  # noqa: S311 - not a secret
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_CHARS[(31 - total % 31) % 31]


def registration(email: str, password: str) -> dict:
    return {"kind": "sme", "sme_size": "small", "name": f"审计探针科技有限公司{random.randrange(10**6)}",  # noqa: S311
            "credit_code": credit_code(), "district": "浑南区", "address": "沈阳市浑南区探针路1号",
            "contact_name": "探针", "contact_phone": "024-00000000", "contact_email": email,
            "user_name": "探针", "email": email, "password": password, "confirm": password,
            "consent": "y"}


# the business licence scan a new organisation uploads (a PNG header is what is checked)
LICENCE_SCAN = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def register(base: str, email: str, password: str) -> requests.Response:
    return requests.post(f"{base}/account/register", data=registration(email, password),
                         files={"business_licence": ("licence.png", LICENCE_SCAN)},
                         allow_redirects=False, timeout=TIMEOUT)


def log_in(session: requests.Session, base: str, email: str, password: str) -> int:
    return session.post(f"{base}/account/login", data={"email": email, "password": password},
                        allow_redirects=False, timeout=TIMEOUT).status_code


def check_weak_passwords(base: str) -> None:
    for password in WEAK:
        email = f"probe-weak-{random.randrange(10**9)}@example.cn"  # noqa: S311
        response = register(base, email, password)
        refused = response.status_code == 422 and 'id="password-error"' in response.text
        report(refused, f"F8 registration with the password {password!r} is refused "
                        f"(got {response.status_code})")


def register_probe_account(base: str) -> str | None:
    email = f"probe-{random.randrange(10**9)}@example.cn"  # noqa: S311
    response = register(base, email, STRONG)
    report(response.status_code == 302,
           f"a strong passphrase registers a throwaway account (got {response.status_code})")
    return email if response.status_code == 302 else None


def check_cookie_after_log_out(base: str, email: str) -> None:
    browser = requests.Session()
    log_in(browser, base, email, STRONG)
    saved = browser.cookies.get("session")
    browser.post(f"{base}/account/logout", allow_redirects=False, timeout=TIMEOUT)
    replay = requests.get(f"{base}/account/password", cookies={"session": saved or ""},
                          allow_redirects=False, timeout=TIMEOUT)
    report(saved is not None and replay.status_code == 302 and "/account/login" in
           replay.headers.get("Location", ""),
           f"F5 a session cookie saved before log-out is anonymous after it (got {replay.status_code})")


def check_account_throttle(base: str, email: str) -> None:
    codes = [log_in(requests.Session(), base, email, "not the password, probe") for _ in range(TRIES)]
    right = log_in(requests.Session(), base, email, STRONG)
    report(429 in codes and right == 429,
           f"F6 {TRIES} wrong passwords then the right one: account throttled "
           f"({codes.count(429)} refused with 429; the right one got {right})")
    unknown = f"probe-nobody-{random.randrange(10**9)}@example.cn"  # noqa: S311
    codes = [log_in(requests.Session(), base, unknown, "not the password, probe") for _ in range(TRIES)]
    report(429 in codes, f"F6 an unknown email is throttled the same way ({codes.count(429)} of {TRIES})")


class FormFields(HTMLParser):
    """The values a browser would send for the first form with a ``name`` field."""

    def __init__(self):
        super().__init__()
        self.fields, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.fields.setdefault(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def check_rename_waits(base: str) -> None:
    admin = requests.Session()
    if log_in(admin, base, DEMO_ADMIN, DEMO_PASSWORD) != 302:
        report(False, f"org could not log in as the demo admin {DEMO_ADMIN}")
        return
    profile = admin.get(f"{base}/org/", allow_redirects=False, timeout=TIMEOUT).headers.get("Location", "")
    match = re.search(r"/org/(\d+)", profile)
    if not match:
        report(False, "org the demo admin's organisation page was not found")
        return
    org_url = f"{base}/org/{match.group(1)}"
    before = re.search(r"<h1>([^<]+)</h1>", requests.get(org_url, timeout=TIMEOUT).text).group(1)
    parser = FormFields()
    parser.feed(admin.get(f"{org_url}/edit", timeout=TIMEOUT).text)
    fields = {**parser.fields, "name": before + "（探针改名）"}
    posted = admin.post(f"{org_url}/edit", data=fields, allow_redirects=False, timeout=TIMEOUT)
    after = re.search(r"<h1>([^<]+)</h1>", requests.get(org_url, timeout=TIMEOUT).text).group(1)
    report(posted.status_code == 302 and after == before,
           f"org a verified organisation's rename waits for the centre (saved: {posted.status_code}; "
           f"public name {'unchanged' if after == before else 'CHANGED to ' + after})")


def main(base: str) -> int:
    base = base.rstrip("/")
    check_weak_passwords(base)
    email = register_probe_account(base)
    if email:
        check_cookie_after_log_out(base, email)
        check_account_throttle(base, email)
    check_rename_waits(base)
    print(f"auth probe: {len(failures)} finding(s) back" if failures else "auth probe: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
