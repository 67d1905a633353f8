"""Migration d1e4a7c2b9f5 dates the ledger's existing rows for the views of the counts: a
conclusion on its day, a reversal on its original's day, and a registration row for every
licence already recorded with CNIPA (on the Shenyang day it was recorded)."""
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from market import create_app
from market.config import TestConfig
from market.extensions import db

from ..test_migrations import empty_database_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.db
BEFORE, AFTER = "c5d8e1f3a7b9", "d1e4a7c2b9f5"
NOW = "2024-05-06 00:00:00"


def _seed(conn) -> None:
    # timestamps as each database keeps them: SQLite naive UTC text, PostgreSQL with a zone
    zone = "+00" if conn.dialect.name == "postgresql" else ".000000"
    conn.execute(text(
        "INSERT INTO organisation (id, kind, name, credit_code, district, address, contact_name,"
        " contact_phone, contact_email, status, created_at) VALUES"
        " (1, 'university', '东北大学', 'C1', '浑南区', 'a', 'b', 'c', 'd@e.cn', 'verified', :now),"
        " (2, 'sme', '沈阳甲公司', 'C2', '铁西区', 'a', 'b', 'c', 'e@e.cn', 'verified', :now)"),
        {"now": NOW})
    conn.execute(text(
        "INSERT INTO patent (id, owner_org_id, application_number, title, abstract, claims,"
        " ipc_codes, patent_type, legal_status, filing_date, expiry_date, inventors, industry,"
        " industry_overridden, keywords, status, hidden, view_count, created_at, updated_at)"
        " VALUES (1, 1, '201710601862.3', 't', '', '', '[]', 'invention', 'granted',"
        " '2017-01-01', '2037-01-01', '', 'other', false, '', 'published', false, 0, :now,"
        " :now)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO offer (id, patent_id, kind, active, currency, upfront_fee_fen,"
        " upfront_mode, royalty_bp, royalty_threshold_fen, min_annual_royalty_fen, term_years,"
        " territory, field_of_use, created_at, updated_at) VALUES (1, 1, 'licence', true,"
        " 'CNY', 0, 'waived', 0, 0, 0, 1, '中国', '', :now, :now)"), {"now": NOW})
    for deal_id, state, recorded in ((1, "concluded", "2024-03-31 17:00:00" + zone),
                                     (2, "cancelled", None)):
        conn.execute(text(
            "INSERT INTO deal (id, patent_id, offer_id, kind, licence_kind, licensor_org_id,"
            " licensee_org_id, state, currency, upfront_fee_fen, upfront_mode, royalty_bp,"
            " royalty_threshold_fen, min_annual_royalty_fen, term_years, territory,"
            " field_of_use, proposed_by, licensee_details, contract_number, created_at,"
            " state_changed_at, recorded_at, version) VALUES (:id, 1, 1, 'licence',"
            " 'non_exclusive', 1, 2, :state, 'CNY', 0, 'waived', 0, 0, 0, 1, '中国', '',"
            " 'licensee', '{}', :number, :now, :now, :recorded, 1)"),
            {"id": deal_id, "state": state, "number": f"C{deal_id}", "now": NOW,
             "recorded": recorded})
    rows = ((1, 1, "conclusion", None, 1, "2024-02-01", 500),
            (2, 2, "conclusion", None, 1, "2023-12-30", 700),
            (3, 2, "reversal", 2, -1, "2024-01-05", -700))
    for row_id, deal_id, entry, reverses, sign, on, value in rows:
        conn.execute(text(
            "INSERT INTO ledger_entry (id, deal_id, entry, reverses_id, sign, contract_number,"
            " concluded_on, kind, licence_kind, open_licence, fast_licence, contract_value_fen,"
            " currency, licensor_org_id, licensor_kind, licensee_org_id, licensee_kind,"
            " licensee_is_sme, licensor_is_university, industry, district, patent_ids,"
            " patent_count, days_to_conclusion, created_at) VALUES (:id, :deal, :entry,"
            " :reverses, :sign, :number, :on, 'licence', 'non_exclusive', false, true, :value,"
            " 'CNY', 1, 'university', 2, 'sme', true, true, 'other', '铁西区', '[1]', 1, 3,"
            " :now)"),
            {"id": row_id, "deal": deal_id, "entry": entry, "reverses": reverses, "sign": sign,
             "number": f"C{deal_id}", "on": on, "value": value, "now": NOW})
    if conn.dialect.name == "postgresql":  # the ids above were given: the sequence moves on
        conn.execute(text("SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), 3)"))


def test_existing_rows_are_dated_for_every_view(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            _seed(conn)
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT deal_id, entry, sign, contract_value_fen, concluded_on, deal_on,"
                " registered_on, ref FROM ledger_entry ORDER BY deal_id, id")).all()
            relinked = conn.execute(text(
                "SELECT reverses_id FROM ledger_entry WHERE entry = 'reversal'")).scalar()
        as_dates = [(d, e, s, v, *(x if isinstance(x, date) or x is None
                                   else date.fromisoformat(x) for x in days), ref)
                    for d, e, s, v, *days, ref in rows]
        assert as_dates == [
            # recorded at 01:00 on 1 April in Shenyang: the registration row is dated then
            (1, "conclusion", 1, 500, date(2024, 2, 1), date(2024, 2, 1), None, ""),
            (1, "registration", 1, 500, date(2024, 4, 1), None, date(2024, 4, 1), ""),
            (2, "conclusion", 1, 700, date(2023, 12, 30), date(2023, 12, 30), None, ""),
            (2, "reversal", -1, -700, date(2024, 1, 5), date(2023, 12, 30), None, ""),
        ]
        assert relinked == 2  # still the conclusion it reverses
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM ledger_entry")).scalar() == 3
            assert conn.execute(text("SELECT reverses_id FROM ledger_entry WHERE id = 3")
                                ).scalar() == 2
        db.session.remove()
        db.engine.dispose()
