"""Covering indexes on the transaction record for the centre's indicators.

Kept apart from ``ledger.py`` (the ledger's own definition): they exist only so the
indicator queries of ``market.services.stats`` read an index instead of the table.
Each view of the counts dates rows by its own column (``deal_on``, ``registered_on``,
``concluded_on``), so each has a period index led by that column and holding every
column the period aggregates read, ordered so that a GROUP BY on its leading columns needs
no sort; ``ix_ledger_entry_stats_sme`` serves the distinct count of SMEs in every view,
grouped by licensee.
"""
from sqlalchemy import Index

from .ledger import LedgerEntry

e = LedgerEntry
_REST = (e.kind, e.licence_kind, e.open_licence, e.fast_licence, e.industry, e.district,
         e.licensor_is_university, e.licensor_org_id, e.sign, e.contract_value_fen,
         e.days_to_conclusion, e.entry)
STATS_INDEXES = (
    Index("ix_ledger_entry_stats_deal", e.deal_on, *_REST),
    Index("ix_ledger_entry_stats_registered", e.registered_on, *_REST),
    Index("ix_ledger_entry_stats_booked", e.concluded_on, *_REST, e.deal_on),
    Index("ix_ledger_entry_stats_sme", e.licensee_is_sme, e.licensor_is_university,
          e.licensee_org_id, e.deal_on, e.registered_on, e.concluded_on, e.sign),
)
del e
