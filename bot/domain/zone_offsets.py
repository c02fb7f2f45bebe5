"""A zone's UTC offsets over a period, so a database can turn UTC into local time by itself.

Neither SQLite nor every PostgreSQL holds the same zone data as Python; handing the database
the offsets Python's zoneinfo uses, span by span, keeps an export's local times exactly what
`datetime.astimezone` gives, on both databases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

STEP = timedelta(hours=1)  # zones change offset at most once an hour (in practice twice a year)


@dataclass(frozen=True)
class OffsetSpan:
    """From the previous span's `until` (or the start) to `until` (None: to the end)."""

    until: datetime | None
    seconds: int  # local time = UTC + seconds


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_spans(zone: str, start: datetime, end: datetime) -> list[OffsetSpan]:
    """The zone's offsets over the aware UTC period [start, end), each change to the second."""
    tz = ZoneInfo(zone)
    spans: list[OffsetSpan] = []
    current, moment = _offset(tz, start), start
    while moment < end:
        later = min(moment + STEP, end)
        after = _offset(tz, later)
        if after != current:
            # The change lies in (moment, later]: find its first second by halving.
            low, high = int(moment.timestamp()), math.ceil(later.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(tz, datetime.fromtimestamp(middle, UTC)) == current:
                    low = middle
                else:
                    high = middle
            spans.append(OffsetSpan(datetime.fromtimestamp(high, UTC), current))
            current = after
        moment = later
    spans.append(OffsetSpan(None, current))
    return spans
