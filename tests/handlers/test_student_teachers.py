"""One Telegram account studying with two teachers: it is remembered and can switch."""

from __future__ import annotations

from tests.handlers.conftest import Harness
from tests.steps.student_steps import student, teacher

PIANO_TG, MATH_TG, KID = 7100, 7200, 7300


async def test_the_last_teacher_is_remembered_and_switching_shows_the_other(
    harness: Harness,
) -> None:
    h = harness
    piano = await teacher(h, PIANO_TG)
    maths = await teacher(h, MATH_TG)
    await student(h, piano, KID, "Kim")
    assert "Teacher 7100" in h.last(KID).content
    await student(h, maths, KID, "Kim")  # a second link, from the second teacher
    home = h.last(KID)
    assert "Teacher 7200" in home.content, "the teacher just opened becomes the current one"
    assert "🔄 Switch teacher" in home.button_texts()

    await h.send(KID, "/start")
    assert "Teacher 7200" in h.last(KID).content, "plain /start remembers the last teacher"

    await h.press(KID, "🔄 Switch teacher")
    choice = h.last(KID)
    assert "Which teacher?" in choice.content
    assert sorted(choice.button_texts()) == ["Teacher 7100", "Teacher 7200"]
    await h.press(KID, "Teacher 7100")
    assert "Teacher 7100" in h.last(KID).content
    await h.send(KID, "/start")
    assert "Teacher 7100" in h.last(KID).content, "the switch is remembered too"


async def test_a_student_gets_a_student_menu_in_their_chat(harness: Harness) -> None:
    h = harness
    piano = await teacher(h, PIANO_TG)
    await student(h, piano, KID, "Kim")
    scoped = [
        r.params
        for r in h.server.calls("setMyCommands", ok=True)
        if '"chat_id":' in str(r.params.get("scope")).replace("'", '"')
        and str(KID) in str(r.params.get("scope"))
    ]
    assert scoped, "the student's chat gets its own command menu"
    commands = str(scoped[-1]["commands"])
    assert "mybookings" in commands and "book" in commands and "addslots" not in commands
