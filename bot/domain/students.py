"""Rules for students' names: a teacher tells her active students apart by name."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.errors import AmbiguousStudent, DuplicateStudentName, UnknownStudent
from bot.domain.model import Student


def name_key(name: str) -> str:
    """How names compare: whitespace collapsed, case ignored ('anna  k' is 'Anna K')."""
    return " ".join(name.split()).casefold()


def check_name_free(name: str, roster: Iterable[Student], renaming: int | None = None) -> None:
    """Refuse a name another active student of the teacher already has (any case).

    The student being renamed (id `renaming`) does not count, so 'anna' may become 'Anna'.
    """
    key = name_key(name)
    if any(s.id != renaming and not s.archived and name_key(s.name) == key for s in roster):
        raise DuplicateStudentName(name)


def pick_by_name(name: str, roster: Iterable[Student]) -> Student:
    """The active student with this name (any case), or the only one whose name it starts."""
    key = name_key(name)
    active = [s for s in roster if not s.archived]
    exact = [s for s in active if name_key(s.name) == key]
    if len(exact) > 1:  # enrolled before names had to differ
        raise AmbiguousStudent(name)
    prefix = [s for s in active if name_key(s.name).startswith(key)]
    found = exact or (prefix if len(prefix) == 1 else [])
    if not key or not found:
        raise UnknownStudent(name)
    return found[0]
