"""Password policy and hashing (NIST SP 800-63B style: length, not composition)."""
import gzip
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@cache
def _common_passwords() -> frozenset[str]:
    # Django's list of 20,000 common passwords (BSD licence, see data/).
    with gzip.open(_COMMON, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str) -> list:
    """Messages explaining why ``password`` is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    elif password.lower() in _common_passwords():
        problems.append(_l("This password is too common; choose another."))
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time on a dummy hash and fail."""
    if not password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash() -> str:
    key = "market.dummy_hash"
    if key not in current_app.extensions:
        current_app.extensions[key] = hash_password("dummy password for timing")
    return current_app.extensions[key]

