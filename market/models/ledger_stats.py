"""Covering indexes on the transaction record for the centre's indicators.

Kept apart from ``ledger.py`` (the ledger's own definition): they exist only so the
indicator queries of ``market.services.stats`` read an index instead of the table.
``ix_ledger_entry_stats_period`` holds every column the period aggregates read, ordered so
that a GROUP BY on its leading columns needs no sort; ``ix_ledger_entry_stats_sme`` serves
the distinct count of SMEs, grouped by licensee.
"""
from sqlalchemy import Index

from .ledger import LedgerEntry

e = LedgerEntry
STATS_PERIOD_INDEX = Index(
    "ix_ledger_entry_stats_period", e.concluded_on, e.kind, e.licence_kind, e.open_licence,
    e.fast_licence, e.industry, e.district, e.licensor_is_university, e.licensor_org_id, e.sign,
    e.contract_value_fen, e.days_to_conclusion)
STATS_SME_INDEX = Index(
    "ix_ledger_entry_stats_sme", e.licensee_is_sme, e.licensor_is_university,
    e.licensee_org_id, e.concluded_on, e.sign)
del e
