"""The zone screens: suggestions as buttons with real-sign labels, callback data within 64 bytes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import UnknownTimezone
from bot.domain.typed import iana_zones
from bot.domain.zones import resolve_timezone
from handlers.zone_screens import suggestions_screen
from views.callbacks import ZoneFlow, ZonePickCb
from views.i18n import make_i18n

NOW = datetime(2026, 12, 1, 11, 5, tzinfo=UTC)


def test_every_zone_fits_in_a_button() -> None:
    for zone in iana_zones().values():
        for flow in ZoneFlow:
            packed = ZonePickCb(flow=flow, zone=zone).pack()
            assert len(packed.encode()) <= 64, packed
            assert ZonePickCb.unpack(packed).zone == zone


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_offset_suggestions_are_buttons_labelled_with_the_meant_sign(locale: str) -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("GMT+3", NOW)
    i18n = make_i18n()
    with i18n.context(), i18n.use_locale(locale):
        text, keyboard = suggestions_screen(caught.value, ZoneFlow.TEACH, NOW)
    labels = [row[0].text for row in keyboard.inline_keyboard]
    assert labels[0] == "UTC+3" and "Europe/Moscow" in labels
    assert "Etc/" not in text and "UTC-3" not in text and "14:05" in text
    data = [row[0].callback_data for row in keyboard.inline_keyboard]
    assert data[0] == "tzp:t:Etc/GMT-3"
