"""A teacher's active students have distinct names; an unknown name is said to be unknown."""

from __future__ import annotations

from tests.handlers.conftest import Harness
from tests.steps.teacher_steps import enroll, register, told

TEACHER = 4701


async def _roster(h: Harness) -> str:
    await h.send(TEACHER, "/students")
    return h.last(TEACHER).content


async def test_a_duplicate_name_is_refused_on_enrolment_and_rename(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await enroll(h, TEACHER, "Anna")
    await h.send(TEACHER, "/addstudent  anna ")
    await told(h, TEACHER, "You already have a student called anna.")
    assert "“anna B.” or “anna (piano)”" in h.last(TEACHER).content
    assert "Your students (1)" in await _roster(h)
    await enroll(h, TEACHER, "Anna B.")
    await h.send(TEACHER, "/students")
    await h.press(TEACHER, "🟠 Anna B.")
    await h.press(TEACHER, "✏️ Rename")
    await h.send(TEACHER, "ANNA")
    await told(h, TEACHER, "You already have a student called ANNA.")
    await h.send(TEACHER, "Anna Berg")  # the prompt still waits, and a free name is taken
    assert "Renamed to Anna Berg" in h.last(TEACHER).content
    await h.send(TEACHER, "/link anna")
    assert "Booking link for 🔴 Anna:" in h.last(TEACHER).content


async def test_an_unknown_name_says_no_student_called_it(harness: Harness) -> None:
    h = harness
    await register(h, TEACHER)
    await enroll(h, TEACHER, "Anna")
    await h.send(TEACHER, "/link Zed")
    await told(h, TEACHER, "No student called Zed.")
    await h.send(TEACHER, "/stats Zed")
    assert "No student called Zed." in h.last(TEACHER).content
    await h.send(TEACHER, "/link <b>" + "x" * 300)
    answer = h.last(TEACHER).content
    assert answer.startswith("No student called <b>xxx") and "…" in answer  # escaped, shortened
    assert len(answer) < 150


async def test_names_in_russian(harness: Harness) -> None:
    h = harness
    h.user(TEACHER, "Ольга", language="ru")
    await h.send(TEACHER, "/teach")
    await h.send(TEACHER, "Ольга Петровна")
    await h.send(TEACHER, "UTC")
    await enroll(h, TEACHER, "Маша")
    await h.send(TEACHER, "/addstudent МАША")
    await told(h, TEACHER, "У вас уже есть ученик с именем МАША.")
    await h.send(TEACHER, "/link Петя")
    await told(h, TEACHER, "Ученика с именем Петя нет.")
