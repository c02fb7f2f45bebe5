"""Students' links as teacher and students see them: open, QR, regenerate, limits, abuse."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from storage.models import Base
from tests.handlers.conftest import BOT_USERNAME, Harness
from tests.qr_codes import decoded
from tests.steps.teacher_steps import book_first_free, delivered, enroll, register, said, told

TEACHER = 3001
OTHER_TEACHER = 3002
ANNA = 3101
MALLORY = 3102


async def test_enrolled_students_link_opens_for_the_student(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    card = h.last(TEACHER)
    assert f"https://t.me/{BOT_USERNAME}?start={token}" in card.content
    assert "🔴 Anna" in card.content and "Opened 0 times · no limit" in card.content
    share = card.find_button("📤 Share")
    assert share is not None and share.url and share.url.startswith("https://t.me/share/url?url=")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    welcome = h.last(ANNA)
    assert "connected to Ms Smith" in welcome.content
    assert "📝 Book a lesson" in welcome.button_texts()


async def test_qr_code_is_a_photo_that_decodes_to_the_link(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, card_id = await enroll(h, TEACHER, "Anna")
    await h.press(TEACHER, "🔳 QR code", message_id=card_id)
    photo = h.last(TEACHER).photo
    assert photo is not None
    assert decoded(photo) == f"https://t.me/{BOT_USERNAME}?start={token}"


async def test_regenerate_makes_the_old_link_fail_and_the_new_one_work(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    old, card_id = await enroll(h, TEACHER, "Anna")
    await h.press(TEACHER, "🔄 Regenerate", message_id=card_id)
    await h.press(TEACHER, "Yes, make a new link")
    new, _ = await _token_in_last(h)
    assert new != old
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {old}")
    await told(h, ANNA, "replaced by a newer one")
    await h.send(ANNA, f"/start {new}")
    assert "connected to Ms Smith" in h.last(ANNA).content


async def _token_in_last(h: Harness) -> tuple[str, int]:
    from tests.steps.teacher_steps import LINK

    card = h.last(TEACHER)
    found = LINK.search(card.content)
    assert found, card.content
    return found.group(1), card.message_id


async def test_expiry_and_maximum_uses_are_enforced(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, card_id = await enroll(h, TEACHER, "Anna")
    await h.press(TEACHER, "⚙️ Expiry and uses", message_id=card_id)
    await h.press(TEACHER, "7 days")
    await h.press(TEACHER, "1 use")
    assert "Opened 0 of 1 time" in h.last(TEACHER).content
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    assert "connected to Ms Smith" in h.last(ANNA).content
    h.user(MALLORY, "Mallory")
    await h.send(MALLORY, f"/start {token}")
    await told(h, MALLORY, "used as many times as allowed")
    await h.press(TEACHER, "unlimited uses")
    h.clock.advance(timedelta(days=7, minutes=1))
    await h.send(ANNA, f"/start {token}")
    await told(h, ANNA, "This link has expired")


async def test_second_account_is_refused_on_a_bound_link_and_the_teacher_is_told(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    h.user(MALLORY, "Mallory")
    await h.send(ANNA, f"/start {token}")
    await h.send(MALLORY, f"/start {token}")
    await told(h, MALLORY, "already belongs to another Telegram account")
    await delivered(h, TEACHER, "from another Telegram account")


async def test_repeated_bad_tokens_block_that_account_only(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(MALLORY, "Mallory")
    for i in range(5):
        await h.send(MALLORY, f"/start guessed-token-{i:04d}-abcdefgh")
    await told(h, MALLORY, "This link is not valid")
    await h.send(MALLORY, f"/start {token}")  # even a valid token is not tried now
    await told(h, MALLORY, "Too many invalid links")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    assert "connected to Ms Smith" in h.last(ANNA).content
    async with h.app.deps.uow() as uow:
        [student] = await uow.students.by_telegram(ANNA)
    assert student.name == "Anna"  # Mallory never got bound


async def test_database_holds_no_plain_token(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    await h.send(TEACHER, "/link anna")
    await h.press(TEACHER, "✉️ Send new link to the student")
    assert "on its way" in h.chat(TEACHER)[-2].content
    new_token, _ = await _token_in_last(h)
    async with h.app.engine.connect() as conn:
        dumps = []
        for table in Base.metadata.sorted_tables:
            rows = (await conn.execute(text(f"SELECT * FROM {table.name}"))).all()
            dumps.append((table.name, rows))
    [(_, links)] = [d for d in dumps if d[0] == "share_links"]
    assert links, "the link should be stored"
    for name, rows in dumps:
        for row in rows:
            for value in row:
                raw = value if isinstance(value, bytes) else str(value).encode()
                assert token.encode() not in raw, f"plain token found in {name}"
                assert new_token.encode() not in raw, f"plain token found in {name}"


async def test_a_teacher_cannot_touch_another_teachers_students(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await enroll(h, TEACHER, "Zoe")
    await register(h, OTHER_TEACHER, "Mr Jones")
    await h.send(OTHER_TEACHER, "/students")
    roster = h.last(OTHER_TEACHER)
    assert "Zoe" not in roster.content
    async with h.app.deps.uow() as uow:
        teacher = await uow.teachers.by_telegram(TEACHER)
        assert teacher is not None
        [zoe] = await uow.students.of_teacher(teacher.id)
    for data in (
        f"stu:card:{zoe.id}",
        f"lnk:regen:{zoe.id}",
        f"lnk:revoke:{zoe.id}",
        f"lnk:qr:{zoe.id}",
        f"stu:archive_ok:{zoe.id}",
    ):
        await h.press_data(OTHER_TEACHER, roster.message_id, data)
    await h.send(OTHER_TEACHER, "/link Zoe")
    await told(h, OTHER_TEACHER, "No student called Zoe.")
    mentions = [m.content for m in h.chat(OTHER_TEACHER) if m.from_bot and "Zoe" in m.content]
    assert mentions == ["No student called Zoe. /students lists them all."]  # their own words
    async with h.app.deps.uow() as uow:
        link = await uow.links.current(zoe.id)
        events = await uow.audit.recent(limit=50)
        student = await uow.students.get(zoe.id)
    assert link is not None and link.revoked_at is None and link.use_count == 0
    assert student is not None and not student.archived
    refused = [
        e for e in events if e.event == "foreign_object" and e.actor_telegram_id == OTHER_TEACHER
    ]
    assert len(refused) == 5


async def test_the_bound_student_reopens_her_own_link_whatever_its_uses(
    harness: Harness,
) -> None:
    h = harness
    await register(h, TEACHER)
    token, card_id = await enroll(h, TEACHER, "Anna")
    await h.press(TEACHER, "⚙️ Expiry and uses", message_id=card_id)
    await h.press(TEACHER, "1 use")
    h.user(ANNA, "Anna")
    for _ in range(3):
        await h.send(ANNA, f"/start {token}")
        assert "connected to Ms Smith" in h.last(ANNA).content, h.last(ANNA).content
    assert not said(h, ANNA, "used as many times as allowed")
    await h.send(TEACHER, "/link Anna")
    card = h.last(TEACHER).content
    assert "Uses count openings before the link is bound to Anna's account" in card
    assert "Booking link for 🔴 Anna: active" in card
    assert "Opened 1 of 1 time" in card and f"start={token}" in card
    h.user(MALLORY, "Mallory")
    await h.send(MALLORY, f"/start {token}")
    await told(h, MALLORY, "Please ask your teacher")
    async with h.app.deps.uow() as uow:
        [student] = await uow.students.by_telegram(ANNA)
    assert student.name == "Anna"


async def test_the_uses_rule_is_on_the_russian_link_card(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "UTC")
    token, card_id = await enroll(h, TEACHER, "Маша")
    await h.press(TEACHER, "⚙️ Срок и число открытий", message_id=card_id)
    [one_use] = [b for b in h.last(TEACHER).button_texts() if b.startswith("1 ")]
    await h.press(TEACHER, one_use)
    assert "Использования считаются только до привязки ссылки к аккаунту Маша" in (
        h.last(TEACHER).content
    )
    h.user(ANNA, "Маша", language="ru")
    await h.send(ANNA, f"/start {token}")
    await h.send(ANNA, f"/start {token}")
    assert not said(h, ANNA, "максимально допустимое число раз")


async def _anna_with_two_lessons(h: Harness) -> str:
    await h.send(TEACHER, "/addslots tue 10:00-12:00 60 Math")
    token, _ = await enroll(h, TEACHER, "Anna")
    h.user(ANNA, "Anna")
    await h.send(ANNA, f"/start {token}")
    for _ in range(2):
        await book_first_free(h, ANNA, TEACHER)
    return token


async def test_regenerate_and_revoke_ask_first_and_name_what_happened(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    old = await _anna_with_two_lessons(h)
    await h.send(TEACHER, "/link Anna")
    await h.press(TEACHER, "🔄 Regenerate")
    ask = h.last(TEACHER)
    assert "Make a new link for Anna?" in ask.content
    assert "Anna will lose access to the old link" in ask.content
    assert "Anna's 2 booked lessons stay booked" in ask.content
    await h.send(ANNA, "/book")  # asking changed nothing: Anna still books
    assert "replaced" not in h.last(ANNA).content
    await h.press(TEACHER, "Yes, make a new link", message_id=ask.message_id)
    done = next(m for m in h.chat(TEACHER) if m.message_id == ask.message_id)
    assert "Anna has a new link; the old one no longer works." in done.content
    assert "2 booked lessons stay booked." in done.content and not done.buttons
    new, _ = await _token_in_last(h)
    assert new != old
    await h.press(TEACHER, "⛔ Revoke")
    ask = h.last(TEACHER)
    assert "Turn off the link of Anna?" in ask.content
    assert "The link will stop working." in ask.content  # nobody holds the new link yet
    await h.press(TEACHER, "Keep the link", message_id=ask.message_id)
    assert "Nothing was changed" in h.chat(TEACHER)[-1].content
    await h.send(ANNA, f"/start {new}")
    assert "connected to Ms Smith" in h.last(ANNA).content
    async with h.app.deps.uow() as uow:
        [student] = await uow.students.by_telegram(ANNA)
        assert len(await uow.bookings.of_student(student.id)) == 2  # still booked
    await h.send(TEACHER, "/link Anna")
    await h.press(TEACHER, "⛔ Revoke")
    assert "Anna will lose access: the link stops working" in h.last(TEACHER).content
    await h.press(TEACHER, "Yes, turn it off")
    assert said(h, TEACHER, "The link of Anna is turned off. 2 booked lessons stay booked.")
    await h.send(ANNA, "/book")
    await told(h, ANNA, "turned this link off")


async def test_the_regenerate_question_in_russian(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "UTC")
    await _anna_with_two_lessons(h)
    await h.send(TEACHER, "/link Anna")
    await h.press(TEACHER, _ru_button(h, "🔄 Regenerate"))
    ask = h.last(TEACHER).content
    assert "Создать новую ссылку для Anna?" in ask
    assert "Anna потеряет доступ по старой ссылке" in ask
    assert "Anna: 2 забронированных занятия остаются в силе" in ask
    await h.press(TEACHER, "Да, создать новую ссылку")
    assert said(h, TEACHER, "Новая ссылка для Anna создана; старая больше не работает.")
    await h.send(TEACHER, "/link Anna")
    await h.press(TEACHER, _ru_button(h, "⛔ Revoke"))
    assert "Отключить ссылку для Anna?" in h.last(TEACHER).content
    await h.press(TEACHER, "Да, отключить")
    assert said(h, TEACHER, "Ссылка для Anna отключена. 2 забронированных занятия остаются")


def _ru_button(h: Harness, msgid: str) -> str:
    return h.app.i18n.gettext(msgid, locale="ru")
