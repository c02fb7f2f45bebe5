"""Bench 8b: the 90-day audit CSV of the large teacher, the database formatting it against the
Python formatting it replaced, alternating in one process (a busy machine moves both alike).

The previous path is rebuilt here from what is still in the code: the audit events read as
objects (`SqlStats.audit_between`), the students' names, then each row formatted in Python
(UTC and local time strings, name, sorted detail). Both files must be byte for byte the same.
Four other teachers' audit trails share the database (--others), and the plan of the new
statement is printed.
Prints wall and CPU p50 of each (CPU counts SQLite's thread too) and their ratio; exits 1 when
the files differ or the new path is not faster.

python -m bench.audit_export_ab --db sqlite
python -m bench.audit_export_ab --db postgres
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
import time
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.common import database, machine, p50, parser
from bench.large_teacher import LARGE, Size, build
from bench.stats_export import HEADERS, audit_plan, deps_on
from bot.services import analytics, audit_csv
from bot.services.context import Deps
from bot.services.ownership import teacher_of

ROUNDS = 21
# Other teachers sharing the database, each with 500 students and 200,000 audit events: the
# large teacher's events are then a fifth of the table, as in a database of many teachers.
OTHERS = 4
OTHER = Size(students=500, slots=24, upcoming=0, past=0, audit=200_000)


async def python_formatting(deps: Deps, telegram_id: int) -> bytes:
    """The audit CSV as it was built before: event objects, then every cell in Python."""
    now = deps.clock.now()
    async with deps.reading() as uow:
        teacher = await teacher_of(uow, telegram_id)
        zone = teacher.settings.timezone
        period = analytics.period_of("90d", now, zone)
        found = await uow.stats.audit_between(teacher.id, period.start, period.end)
        names = await uow.stats.student_names(teacher.id)
    tz, escape = ZoneInfo(zone), audit_csv.FORMULA_START
    rows = []
    for e in found:
        student = names.get(e.student_id or 0, "")
        detail = json.dumps(e.detail, ensure_ascii=False, sort_keys=True, default=str)
        rows.append(
            [
                e.at.isoformat(),
                e.at.astimezone(tz).isoformat(" ", "minutes")[:16],
                e.event,
                e.outcome,
                str(e.actor_telegram_id or ""),
                "'" + student if student.startswith(escape) else student,
                "'" + detail if detail.startswith(escape) else detail,
            ]
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS[:7])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def database_formatting(deps: Deps, telegram_id: int) -> bytes:
    """The audit CSV as /export builds it now."""
    return (await audit_csv.audit_file(deps, telegram_id, "90d", HEADERS[:7])).data


async def main() -> int:
    """Build the large teacher, check both files agree, then time them alternately."""
    p = parser(__doc__ or "")
    p.add_argument("--rounds", type=int, default=ROUNDS)
    p.add_argument("--others", type=int, default=OTHERS, help="other teachers' audit trails")
    args = p.parse_args()
    print(f"machine: {machine()}\ndatabase: {args.db}")
    async with database(args.db, args.pg_url) as (_url, engine):
        built = await build(engine, LARGE, 1)
        for number in range(2, 2 + args.others):  # the rest of a shared database
            await build(engine, OTHER, number)
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        deps, t = deps_on(engine), built.teacher_telegram
        ways: dict[str, Callable[[Deps, int], Awaitable[bytes]]] = {
            "Python formatting (before)": python_formatting,
            "database formatting (now)": database_formatting,
        }
        files = {name: await way(deps, t) for name, way in ways.items()}
        rows = files["database formatting (now)"].count(b"\n") - 1
        same = len(set(files.values())) == 1
        print(f"  90-day audit CSV: {rows} rows, files identical: {same}")
        walls: dict[str, list[float]] = {name: [] for name in ways}
        cpus: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.rounds):
            for name, way in ways.items():
                wall, cpu = time.perf_counter(), time.process_time()
                await way(deps, t)
                walls[name].append((time.perf_counter() - wall) * 1000)
                cpus[name].append((time.process_time() - cpu) * 1000)
        for name in ways:
            print(
                f"  {name:<28} wall p50 {p50(walls[name]):7.1f} ms,"
                f" CPU p50 {p50(cpus[name]):7.1f} ms"
            )
        before, now = ways
        wall_ratio = p50(walls[now]) / p50(walls[before])
        cpu_ratio = p50(cpus[now]) / p50(cpus[before])
        print(f"  now / before: wall x{wall_ratio:.2f}, CPU x{cpu_ratio:.2f}")
        plan = await audit_plan(engine, deps, built.teacher_id)
        print("  plan of the audit CSV's statement:\n    " + "\n    ".join(plan))
    ok = same and cpu_ratio < 1
    print("ok" if ok else "MISSED: " + ("files differ" if not same else "not faster"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
