"""Probe: every PDF a running instance hands out reads on any machine and draws user text
literally (issue 12: fonts not embedded; F3, markup in organisation fields).

    .venv/bin/python scripts/probes/pdf.py http://127.0.0.1:PORT

For the audit's throwaway instance (development settings, demo data, CSRF and rate limits
off). It writes to that instance: a demo SME's contact name is set to a link wrapped in an
unclosed <b> (and put back at the end); the SME takes every open licence it can; the
licensor confirms the bank transfer of a paid one. Then it fetches the centre's yearly
reports, the contracts and a receipt, and checks each with tests/pdf_check.py (fonts embedded,
no link, no image, pdftotext reads the text). One line per check; exit 1 on any finding.
"""
import html
import re
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.pdf_check import problems  # noqa: E402 (the same check the test suite runs)

PASSWORD = "shenyang-demo-2026"  # noqa: S105 (the published demo password)
CENTRE = "centre@demo.ipmarket.cn"
SME = "sme11@demo.ipmarket.cn"
LICENSORS = [f"{key}@demo.ipmarket.cn" for key in ("neut", "sypu", "syau", "imr", "sia")]
HOSTILE = '<b><a href="https://evil.example/pay">请改向此账户付款</a>'
TIMEOUT = 30
findings = 0


def result(ok: bool, name: str, detail: str = "") -> bool:
    global findings
    findings += not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    return ok


class FormReader(HTMLParser):
    """The fields of each form of a page, as a browser would send them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        fields = self.forms[-1]
        if tag == "input" and "name" in a and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and "name" in a:
            fields[a["name"]] = ""
        elif tag == "select" and "name" in a:
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str, field: str) -> dict:
    """The fields of the page's form that has ``field``."""
    reader = FormReader()
    reader.feed(html)
    return next((form for form in reader.forms if field in form), {})


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/account/login", data={"email": email, "password": PASSWORD},
                            allow_redirects=False, timeout=TIMEOUT)
    if response.status_code != 302 or "/account/login" in response.headers.get("Location", ""):
        raise SystemExit(f"FAIL cannot log in as {email} (status {response.status_code})")
    return session


def check(session: requests.Session, base: str, path: str, *expected: str,
          response: requests.Response | None = None) -> bool:
    """GET ``path`` (unless its ``response`` is given) and judge the PDF."""
    response = response or session.get(base + path, timeout=TIMEOUT)
    if response.status_code != 200 or response.headers.get("Content-Type") != "application/pdf":
        return result(False, f"GET {path}", f"status {response.status_code}")
    found, _ = problems(response.content, *expected)
    return result(not found, f"GET {path}", "; ".join(found) or "fonts embedded, text literal")


def set_contact_name(session: requests.Session, base: str, value: str | None, what: str) -> str:
    """Set the SME's contact name (None: leave it); returns the one it had."""
    org = session.get(f"{base}/org/", allow_redirects=False, timeout=TIMEOUT).headers["Location"]
    edit = f"{base}{re.sub(r'^https?://[^/]+', '', org)}/edit"
    fields = form_fields(session.get(edit, timeout=TIMEOUT).text, "contact_name")
    before = fields.get("contact_name", "")
    if value is not None:
        response = session.post(edit, data={**fields, "contact_name": value},
                                allow_redirects=False, timeout=TIMEOUT)
        result(response.status_code == 302, what, f"status {response.status_code}")
    return before


def ids(session: requests.Session, url: str, pattern: str) -> list[int]:
    return sorted({int(n) for n in re.findall(pattern, session.get(url, timeout=TIMEOUT).text)})


def take_open_licences(sme: requests.Session, base: str) -> None:
    """Take every open licence in the first pages of listings (refusals are fine: a second
    run finds the licences already held)."""
    patents = set()
    for page in (1, 2, 3):
        patents.update(ids(sme, f"{base}/patents/?page={page}", r'href="/patents/(\d+)"'))
    for patent in sorted(patents):
        for offer in ids(sme, f"{base}/patents/{patent}", r'href="/deals/take/(\d+)"'):
            fields = form_fields(sme.get(f"{base}/deals/take/{offer}", timeout=TIMEOUT).text,
                                 "legal_name")
            fields.update(field_of_use="演示产品", confirm="y")
            sme.post(f"{base}/deals/take/{offer}", data=fields, allow_redirects=False,
                     timeout=TIMEOUT)


def sign_contracts(sme: requests.Session, base: str, deal_ids: list[int]) -> None:
    """The SME signs every contract that waits for its signature (an open licence is
    concluded by the licensee's signature): password, full name as registered, consent."""
    home = sme.get(f"{base}/", timeout=TIMEOUT).text
    name = html.unescape(re.search(r'class="user-link"[^>]*>([^<]+)<', home).group(1).strip())
    for deal in deal_ids:
        fields = form_fields(sme.get(f"{base}/deals/{deal}/review", timeout=TIMEOUT).text,
                             "sha256")
        if fields:
            fields.update(full_name=name, password=PASSWORD, consent="y")
            sme.post(f"{base}/deals/{deal}/sign", data=fields, allow_redirects=False,
                     timeout=TIMEOUT)


def confirm_transfers(base: str, deal_ids: list[int]) -> None:
    """Each licensor confirms the bank transfers due to it on these deals."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    for email in LICENSORS:
        licensor = log_in(base, email)
        for deal in deal_ids:
            for row in ids(licensor, f"{base}/payments/deals/{deal}",
                           r'href="/payments/items/(\d+)/confirm"'):
                url = f"{base}/payments/items/{row}/confirm"
                fields = form_fields(licensor.get(url, timeout=TIMEOUT).text, "amount")
                fields.update(received_on=today, bank_reference=f"PROBE-{row}")
                licensor.post(url, data=fields, allow_redirects=False, timeout=TIMEOUT)


def main(base: str) -> int:
    base = base.rstrip("/")
    sme = log_in(base, SME)
    before = set_contact_name(sme, base, HOSTILE, "the SME's contact name holds markup")
    try:
        take_open_licences(sme, base)
        deals = ids(sme, f"{base}/deals/", r'href="/deals/(\d+)"')
        sign_contracts(sme, base, deals)
        confirm_transfers(base, deals)
        contracts = receipts = 0
        for deal in deals:
            path = f"/deals/{deal}/contract.pdf"
            response = sme.get(base + path, timeout=TIMEOUT)
            if response.status_code != 404:  # 404: no contract before it is signed
                check(sme, base, path, "许可合同", HOSTILE, response=response)
                contracts += 1
            page = sme.get(f"{base}/payments/deals/{deal}", timeout=TIMEOUT).text
            for row, query in sorted(set(re.findall(
                    r'href="/payments/items/(\d+)/receipt(\?payment=\d+)?"', page))):
                check(sme, base, f"/payments/items/{row}/receipt.pdf{query}", "收据")
                receipts += 1
        result(contracts > 0, "a contract was reached", f"{contracts} checked")
        result(receipts > 0, "a receipt was reached", f"{receipts} checked")
    finally:
        set_contact_name(sme, base, before, "the SME's contact name put back")
    centre = log_in(base, CENTRE)
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    for y in (year, year - 1):
        check(centre, base, f"/centre/indicators/report.pdf?year={y}", "主要指标统计表")
    print(f"{'FAIL' if findings else 'ok  '} pdf probe: {findings} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
