"""Custody agreements, their events, the agencies' status events and credit notes are
append-only: the ORM refuses to change or delete a row, and so does the database."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from market.extensions import db
from market.models import CustodyAgreement, CustodyEvent, OrgKind
from market.models.append_only import AppendOnlyViolation
from market.services import agency_register

from ..test_migration_terms_by_kind import _insert
from .conftest import agree

pytestmark = pytest.mark.db


@pytest.fixture()
def agreement(make_org):
    return agree(make_org(kind=OrgKind.SME), make_org(kind=OrgKind.AGENCY),
                 date(2024, 1, 1), date(2024, 12, 31), terminated=date(2024, 6, 30))


def test_orm_refuses_to_change_or_delete_an_event(agreement):
    event = agreement.events[-1]
    event.ends_on = date(2024, 12, 31)  # "un-terminate" it
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(agreement.events[0])
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    agreement.fee_fen = 1
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


def test_orm_refuses_update_and_delete_statements(agreement):
    with pytest.raises(AppendOnlyViolation):
        db.session.execute(update(CustodyEvent).values(ends_on=date(2030, 1, 1)))
    with pytest.raises(AppendOnlyViolation):
        db.session.execute(delete(CustodyAgreement))
    db.session.rollback()


def test_database_refuses_an_update_behind_the_orms_back(agreement):
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE custody_event SET ends_on = '2030-01-01'"))
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE custody_agreement SET fee_fen = 0"))


def test_the_database_refuses_deletes(agreement, tmp_path):
    """PostgreSQL: the test database carries the triggers. SQLite: the DELETE trigger comes
    with the migration only (the suite empties its tables with DELETE between tests), so a
    database made by the migrations is checked."""
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM custody_event"))
        return
    from flask_migrate import upgrade

    from market import create_app
    from market.config import TestConfig
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite'}",
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade()
        meta = sa.MetaData()
        with db.engine.begin() as conn:  # foreign keys hold: the agency exists first
            meta.reflect(conn, only=["organisation"])
            _insert(conn, meta.tables["organisation"], id=1, kind="agency",
                    credit_code="CODE1", status="verified")
            conn.execute(text("INSERT INTO agency_credit_note (agency_org_id, kind, text, at) "
                              "VALUES (1, 'note', 'x', '2026-01-01')"))
        for statement in ("DELETE FROM agency_credit_note",
                          "UPDATE agency_credit_note SET text = 'y'"):
            with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
                conn.execute(text(statement))
        db.session.remove()
        db.engine.dispose()


def test_status_events_and_credit_notes_are_protected(make_org, make_user):
    centre = make_user(kind=OrgKind.CENTRE)
    agency = make_org(kind=OrgKind.AGENCY)
    event = agency_register.record_status(centre, agency, kind="suspension",
                                          effective_on=agency_register.entry_date(agency),
                                          reason="投诉查实")
    note = agency_register.add_credit_note(centre, agency, kind="warning", text="逾期未答复")
    db.session.commit()
    for obj, field in ((event, "reason"), (note, "text")):
        setattr(obj, field, "改写")
        with pytest.raises(AppendOnlyViolation):
            db.session.flush()
        db.session.rollback()
