"""Email settings: a bad SMTP_URL or MAIL_FROM, or a missing companion, stops the start with
one sentence; the SMTP password never shows."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from tests.startup.conftest import StartBot

TOKEN = "424242:startup-secret-token-value"
GOOD = {"SMTP_URL": "smtps://lessons:pa55-w0rd@mail.example.com", "MAIL_FROM": "x@example.com"}


@pytest.mark.parametrize(
    ("values", "variable", "said"),
    [
        ({"SMTP_URL": "http://mail.example.com"}, "SMTP_URL", "smtps://"),
        ({"SMTP_URL": "smtps://mail.example.com:99999"}, "SMTP_URL", "port"),
        ({"SMTP_URL": "smtps://bad_host-.example"}, "SMTP_URL", "valid host"),
        ({"SMTP_URL": "smtp://u:pa55-w0rd@mail.example.com"}, "SMTP_URL", "unencrypted"),
        ({**GOOD, "MAIL_FROM": "LessonLink <not an address>"}, "MAIL_FROM", "malformed"),
        ({"SMTP_URL": GOOD["SMTP_URL"]}, "MAIL_FROM", "MAIL_FROM=LessonLink"),
        (GOOD, "SMTP_URL", "unsubscribe link"),
        ({**GOOD, "PUBLIC_URL": "https://bot.example.com"}, "SMTP_URL", "set WEB_PORT"),
    ],
)
async def test_a_bad_mail_setting_stops_the_start_with_one_sentence(
    start: StartBot, values: dict[str, str], variable: str, said: str
) -> None:
    done = await start(**values)
    sentence = done.sentence(variable)
    assert said in sentence
    assert "pa55-w0rd" not in done.err + done.out


def test_a_good_smtp_url_names_host_port_tls_and_login() -> None:
    settings = load_settings(
        bot_token=TOKEN,
        smtp_url="smtp+starttls://lessons%40school:p%3Ass@mail.example.com:2525",
        mail_from="LessonLink <Lessons@Example.com>",
        public_url="https://bot.example.com",
        web_port=8081,
    )
    smtp = settings.smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.tls) == ("mail.example.com", 2525, "starttls")
    assert (smtp.user, smtp.password) == ("lessons@school", "p:ss")
    assert settings.mail_from == "LessonLink <Lessons@example.com>"
    assert "p:ss" in settings.secrets()  # redacted from every log line
    assert "p:ss" not in repr(smtp) + repr(settings)


def test_without_smtp_url_email_is_off() -> None:
    assert load_settings(bot_token=TOKEN).smtp is None
