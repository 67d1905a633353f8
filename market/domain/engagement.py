"""The limits of asking about a listing, following one and the price guidance, written once:
the rules that apply them and the messages that name them both read these numbers."""

__all__ = ["ANSWER_MAX_CHARS", "MIN_COMPARABLE_DEALS", "QUESTIONS_PER_DAY",
           "QUESTION_MAX_CHARS", "QUESTION_MIN_CHARS"]

# A question is a few sentences, not a proposal (that is the licence request's message).
QUESTION_MIN_CHARS = 5
QUESTION_MAX_CHARS = 1000
ANSWER_MAX_CHARS = 2000
# One account asks at most this many questions per (Shenyang) day, over every listing: the
# owners' inboxes are not a channel for mass mailings. Flask-Limiter also limits per IP.
QUESTIONS_PER_DAY = 20

# Price guidance shows a distribution only when at least this many concluded deals make it
# up: fewer would show (nearly) one party's price to everyone.
MIN_COMPARABLE_DEALS = 5
