"""One message a second per chat, as Telegram sees it, however long a message takes to arrive."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.clock import ManualClock
from bot.domain.outgoing import Outgoing
from jobs.dispatcher import CHAT_INTERVAL, ChatPacer, TelegramSender
from tests.sample_notices import booking_new
from views.i18n import make_i18n


class Timeline:
    """The pacer's monotonic time, moved only by its own waits and by the fake Telegram."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


class SlowRoadTelegram:
    """A Bot API whose messages take `journey` seconds to arrive; notes when each arrived."""

    def __init__(self, timeline: Timeline, journeys: list[float]) -> None:
        self.timeline = timeline
        self.journeys = journeys
        self.arrivals: list[float] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.timeline.now += self.journeys.pop(0)
        self.arrivals.append(self.timeline.now)  # the answer comes back at once


async def test_a_message_slow_on_its_way_still_lands_a_second_before_the_next() -> None:
    # Under load the first message spent 0.4 s between leaving and reaching Telegram; the
    # second went straight through. Pacing from the moment the first left let them land
    # 0.65 s apart, and Telegram counts from arrival.
    timeline = Timeline()
    telegram = SlowRoadTelegram(timeline, journeys=[0.4, 0.0])
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    sender = TelegramSender(telegram, make_i18n(), clock)  # type: ignore[arg-type]
    sender.pacer = ChatPacer(monotonic=timeline.monotonic, sleep=timeline.sleep)
    for n in range(2):
        outgoing = Outgoing(n, 4242, booking_new(f"Student {n}"))
        assert (await sender.deliver(outgoing, None)).outcome == "sent"

    first, second = telegram.arrivals
    assert round(second - first, 9) >= CHAT_INTERVAL >= 1.0
