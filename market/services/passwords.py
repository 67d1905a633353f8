"""Password policy and hashing (NIST SP 800-63B style: length and guessability, not
composition). One policy for registration, password change and reset."""
import gzip
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's score 3 is "safely unguessable" (about 10^8 guesses and more): it refuses
# repeats, sequences, keyboard rows, dates and common words with digits added.
MIN_SCORE = 3
# zxcvbn refuses to look past 72 characters (its matching grows fast); the first 72
# decide, which only ever underrates a longer password.
_ESTIMATE_LENGTH = 72
# Words anyone would try first against this site.
SITE_WORDS = ("shenyang", "沈阳", "ipmarket", "market", "patent", "zhuanli", "专利", "知识产权")
# zxcvbn patterns that mean "a simple pattern" (the rest are dictionary words and names)
_PATTERNS = {"repeat", "sequence", "spatial", "date", "regex"}
_COMMON = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
# zxcvbn keeps the user's words in a module-level dictionary while it scores: one at a time.
_ZXCVBN_LOCK = threading.Lock()


@cache
def _common_passwords() -> frozenset[str]:
    # Django's list of 20,000 common passwords (BSD licence, see data/).
    with gzip.open(_COMMON, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, user_inputs: Iterable[str] = ()) -> list:
    """Messages explaining why ``password`` is refused; empty when it is acceptable.

    ``user_inputs`` are the person's own words (email, name, organisation): a password
    built from them is as weak as one built from the site's name.
    """
    if len(password) < MIN_LENGTH:
        return [_l("Use at least %(n)d characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l("Use at most %(n)d characters.", n=MAX_LENGTH)]
    if password.lower() in _common_passwords():
        return [_l("This password is too common; choose another.")]
    words = [*SITE_WORDS, *_words(user_inputs)]
    with _ZXCVBN_LOCK:
        from zxcvbn import zxcvbn  # its word lists take 13 MB: only where passwords are set
        result = zxcvbn(password[:_ESTIMATE_LENGTH], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return []
    if {match["pattern"] for match in result["sequence"]} & _PATTERNS:
        return [_l("This password is a simple pattern (repeated characters, a sequence, a "
                   "keyboard row or a date) and easy to guess; choose another.")]
    return [_l("This password is too easy to guess: it is made of common words or names "
               "(such as the site's or your own). Add more words or choose another.")]


def _words(user_inputs: Iterable[str]) -> list[str]:
    """The person's words, and the parts of an email address (``wang.li@example.cn``)."""
    words = []
    for value in user_inputs:
        value = (value or "").strip().lower()
        if value:
            words.append(value)
            words += [part for part in value.replace("@", ".").split(".") if len(part) > 2]
    return words


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
