"""Who hears of a student's lessons besides the student: connected guardians, an email address."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.guardians import Guardian
from bot.domain.mail import StudentEmail


@dataclass(frozen=True)
class Audience:
    """A student's bound, live guardians (none while archived) and their address, if any."""

    guardians: tuple[Guardian, ...] = ()
    email: StudentEmail | None = None
