"""State-changing operations. Services flush; they never commit (the request does)."""
