"""Probe a running instance for issue 12's edge findings: a forged Host header (F1), open
redirects through ``next`` (F4), and 500s from integer overflow and NUL bytes (F9).

    python scripts/probes/edge.py http://127.0.0.1:8000

Written for the audit's throwaway instance (development settings, demo data, demo password,
CSRF and rate limits off) on SQLite or PostgreSQL; it sends a form's CSRF token when the page
has one. Prints one line per check and exits 1 if any finding reappears. Only the stdlib and
requests. It withdraws and re-publishes one demo listing.
"""
import re
import sys
from urllib.parse import urlsplit

import requests

PASSWORD = "shenyang-demo-2026"  # noqa: S105 (the published demo password)
EVIL = "evil.example"
INT64_MAX = "9223372036854775807"
HUGE = "99999999999999999999999"
BAD_NEXT = ["/\t/evil.example/phish", "/\\evil.example", "\\\\evil.example", "https:evil.example",
            "//evil.example", "https://evil.example/", "/\r\n/evil.example", " //evil.example",
            "/\\/evil.example", "http:/evil.example", "///evil.example", "/\t\\evil.example"]
TIMEOUT = 30


class Probe:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.failures = 0

    def check(self, name: str, ok: bool, seen: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {seen}")
        self.failures += not ok

    def url(self, path: str) -> str:
        return self.base + path

    def session(self, email: str | None = None) -> requests.Session:
        """A fresh client, logged in as ``email`` when given."""
        s = requests.Session()
        if email:
            r = self.post(s, "/account/login", {"email": email, "password": PASSWORD})
            if r.status_code != 302:
                raise RuntimeError(f"could not log in as {email}: {r.status_code}")
        return s

    def post(self, s, path, data, *, form_page=None, **kwargs):
        page = s.get(self.url(form_page or path.split("?")[0]), timeout=TIMEOUT,
                     headers=kwargs.get("headers"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        if token:
            data = {"csrf_token": token.group(1), **data}
        return s.post(self.url(path), data=data, allow_redirects=False, timeout=TIMEOUT, **kwargs)

    def same_site(self, location: str) -> bool:
        parts = urlsplit(location)
        return (parts.netloc in ("", self.host) and parts.path.startswith("/")
                and not parts.path.startswith("//") and EVIL not in location
                and "\\" not in location and not re.search(r"[\x00-\x1f]", location))

    # --- F1 ---------------------------------------------------------------------------------
    def forged_host(self) -> None:
        for host in (EVIL, f"{EVIL}:{urlsplit(self.base).port or 80}"):
            headers = {"Host": host}
            r = requests.get(self.url("/"), headers=headers, timeout=TIMEOUT)
            self.check(f"F1 GET / with Host: {host}", r.status_code == 400, str(r.status_code))
            r = requests.get(self.url("/account/reset"), headers=headers, timeout=TIMEOUT)
            self.check(f"F1 GET /account/reset with Host: {host}", r.status_code == 400,
                       str(r.status_code))
            r = self.post(requests.Session(), "/account/reset",
                          {"email": "neut@demo.ipmarket.cn"}, headers=headers)
            self.check(f"F1 POST /account/reset with Host: {host}", r.status_code == 400,
                       f"{r.status_code} {r.headers.get('Location', '')}".strip())
        r = requests.get(self.url("/"), timeout=TIMEOUT)
        self.check("F1 GET / on the instance's own address", r.status_code == 200,
                   str(r.status_code))

    # --- F4 ---------------------------------------------------------------------------------
    def open_redirects(self) -> None:
        for target in BAD_NEXT:
            s = requests.Session()
            r = self.post(s, "/account/login", {"email": "sme1@demo.ipmarket.cn",
                                                "password": PASSWORD},
                          params={"next": target}, form_page="/account/login")
            location = r.headers.get("Location", "")
            self.check(f"F4 login next={target!r}", r.status_code == 302 and
                       self.same_site(location), f"{r.status_code} -> {location!r}")
        owner = self.session("neut@demo.ipmarket.cn")
        ids = re.findall(r'href="/patents/(\d+)"', owner.get(
            self.url("/patents/mine?status=published"), timeout=TIMEOUT).text)
        if not ids:
            self.check("F4 withdraw next", False, "no published listing of neut to try")
            return
        for action, target in (("withdraw", "https://evil.example/"),
                               ("publish", "/\t/evil.example/phish")):
            r = self.post(owner, f"/patents/{ids[0]}/{action}", {"next": target},
                          form_page="/patents/mine")
            location = r.headers.get("Location", "")
            self.check(f"F4 {action} next={target!r}", r.status_code == 302 and
                       self.same_site(location), f"{r.status_code} -> {location!r}")

    # --- F9 ---------------------------------------------------------------------------------
    def overflow(self) -> None:
        anonymous, centre = requests.Session(), self.session("centre@demo.ipmarket.cn")
        sme = self.session("sme1@demo.ipmarket.cn")
        for s, path in ((anonymous, f"/patents/?page={INT64_MAX}"),
                        (anonymous, f"/search/?owner_id={HUGE}"),
                        (anonymous, f"/api/v1/patents?owner_id={HUGE}"),
                        (sme, f"/deals/?page={INT64_MAX}"),
                        (centre, f"/centre/monitor?org={HUGE}"),
                        (centre, f"/centre/audit?page={INT64_MAX}")):
            r = s.get(self.url(path), allow_redirects=False, timeout=TIMEOUT)
            self.check(f"F9 GET {path}", r.status_code in (400, 404), str(r.status_code))

    def nul_bytes(self) -> None:
        r = self.post(requests.Session(), "/account/login",
                      {"email": "sme1@demo.ipmarket.cn\x00", "password": PASSWORD})
        self.check("F9 NUL in the login email", r.status_code == 400, str(r.status_code))
        for path in ("/search/?q=%E7%9F%B3%E5%A2%A8%E7%83%AF%00", "/api/v1/patents?q=a%00"):
            r = requests.get(self.url(path), timeout=TIMEOUT)
            self.check(f"F9 GET {path}", r.status_code == 400, str(r.status_code))

    def run(self) -> int:
        for step in (self.forged_host, self.open_redirects, self.overflow, self.nul_bytes):
            try:
                step()
            except (requests.RequestException, RuntimeError) as exc:
                self.check(step.__name__, False, f"{type(exc).__name__}: {exc}")
        print(f"edge probe: {self.failures} finding(s)")
        return 1 if self.failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/probes/edge.py BASE_URL")
    sys.exit(Probe(sys.argv[1]).run())
