"""/export's audit CSV: the cells the database formats (storage/repositories/audit_export.py),
written as one file with each detail in canonical JSON (keys sorted, text unescaped).

A 90-day export of a busy teacher is ten thousand rows, so the work per row is kept to
string joins: csv's writer only for the header and for a row that needs its quoting rules
beyond the two free-text cells. Only the asking teacher's events and those about their own
students are in it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]

from bot.domain.zone_offsets import offset_spans
from bot.services import analytics as a
from bot.services.context import Deps
from bot.services.ownership import teacher_of

# UTC time, local time, event, outcome, actor, the student's name, the stored detail (JSON).
AuditLine = tuple[str, str, str, str, str, str, str | None]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What makes csv's minimal quoting quote a cell.
NEEDS_QUOTES = re.compile(r'[",\r\n]')
# One encoder for every detail: json.dumps with options builds a new one per call.
DETAIL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class AuditFile:
    """The audit CSV of a period, in the teacher's zone."""

    period: a.Period
    timezone: str
    data: bytes


async def audit_file(
    deps: Deps, telegram_id: int, period_key: str, headers: Sequence[str]
) -> AuditFile:
    """The teacher's audit events of the period as a CSV file, oldest first."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = teacher.settings.timezone
        period = a.period_of(period_key if period_key in a.PERIODS else "week", now, zone)
        spans = offset_spans(zone, period.start, period.end)
        lines = await uow.stats.audit_cells(teacher.id, period.start, period.end, spans)
    # Reading it in parts, each written while the next is read, was slower (each part's
    # statement costs as much again as its rows, docs/benchmarks.md, section 8).
    return AuditFile(period, zone, audit_csv(lines, headers))


def audit_csv(lines: Sequence[AuditLine], headers: Sequence[str]) -> bytes:
    """One row per event: UTC time, local time, event, outcome, actor, student, detail (JSON).

    UTF-8 with a byte-order mark, so spreadsheet programs read names correctly.
    """
    head = io.StringIO()
    csv.writer(head).writerow(headers)
    out, quotes, escape = [head.getvalue()], NEEDS_QUOTES.search, FORMULA_START
    for (utc, local, event, outcome, actor, student, _), detail in zip(
        lines, _details(lines), strict=True
    ):
        if student.startswith(escape):
            student = "'" + student
        if detail.startswith(escape):
            detail = "'" + detail
        plain = f"{utc},{local},{event},{outcome},{actor}"
        if plain.count(",") != 4 or quotes(plain.replace(",", "")):
            out.append(_quoted_row((utc, local, event, outcome, actor, student, detail)))
            continue
        if quotes(student):
            student = '"' + student.replace('"', '""') + '"'
        if quotes(detail):
            detail = '"' + detail.replace('"', '""') + '"'
        out.append(f"{plain},{student},{detail}\r\n")
    return "".join(out).encode("utf-8-sig")


def _quoted_row(cells: Sequence[str]) -> str:
    """A row whose fixed cells need quoting (never seen from the app): csv's own rules."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _details(lines: Sequence[AuditLine]) -> list[str]:
    """Each line's detail in canonical JSON, whatever its stored form.

    New rows are stored canonically (storage.engine), so the period's details are decoded in
    one json.loads and encoded back in one call: when that gives the stored text, it is used
    as it is. Otherwise (rows stored before, or by another writer) each is re-encoded.
    """
    stored = [line[6] or "{}" for line in lines]
    joined = "[" + ", ".join(stored) + "]"
    decoded = json.loads(joined)
    encode = _detail_encoder()
    if len(decoded) == len(stored) and encode(decoded) == joined:
        # An empty detail of any kind (null, [], "") is written {}, as on the slow path.
        return [text if detail else "{}" for text, detail in zip(stored, decoded, strict=True)]
    return [encode(detail or {}) for detail in decoded]


def _detail_encoder() -> Callable[[object], str]:
    """DETAIL_JSON.encode, with CPython's C encoder built once instead of once per call (as
    JSONEncoder.encode does: a third of each row's encoding). Details come from json.loads,
    so they hold no cycles to check for."""
    if c_make_encoder is None:  # another Python: the plain encoder, same text
        return DETAIL_JSON.encode
    chunks = c_make_encoder(None, str, encode_basestring, None, ": ", ", ", True, False, True)
    return lambda detail: "".join(chunks(detail, 0))
