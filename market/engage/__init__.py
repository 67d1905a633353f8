"""Around a listing, before any deal: questions and answers, following a listing."""
