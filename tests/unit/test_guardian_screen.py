"""The teacher's guardians screen as a pure screen: who is connected, links, the switch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.domain.guardians import Guardian
from bot.domain.model import Student
from bot.services.guardians import Connected
from handlers.guardians import connected_view
from views.i18n import make_i18n

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ANNA = Student(5, 1, "Anna", 0, NOW, telegram_id=77)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def _guardian(gid: int, telegram_id: int | None = None, name: str = "") -> Guardian:
    return Guardian(gid, 5, b"sealed", NOW, telegram_id=telegram_id, bound_at=NOW, name=name)


def test_the_screen_names_everyone_connected_and_offers_the_links_not_yet_opened() -> None:
    seen = Connected(
        ANNA,
        [_guardian(1, 81, "Mum"), _guardian(2), _guardian(3), _guardian(4, 82, "Dad")],
        may_act=False,
        unopened={2: "g_abcdefghijklmnopqrstuvwxyz"},
        expired=frozenset({3, 4}),
    )
    text, keys = connected_view(seen, "lessonlink_bot")
    assert "Anna (student): connected" in text
    assert "Mum (guardian): connected since" in text
    assert "not opened yet: https://t.me/lessonlink_bot?start=g_abcdefghijklmnopqrstuvwxyz" in text
    assert "expired before anyone opened it" in text
    assert "Dad (guardian): link expired, no notices" in text
    assert "they may not book" in text
    labels = [b.text for row in keys.inline_keyboard for b in row]
    assert "✖ Remove Mum" in labels and "✖ Remove Dad" in labels
    assert labels.count("✖ Remove unopened link") == 2
    assert "✅ Let guardians book" in labels and "🔒 Guardians may only follow" not in labels


def test_a_new_link_is_shown_once_and_the_switch_reads_on() -> None:
    seen = Connected(ANNA, [], may_act=True, token="g_newtokennewtokennewtoken")
    text, keys = connected_view(seen, "lessonlink_bot")
    assert "New guardian link" in text and "start=g_newtokennewtokennewtoken" in text
    assert "Guardians may book, cancel and move" in text
    labels = [b.text for row in keys.inline_keyboard for b in row]
    assert "🔒 Guardians may only follow" in labels
