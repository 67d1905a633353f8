"""Inbox messages are kept as message ids and arguments and shown in the reader's language,
whatever language their recipient had when they were written."""
import pytest
from flask_babel import force_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l

from market.i18n import freeze, thaw


def test_freeze_and_thaw_render_in_the_current_language(app):
    text = _l("New message on “%(title)s”", title=lazy_pgettext("deal", "Withdrawn"))
    frozen = freeze(text)
    assert frozen["a"] == ["New message on “%(title)s”"]  # JSON data, not a rendered string
    with app.test_request_context(), force_locale("en"):
        assert thaw(frozen) == "New message on “Withdrawn”"
    with app.test_request_context(), force_locale("zh"):
        assert thaw(frozen) == str(text) and "“" in thaw(frozen) and "New" not in thaw(frozen)


def test_plain_text_and_numbers_are_kept_as_they_are():
    assert freeze("沈阳甲科技有限公司") == "沈阳甲科技有限公司"
    assert freeze(3) == 3 and freeze(None) is None and thaw(None) == ""


@pytest.mark.db
def test_inbox_shows_a_message_in_the_readers_language(app, client, login_as):
    from market.extensions import db
    from market.services import notifications
    user = login_as("sme")
    user.locale = "zh"  # written while its recipient read Chinese
    notifications.notify_users([user], "deal_message",
                               _l("New message on “%(title)s”", title="一种电池"), "", "/deals/1",
                               email=False)
    db.session.commit()
    english = client.get("/deals/inbox?lang=en").get_data(as_text=True)
    chinese = client.get("/deals/inbox?lang=zh").get_data(as_text=True)
    assert "New message on “一种电池”" in english
    assert "New message on" not in chinese and "一种电池" in chinese
