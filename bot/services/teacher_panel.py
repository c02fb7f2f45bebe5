"""The teacher panel's use cases (the Mini App and API keys): students and their links.

They return plain dataclasses; the web layer renders them. Regenerating and revoking are the
chat's own services (bot.services.links), with the same audit and effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot.domain.errors import InvalidInput, LinkRefusal, NotFound
from bot.domain.links import refusal_to_open
from bot.domain.model import ShareLink, Student
from bot.services import links
from bot.services.context import Deps, records_refusals
from bot.services.ownership import teacher_of

EVER = datetime(2000, 1, 1, tzinfo=UTC)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)
MAX_EXPIRY_DAYS = 3650
MAX_USES = 10_000
OPENED = "opened"  # the outcome link_opening.open_link audits for a link that opened


class LinkState(StrEnum):
    """A link as the panel shows it."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


def state_of(refusal: LinkRefusal | None) -> LinkState:
    """The panel's state for why a link would be refused (None: it opens)."""
    if refusal is None:
        return LinkState.ACTIVE
    if refusal == LinkRefusal.EXPIRED:
        return LinkState.EXPIRED
    if refusal == LinkRefusal.USED_UP:
        return LinkState.USED_UP
    return LinkState.REVOKED


@dataclass(frozen=True)
class LinkView:
    """A student's newest link; token is set only while it is live (shown to its teacher)."""

    student: Student
    link: ShareLink
    state: LinkState
    token: str | None
    browser: bool = False  # the teacher lets links open the portal in a plain browser too

    @property
    def bound(self) -> bool:
        """Whether an account holds the link."""
        return self.student.telegram_id is not None


@dataclass(frozen=True)
class StudentLine:
    """One active student in the panel's list."""

    student: Student
    link: LinkView | None
    upcoming: int
    openings: int
    last_opened_at: datetime | None


@dataclass(frozen=True)
class StudentList:
    """The teacher's active students, by name, in the teacher's zone."""

    zone: str
    students: list[StudentLine]


@dataclass(frozen=True)
class NewLimits:
    """Limits for a regenerated link; a field left None keeps the teacher's default."""

    expires_in_days: int | None = None  # 0: never expires
    max_uses: int | None = None  # 0: unlimited

    def check(self) -> None:
        """Refuse values out of range (InvalidInput names the field)."""
        if self.expires_in_days is not None and not 0 <= self.expires_in_days <= MAX_EXPIRY_DAYS:
            raise InvalidInput("expires_in_days", str(self.expires_in_days))
        if self.max_uses is not None and not 0 <= self.max_uses <= MAX_USES:
            raise InvalidInput("max_uses", str(self.max_uses))


def last_opened(every: list[ShareLink]) -> dict[int, datetime]:
    """When each student last opened any of their links (students never opened left out)."""
    last: dict[int, datetime] = {}
    for found in every:
        at = found.last_used_at
        if at is not None and (found.student_id not in last or at > last[found.student_id]):
            last[found.student_id] = at
    return last


def _view(card: links.LinkCard) -> LinkView:
    """The panel's view of a chat link card; NotFound when the student never had a link."""
    if card.link is None:
        raise NotFound()
    return LinkView(card.student, card.link, state_of(card.refusal), card.token, card.browser)


async def students(deps: Deps, telegram_id: int) -> StudentList:
    """Every active student: colour, link state, coming lessons, openings, last opening."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        roster = await uow.students.page_with_upcoming(teacher.id, now, 0, 100_000)
        every = [found for found, _student in await uow.stats.links(teacher.id)]
        newest: dict[int, ShareLink] = {}
        for found in every:  # newest first
            newest.setdefault(found.student_id, found)
        last = last_opened(every)
        opened = await uow.stats.outcomes_by_student(teacher.id, EVER, FOREVER, "link.open", OPENED)
    lines = []
    for student, upcoming in roster:
        current = newest.get(student.id)
        view = None
        if current is not None:
            refusal = refusal_to_open(current, now, spends=student.telegram_id is None)
            view = LinkView(student, current, state_of(refusal), None)
        lines.append(
            StudentLine(student, view, upcoming, opened.get(student.id, 0), last.get(student.id))
        )
    return StudentList(teacher.settings.timezone, lines)


async def link(deps: Deps, telegram_id: int, student_id: int) -> LinkView:
    """One student's newest link; 404 for another teacher's student or one without a link."""
    return _view(await links.card(deps, telegram_id, student_id))


async def regenerate(
    deps: Deps, telegram_id: int, student_id: int, limits: NewLimits | None = None
) -> LinkView:
    """A new link replacing the old one, as the chat's Regenerate; optional limits set after."""
    if limits is not None:
        limits.check()
    card = (await links.regenerate(deps, telegram_id, student_id)).card
    if limits is None or (limits.expires_in_days is None and limits.max_uses is None):
        return _view(card)
    return _view(await _set_limits(deps, telegram_id, student_id, limits))


@records_refusals
async def _set_limits(
    deps: Deps, telegram_id: int, student_id: int, limits: NewLimits
) -> links.LinkCard:
    """Apply the asked limits to the student's live link; audited as the chat's limits are."""
    days, uses = limits.expires_in_days, limits.max_uses
    return await links.limit_live(
        deps, telegram_id, student_id, days, uses, expires_in_days=days, max_uses=uses
    )


async def revoke(deps: Deps, telegram_id: int, student_id: int) -> LinkView:
    """End the student's link, as the chat's Revoke."""
    return _view((await links.revoke(deps, telegram_id, student_id)).card)
