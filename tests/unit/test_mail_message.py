"""The mail a student gets: language, escaping, the .ics part, the link with its QR code."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from bot.config_mail import parse_smtp_url
from bot.domain.clock import ManualClock
from bot.domain.mail import MailCalendar, OutgoingMail
from bot.domain.model import Actor
from bot.domain.notices import BookingNew, CancelledByTeacher, Lesson, NewLink
from runtime.mail import SmtpMailer
from views.i18n import make_i18n

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NAME = "Tanya <b>&</b>"
LESSON = Lesson(
    booking_id=7,
    starts_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 1, 11, 0, tzinfo=UTC),
    teacher_id=3,
    teacher_name=NAME,
    teacher_tz="Europe/Berlin",
    student_id=5,
    student_name="Sam",
    colour=2,
    subject="Math",
)
CALENDAR = MailCalendar(
    "booking-7@lessonlink",
    0,
    LESSON.starts_at,
    LESSON.ends_at,
    NAME,
    "Math",
    "Europe/Berlin",
    cancelled=False,
)


def mailer() -> SmtpMailer:
    target = parse_smtp_url("smtp://127.0.0.1:2525")
    return SmtpMailer(
        target,
        "LessonLink <lessons@example.com>",
        "https://bot.example.com",
        make_i18n(),
        ManualClock(NOW),
        deep_link=lambda sealed: f"https://t.me/b?start={sealed.decode()}",
    )


def test_a_lesson_mail_is_in_the_students_language_with_names_escaped_in_html() -> None:
    notice = BookingNew(lesson=LESSON)
    mail = OutgoingMail(
        1, "sam@example.com", notice, "ru", "Europe/Moscow", "T" * 43, calendar=CALENDAR
    )
    message = mailer().message(mail)
    assert message["Subject"] == f"Занятие ({NAME}) забронировано"
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"Ваше занятие ({NAME}) забронировано" in plain
    assert "Tanya &lt;b&gt;&amp;&lt;/b&gt;" in page and NAME not in page
    assert "Europe/Moscow" in plain  # the student's own zone
    assert "https://bot.example.com/mail/unsubscribe/" + "T" * 43 in plain
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [ics] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(ics.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "booking-7@lessonlink"
    assert str(event["ORGANIZER"]) == "mailto:lessons@example.com"


def test_a_cancellation_carries_method_cancel_and_the_teachers_reason() -> None:
    notice = CancelledByTeacher(lesson=LESSON, by=Actor.TEACHER, reason="ill")
    cancelled = MailCalendar(**{**CALENDAR.__dict__, "cancelled": True, "sequence": 1})
    mail = OutgoingMail(2, "sam@example.com", notice, "en", "UTC", "T" * 43, calendar=cancelled)
    message = mailer().message(mail)
    assert "cancelled" in message["Subject"]
    assert "Reason: ill" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [ics] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "CANCEL"
    assert b"STATUS:CANCELLED" in ics.get_payload(decode=True)


def test_a_link_mail_holds_the_link_and_its_qr_code_inline() -> None:
    notice = NewLink(teacher_id=3, teacher_name=NAME, student_id=5, link_id=1, sealed_token="dG9r")
    mail = OutgoingMail(3, "sam@example.com", notice, None, "UTC", "T" * 43)
    message = mailer().message(mail)
    plain = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "https://t.me/b?start=tok" in plain
    [png] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert png["Content-ID"] == "<qr>"
    assert 'src="cid:qr"' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_the_access_log_never_shows_an_unsubscribe_secret() -> None:
    from bot.security import TokenVault
    from web.api.access_log import redact_path

    secret = TokenVault.new_token()
    assert redact_path(f"/mail/unsubscribe/{secret}") == "/mail/unsubscribe/<token>"
