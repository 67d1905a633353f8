"""unit_of_work.committing: a refusal rolls back and is shown, success commits once, any
other error passes through."""
import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Organisation
from market.services.errors import ServiceError
from market.unit_of_work import committing, register_after_commit
from tests import factories


def _orgs() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def test_success_commits_and_runs_the_hooks(app):
    ran = []
    register_after_commit(app, lambda: ran.append(True))
    with committing() as outcome:
        factories.make_org(db.session)
    assert (outcome.committed, outcome.refusal, ran) == (True, None, [True])
    db.session.rollback()  # nothing pending: the row is committed
    assert _orgs() == 1


def test_a_refusal_rolls_back_and_is_shown(app):
    shown = []
    with committing(shown.append) as outcome:
        factories.make_org(db.session)
        raise ServiceError("no", field="name")
    assert not outcome.committed and shown == [outcome.refusal]
    assert str(outcome.refusal) == "no" and _orgs() == 0


def test_other_errors_pass_through(app):
    with pytest.raises(KeyError), committing(lambda error: None):
        raise KeyError("not a refusal")
    with pytest.raises(ServiceError), committing(refusals=(ValueError,)):
        raise ServiceError("not listed")


def test_a_hook_with_tables_runs_only_after_a_commit_that_inserted_into_them(app):
    """A deal or a log-in commits no listing change: the search sync is not run for it;
    a bulk insert (an import) counts as well as an added object; a rolled-back insert
    does not count for the next commit."""
    from sqlalchemy import insert

    from market.models import OutboxEmail, SearchOutbox
    from market.unit_of_work import commit
    ran = []
    register_after_commit(app, lambda: ran.append("search"), tables=["search_outbox"])
    factories.make_org(db.session)
    commit()
    assert ran == []
    db.session.add(SearchOutbox(patent_id=1))
    db.session.flush()
    db.session.rollback()
    db.session.add(OutboxEmail(to_address="a@example.cn", subject="s", body="b"))
    commit()
    assert ran == []
    db.session.add(SearchOutbox(patent_id=1))
    commit()  # added, flushed by the commit
    db.session.execute(insert(SearchOutbox), [{"patent_id": 2}, {"patent_id": 3}])
    commit()
    assert ran == ["search", "search"]
