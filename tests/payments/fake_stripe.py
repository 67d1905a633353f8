"""A small fake of Stripe's HTTP API for the tests: the real ``stripe`` library talks to it.

It captures every API request (path, headers, form body), creates Checkout Sessions and
refunds (honouring Idempotency-Key), serves a bare "checkout page" a browser can pay on, and
sends correctly signed webhook events to the app.
"""
from __future__ import annotations

import html
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import stripe

WEBHOOK_SECRET = "whsec_test_secret_for_the_fake_server"
_ids = itertools.count(1)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header (t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")),
    made by the ``stripe`` library itself."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, int(time.time()) if timestamp is None else timestamp)


def event(type_: str, obj: dict, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_test_{next(_ids)}", "object": "event", "type": type_,
            "api_version": "2025-01-01", "created": int(time.time()), "livemode": False,
            "data": {"object": obj}}


def session_object(*, row, amount: int | None = None, currency: str = "cny", session_id=None,
                   payment_status: str = "paid", metadata: dict | None = None) -> dict:
    """A Checkout Session as Stripe sends it in events, for ``row`` (a schedule row)."""
    n = next(_ids)
    return {"id": session_id or f"cs_test_{n}", "object": "checkout.session",
            "amount_total": row.amount_fen if amount is None else amount, "currency": currency,
            "client_reference_id": row.reference, "payment_status": payment_status,
            "status": "complete" if payment_status == "paid" else "open",
            "payment_intent": f"pi_test_{n}",
            "metadata": metadata if metadata is not None else {
                "deal_id": str(row.deal_id), "schedule_item_id": str(row.id),
                "reference": row.reference}}


def _nested(form: dict) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into dicts and lists."""
    out: dict = {}
    for key, values in form.items():
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = values[-1]
    return out


class FakeStripe:
    def __init__(self, webhook_secret: str = WEBHOOK_SECRET):
        self.webhook_secret = webhook_secret
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.webhook_url: str | None = None
        self.webhook_delay = 0.0  # seconds between paying and the webhook (as in real life)
        self.deliveries: list[tuple[int, dict]] = []
        self._idempotent: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    # --- the API ---------------------------------------------------------------------------
    def api(self, path: str, headers: dict, form: dict) -> tuple[int, dict]:
        with self._lock:
            self.requests.append({"path": path, "headers": headers, "form": form})
            key = headers.get("Idempotency-Key")
            if key and key in self._idempotent:
                return 200, self._idempotent[key]
            n = next(_ids)
            data = _nested(form)
            if path == "/v1/checkout/sessions":
                item = data["line_items"]["0"]
                amount = int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
                obj = {"id": f"cs_test_{n}", "object": "checkout.session",
                       "url": f"{self.url}/checkout/cs_test_{n}", "amount_total": amount,
                       "currency": item["price_data"]["currency"],
                       "client_reference_id": data.get("client_reference_id"),
                       "metadata": data.get("metadata", {}), "payment_status": "unpaid",
                       "status": "open", "payment_intent": f"pi_test_{n}",
                       "success_url": data.get("success_url"), "cancel_url": data.get("cancel_url"),
                       "expires_at": int(time.time()) + 24 * 3600}
                self.sessions[obj["id"]] = obj
            elif path == "/v1/refunds":
                obj = {"id": f"re_test_{n}", "object": "refund", "status": "succeeded",
                       "payment_intent": data.get("payment_intent"),
                       "amount": int(data.get("amount", 0))}
                self.refunds.append(obj)
            else:
                return 404, {"error": {"type": "invalid_request_error",
                                       "message": f"no route {path}"}}
            if key:
                self._idempotent[key] = obj
            return 200, obj

    # --- webhooks ----------------------------------------------------------------------------
    def send(self, evt: dict) -> int:
        """POST ``evt`` signed to the app's webhook address; returns the status."""
        payload = json.dumps(evt).encode()
        request = urllib.request.Request(  # noqa: S310 (the app on loopback)
            self.webhook_url, data=payload, method="POST",
            headers={"Content-Type": "application/json",
                     "Stripe-Signature": sign(payload, self.webhook_secret)})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.deliveries.append((status, evt))
        return status

    def pay(self, session_id: str) -> dict:
        """What Stripe does when the payer pays: the session completes, the webhook goes."""
        session = dict(self.sessions[session_id], payment_status="paid", status="complete")
        self.sessions[session_id] = session
        evt = event("checkout.session.completed", session)
        if self.webhook_delay:
            timer = threading.Timer(self.webhook_delay, self.send, args=(evt,))
            timer.daemon = True
            timer.start()
        else:
            self.send(evt)
        return session

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _send(self, status: int, body: bytes, ctype: str, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self._body()
                if self.path.startswith("/v1/"):
                    form = parse_qs(body.decode(), keep_blank_values=True)
                    status, obj = fake.api(self.path, dict(self.headers.items()), form)
                    self._send(status, json.dumps(obj).encode(), "application/json",
                               [("Request-Id", "req_test")])
                elif self.path.startswith("/checkout/") and self.path.endswith("/pay"):
                    session = fake.pay(self.path.split("/")[2])
                    target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
                    self._send(303, b"", "text/plain", [("Location", target)])
                else:
                    self._send(404, b"{}", "application/json")

            def do_GET(self):
                if self.path.startswith("/checkout/"):
                    session = fake.sessions.get(self.path.split("/")[2])
                    if session is None:
                        return self._send(404, b"no such session", "text/plain")
                    amount = f"{session['amount_total'] / 100:,.2f} {session['currency'].upper()}"
                    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>Fake Stripe "
                            f"Checkout</title></head><body style='font-family:sans-serif;margin:40px'>"
                            f"<h1>Fake Stripe Checkout</h1><p>Pay <strong id='amount'>{amount}</strong>"
                            f" for {html.escape(session['client_reference_id'] or '')}</p>"
                            f"<form method='post' action='/checkout/{session['id']}/pay'>"
                            f"<button type='submit' id='pay'>Pay</button></form></body></html>")
                    return self._send(200, page.encode(), "text/html; charset=utf-8")
                self._send(404, b"{}", "application/json")

        return Handler
