"""Two webhook worker processes sharing PostgreSQL and Redis, started as `run_bot.py` starts them.

The test plays the reverse proxy: it takes each update the local Bot API server queued and
posts it to the worker it chooses, at the same time when it wants a race. The workers start
once for the module (a start costs seconds of CPU); each test brings its own teacher and
students, and one that kills a worker has it started again, as the supervisor would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
import pytest_asyncio
from redis.asyncio import Redis

from bot.domain.model import BookingStatus
from bot.security import TokenVault
from run_bot import setup_once
from sandbox.server import BotAPIServer
from storage.engine import create_engine, uow_factory
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_ENV, PostgresCopies, postgres_url
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.webhook_harness import PATH, SECRET, webhook_settings
from tests.factories import make_slots, make_teacher
from tests.ports import free_ports

REDIS_ENV = "LESSONLINK_TEST_REDIS_URL"
ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "workers-test-secret-key"

pytestmark = [
    pytest.mark.parametrize("backend", ["postgres"], indirect=True),
    pytest.mark.asyncio(loop_scope="module"),  # the loop the module's workers are served on
    # One pytest worker takes the whole module: its fleet of two bot processes starts once.
    pytest.mark.xdist_group("webhook_workers"),
]


@dataclass
class Fleet:
    """The local server, two worker processes, and the test acting as their proxy."""

    server: BotAPIServer
    ports: list[int]
    uow: Callable[[], SqlUnitOfWork]
    http: aiohttp.ClientSession
    workers: list[subprocess.Popen[bytes]]
    restart: Callable[[int], Awaitable[None]]

    def take(self, update_id: int) -> dict[str, Any]:
        """Take a queued update off the server's queue, as Telegram hands it to the proxy."""
        update = next(u for u in self.server.world.updates if u["update_id"] == update_id)
        self.server.world.updates.remove(update)
        return update

    async def post(self, update: dict[str, Any], worker: int) -> int:
        """Post an update to one worker; returns its HTTP status."""
        url = f"http://127.0.0.1:{self.ports[worker]}{PATH}"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self.http.post(url, json=update, headers=headers) as resp:
            return resp.status

    async def deliver(self, update_id: int, worker: int) -> int:
        """Post a queued update to one worker; returns its HTTP status."""
        return await self.post(self.take(update_id), worker)

    async def press(self, uid: int, label: str, worker: int) -> None:
        """A user taps a button; one worker processes it."""
        assert await self.deliver(self.server.press_button(uid, label), worker) == 200

    def day_buttons(self, uid: int) -> list[str]:
        """Labels of the days with free times on the user's week view."""
        message = self.server.last_bot_message(uid)
        assert message is not None
        return [t for t in message.button_texts() if " free" in t and "no free" not in t]

    async def student(self, uid: int, name: str, teacher_id: int) -> int:
        """A student enrolled by the teacher, who opened their link; the student's id."""
        vault, now = TokenVault(SECRET_KEY.encode()), datetime.now(UTC)
        token = vault.new_token()
        async with self.uow() as u:
            student = await u.students.add(teacher_id, name, uid % 8, now)
            await u.links.add(student.id, vault.digest(token), vault.seal(token), now, None, None)
            await u.commit()
        self.server.add_user(uid, name)
        assert await self.deliver(self.server.send_text(uid, f"/start {token}"), 0) == 200
        return student.id


async def wait_healthy(
    http: aiohttp.ClientSession, port: int, worker: subprocess.Popen[bytes]
) -> None:
    """Poll a starting worker's /healthz until it answers 200 (90 s deadline: start-up imports
    take several CPU seconds, and a busy two-core machine stretches them)."""
    async with asyncio.timeout(90):
        while True:
            assert worker.poll() is None, "the worker exited during start-up"
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Fleet]:
    """Two worker processes on one PostgreSQL database and one Redis key prefix."""
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"Redis not configured: set {REDIS_ENV}")
    if postgres_url() is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_ENV}")
    copies: PostgresCopies = request.getfixturevalue("postgres_copies")
    database = copies.take()
    try:
        folder = tmp_path_factory.mktemp("fleet")
        async with _fleet(copies.url_of(database), folder, redis_url) as fleet:
            yield fleet
    finally:
        copies.give_back(database)


@pytest_asyncio.fixture(loop_scope="module")
async def fleet(backend: str, workers: Fleet) -> AsyncIterator[Fleet]:
    """The module's workers, both running (one a test killed is started again after it)."""
    yield workers
    workers.server.faults.clear()
    for index, worker in enumerate(workers.workers):
        if worker.poll() is not None:
            await workers.restart(index)


@contextlib.asynccontextmanager
async def _fleet(database_url: str, tmp_path: Path, redis_url: str) -> AsyncIterator[Fleet]:
    """Start the server and both workers; stop the workers gracefully (exit code 0) after."""
    prefix = f"lessonlink-test-{uuid.uuid4().hex[:12]}"
    server = BotAPIServer(token=TOKEN, bot_username=BOT_USERNAME)
    await server.start()
    base = free_ports(2)  # worker i listens on WEBHOOK_PORT + i
    settings = webhook_settings(
        server,
        database_url,
        tmp_path,
        base,
        redis_url=redis_url,
        redis_prefix=prefix,
        workers=2,
        secret_key=SECRET_KEY,
    )
    await setup_once(settings)  # what the supervisor does before spawning workers
    await server.execute("deleteWebhook", {})  # from here the test delivers, as the proxy would
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "WEBHOOK_URL": settings.webhook_url,
        "WEBHOOK_PATH": PATH,
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_PORT": str(base),
        "WORKERS": "2",
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
        "DISPATCH_INTERVAL_SECONDS": "3600",
        # A dead worker's claims are taken over after three beats: 6 s, not the default 15.
        "UPDATE_HEARTBEAT_SECONDS": "2",
    }
    workers, logs = start_workers(env, tmp_path)
    engine = create_engine(database_url)
    http = aiohttp.ClientSession()

    async def restart(index: int) -> None:
        """Start a worker again after it died, as the supervisor does."""
        logs.append((tmp_path / f"worker{index}-again{len(logs)}.log").open("wb"))
        command = [sys.executable, str(ROOT / "run_bot.py"), "--worker-index", str(index)]
        workers[index] = await asyncio.to_thread(
            subprocess.Popen,
            command,
            cwd=tmp_path,
            env=env,
            stdout=logs[-1],
            stderr=subprocess.STDOUT,
        )
        await wait_healthy(http, base + index, workers[index])

    try:
        for i, worker in enumerate(workers):
            await wait_healthy(http, base + i, worker)
        yield Fleet(server, [base, base + 1], uow_factory(engine), http, workers, restart)
        # Graceful stop: SIGTERM, in-flight work finishes, exit code 0.
        assert await asyncio.to_thread(stop_workers, workers, logs) == [0, 0]
    finally:
        await asyncio.to_thread(stop_workers, workers, logs)
        await http.close()
        await engine.dispose()
        await server.stop()
        redis = Redis.from_url(redis_url)
        keys = [key async for key in redis.scan_iter(f"{prefix}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


def start_workers(
    env: dict[str, str], folder: Path
) -> tuple[list[subprocess.Popen[bytes]], list[IO[bytes]]]:
    """`run_bot.py --worker-index i` for i in 0, 1, as the supervisor spawns them."""
    logs = [(folder / f"worker{i}.log").open("wb") for i in range(2)]
    command = [sys.executable, str(ROOT / "run_bot.py"), "--worker-index"]
    workers = [
        subprocess.Popen(
            [*command, str(i)], cwd=folder, env=env, stdout=logs[i], stderr=subprocess.STDOUT
        )
        for i in range(2)
    ]
    return workers, logs


def stop_workers(workers: list[subprocess.Popen[bytes]], logs: list[IO[bytes]]) -> list[int]:
    """SIGTERM each worker and wait for it (kill after 30 s); returns the exit codes."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    codes = []
    for worker in workers:
        try:
            codes.append(worker.wait(timeout=30))
        except subprocess.TimeoutExpired:
            worker.kill()
            codes.append(worker.wait())
    for log in logs:
        log.close()
    return codes


def in_two_and_three_days() -> tuple[datetime, datetime]:
    """10:00 UTC the day after tomorrow and the day after: inside the 7-day week view."""
    day = datetime.now(UTC).date() + timedelta(days=2)
    first = datetime.combine(day, time(10), tzinfo=UTC)
    return first, first + timedelta(days=1)


async def test_one_students_rapid_presses_run_in_order_across_workers(fleet: Fleet) -> None:
    f, sam = fleet, 801
    tutor = await make_teacher(f.uow, datetime.now(UTC), 7001, timezone="UTC")
    first_day, second_day = in_two_and_three_days()
    await make_slots(f.uow, tutor, first_day, count=1)
    await make_slots(f.uow, tutor, second_day, count=1)
    await f.student(sam, "Sam", tutor.id)
    await f.press(sam, "📝 Book a lesson", worker=1)

    # Two taps in quick succession on the week view; the first is slow to answer.
    day_one, day_two = f.day_buttons(sam)[:2]
    first = f.server.press_button(sam, day_one)
    second = f.server.press_button(sam, day_two)
    f.server.inject_fault("answerCallbackQuery", "slow", delay=1.0)
    slow = asyncio.create_task(f.deliver(first, worker=0))
    async with asyncio.timeout(60):  # until worker 0 is inside the first update
        # The sandbox signals no event when it takes a fault: poll it, with the deadline above.
        while f.server.faults:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert await f.deliver(second, worker=1) == 200  # it waited for the first: same user
    assert await slow == 200

    edits = [r for r in f.server.calls("editMessageText", ok=True) if r.params["chat_id"] == sam]
    assert f"{first_day:%A}" in edits[-2].params["text"]
    assert f"{second_day:%A}" in edits[-1].params["text"]


async def test_two_students_racing_for_one_slot_on_two_workers_get_one_booking(
    fleet: Fleet,
) -> None:
    f, sam, kim = fleet, 811, 812
    tutor = await make_teacher(f.uow, datetime.now(UTC), 7002, timezone="UTC")
    first_day, _ = in_two_and_three_days()
    [slot] = await make_slots(f.uow, tutor, first_day, count=1)
    ids = {}
    for uid, name in ((sam, "Sam"), (kim, "Kim")):
        ids[uid] = await f.student(uid, name, tutor.id)
        await f.press(uid, "📝 Book a lesson", worker=uid % 2)
        await f.press(uid, f.day_buttons(uid)[0], worker=uid % 2)
        await f.press(uid, "🟢 10:00–11:00 Math", worker=uid % 2)

    sams = f.server.press_button(sam, "✅ Confirm")
    kims = f.server.press_button(kim, "✅ Confirm")
    assert await asyncio.gather(f.deliver(sams, 0), f.deliver(kims, 1)) == [200, 200]

    async with f.uow() as u:
        fresh = await u.slots.get(slot.id)
        confirmed = [
            (uid, b)
            for uid in (sam, kim)
            for b, _ in await u.bookings.of_student(ids[uid], confirmed_only=False)
            if b.status == BookingStatus.CONFIRMED
        ]
    assert fresh is not None and fresh.booked == 1 and len(confirmed) == 1
    winner, loser = (sam, kim) if confirmed[0][0] == sam else (kim, sam)
    winner_sees = f.server.last_bot_message(winner)
    loser_sees = f.server.last_bot_message(loser)
    assert winner_sees is not None and "Booked:" in winner_sees.content
    assert loser_sees is not None and "Booked:" not in loser_sees.content
    alerts = [a.text or "" for a in f.server.callback_answers if a.update_id in (sams, kims)]
    assert any("just taken" in text for text in alerts) or "just taken" in loser_sees.content


async def test_an_update_whose_worker_died_is_taken_over_within_seconds(fleet: Fleet) -> None:
    f, sam = fleet, 821
    tutor = await make_teacher(f.uow, datetime.now(UTC), 7003, timezone="UTC")
    first_day, _ = in_two_and_three_days()
    await make_slots(f.uow, tutor, first_day, count=1)
    sid = await f.student(sam, "Sam", tutor.id)
    await f.press(sam, "📝 Book a lesson", worker=1)
    await f.press(sam, f.day_buttons(sam)[0], worker=1)
    await f.press(sam, "🟢 10:00–11:00 Math", worker=1)

    confirm = f.take(f.server.press_button(sam, "✅ Confirm"))
    # Held far longer than a busy machine may keep this test from the kill below, so the kill
    # lands inside the update whatever the load (the live worker's heartbeat keeps its claim).
    f.server.inject_fault("answerCallbackQuery", "slow", delay=10.0)
    dying = asyncio.create_task(f.post(confirm, worker=0))
    async with asyncio.timeout(60):  # until worker 0 is inside the update (holding its claim)
        # The sandbox signals no event when it takes a fault: poll it, with the deadline above.
        while f.server.faults:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    f.workers[0].kill()
    with contextlib.suppress(aiohttp.ClientError):
        assert await dying != 200, "the worker was killed inside the update, not after it"
    loop = asyncio.get_running_loop()
    died = loop.time()

    # Telegram redelivers the update (here to worker 1) until one worker answers 200.
    statuses = []
    async with asyncio.timeout(60):
        while not statuses or statuses[-1] != 200:
            statuses.append(await f.post(confirm, worker=1))
            await asyncio.sleep(0.5)  # Telegram's own pace between redeliveries
    waited = loop.time() - died
    assert set(statuses[:-1]) <= {503}, "not handled twice at once: the claim was respected"
    assert waited < 45, f"the dead worker's claim was taken over after {waited:.0f} s"
    last = f.server.last_bot_message(sam)
    assert last is not None and "Booked:" in last.content
    async with f.uow() as u:
        held = await u.bookings.of_student(sid, confirmed_only=False)
    assert [b.status for b, _ in held] == [BookingStatus.CONFIRMED]
    await f.restart(0)  # as the supervisor would; the module's end stops both gracefully
