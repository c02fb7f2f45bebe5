"""Students' names: duplicates among active students are refused; lookups say what failed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import AmbiguousStudent, DuplicateStudentName, UnknownStudent
from bot.domain.model import Student
from bot.domain.students import check_name_free, pick_by_name

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _student(sid: int, name: str, archived: bool = False) -> Student:
    return Student(id=sid, teacher_id=1, name=name, colour=0, created_at=NOW, archived=archived)


def test_a_name_differing_only_in_case_or_spaces_is_taken() -> None:
    roster = [_student(1, "Anna  Karenina"), _student(2, "Ben", archived=True)]
    with pytest.raises(DuplicateStudentName):
        check_name_free("anna karenina", roster)
    check_name_free("Ben", roster)  # archived students do not hold their name
    check_name_free("ANNA KARENINA", roster, renaming=1)  # a student may change her own case


def test_lookup_by_name_refuses_unknown_and_shared_names() -> None:
    roster = [_student(1, "Anna"), _student(2, "Alex"), _student(3, "Zoe"), _student(4, "zoe")]
    assert pick_by_name("anna", roster).id == 1
    assert pick_by_name("ann", roster).id == 1
    with pytest.raises(UnknownStudent):
        pick_by_name("A", roster)  # two names start with it
    with pytest.raises(UnknownStudent):
        pick_by_name("Bob", roster)
    with pytest.raises(AmbiguousStudent):
        pick_by_name("ZOE", roster)
