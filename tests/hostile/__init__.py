"""Hostile input: XSS, SQL injection, Unicode, oversize and wrong-type uploads."""
