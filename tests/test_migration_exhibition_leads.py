"""Revision c4e8a2f6b0d3 makes an exhibition's leads unique per question and per deal. Before
it, a question sent twice from an exhibition page was counted twice: the upgrade keeps the
first lead of each and goes through on both databases."""
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from market.extensions import db

from .test_migration_terms_by_kind import _insert
from .test_migrations import app_at, empty_database_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.db
BEFORE, AFTER = "a9e3c5f7b1d2", "c4e8a2f6b0d3"


def test_double_counted_leads_are_folded_into_one(empty_database_url, tmp_path):  # noqa: F811
    with app_at(empty_database_url, tmp_path, BEFORE):
        meta = sa.MetaData()
        with db.engine.begin() as conn:
            meta.reflect(conn)
            t = meta.tables
            _insert(conn, t["organisation"], id=1, kind="sme", credit_code="CODE1",
                    status="verified")
            _insert(conn, t["user_account"], id=1, org_id=1, email="a@example.cn")
            _insert(conn, t["patent"], id=1, owner_org_id=1, application_number="2017106018625")
            _insert(conn, t["listing_question"], id=1, patent_id=1, asker_user_id=1,
                    asker_org_id=1)
            _insert(conn, t["exhibition"], id=1)
            for lead_id in (1, 2, 3):  # the question twice, and a request
                _insert(conn, t["exhibition_lead"], id=lead_id, exhibition_id=1,
                        kind="question" if lead_id < 3 else "request",
                        question_id=1 if lead_id < 3 else None)
        upgrade(revision=AFTER)
        with db.engine.begin() as conn:
            rows = conn.execute(sa.text(
                "SELECT id, kind, question_id FROM exhibition_lead ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "question", 1), (3, "request", None)]
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(sa.text("INSERT INTO exhibition_lead (id, exhibition_id, kind, "
                                     "question_id, created_at) VALUES (4, 1, 'question', 1, "
                                     "CURRENT_TIMESTAMP)"))
