"""Deal pages: taking an open licence, requests and negotiation, contracts, the inbox."""
