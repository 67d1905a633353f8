"""The platform's terms of use and privacy notice: which edition is in force.

A change of either text is a new ``TERMS_VERSION``; each account records the edition its
user accepted (and when), so the platform can show who agreed to what."""
TERMS_VERSION = "2026-12-01"
