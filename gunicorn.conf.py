"""gunicorn settings, all from the environment (``make serve`` uses this file).

BIND (default 127.0.0.1:${PORT:-8000}), WEB_CONCURRENCY (workers; default 2 x cores + 1),
GUNICORN_THREADS (1), GUNICORN_TIMEOUT (30 s), GUNICORN_GRACEFUL_TIMEOUT (30 s),
GUNICORN_KEEPALIVE (5 s), FORWARDED_ALLOW_IPS (127.0.0.1: the reverse proxy's address),
ACCESS_LOG ("-" = stdout), LOG_LEVEL (info).

With MARKET_ENV=production and more than one worker, RATELIMIT_STORAGE_URI must name a store
the workers share (Redis): a memory:// count per worker multiplies every per-IP limit.
"""
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "wsgi:app"
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# only the proxy in front may set X-Forwarded-Proto (https) for url_for and secure cookies
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
# one JSON object per line, like the app's own log lines; the request id is the one the
# app sent back in X-Request-ID
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote_addr": "%(h)s", '
    '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"user_agent": "%(a)s"}'
)


def rate_limit_storage_problem(env, workers: int) -> str | None:
    """Why these settings must not start, or None. Production only: the audit and local
    trials run several development workers with the limits off or in memory."""
    uri = (env.get("RATELIMIT_STORAGE_URI") or "memory://").strip()
    enabled = env.get("RATELIMIT_ENABLED", "1").strip().lower() not in ("0", "false", "no", "off")
    if env.get("MARKET_ENV") != "production" or workers <= 1 or not enabled \
            or not uri.startswith("memory://"):
        return None
    return (f"RATELIMIT_STORAGE_URI is {uri} with {workers} workers: each worker would count "
            "log-in and reset attempts per IP on its own, multiplying every limit. Set a store "
            "the workers share, e.g. export RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 "
            "(Debian: apt-get install redis-server), or run one worker (WEB_CONCURRENCY=1), or "
            "RATELIMIT_ENABLED=0 if the reverse proxy limits per IP (the per-account log-in "
            "limit in the database stays on either way).")


def on_starting(server):
    problem = rate_limit_storage_problem(os.environ, server.cfg.workers)
    if problem:
        raise RuntimeError(problem)  # gunicorn prints "Error: ..." and exits 1, before binding


def worker_exit(server, worker):
    """A worker that stops (deploy, restart, max requests) writes the listing views it has
    counted but not written yet (they are written in batches: market.services.view_tally)
    and delivers the emails its mail worker has not sent yet."""
    app = getattr(worker, "wsgi", None)
    if app is None or not hasattr(app, "app_context"):
        return
    from market.services.view_tally import flush_views
    try:
        with app.app_context():
            flush_views()
    except Exception:  # noqa: BLE001 - a failed flush must not stop the shutdown
        server.log.exception("could not write the pending listing views")
    from market.mail_worker import worker as mail_worker
    mail_worker(app).deliver_before_exit()  # the emails its commits queued (market.mail_worker)
