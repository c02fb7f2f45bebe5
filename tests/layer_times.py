"""Opt-in pytest plugin: wall and CPU time per test layer (tests/<layer>/), printed at the end.

    .venv/bin/python -m pytest -p tests.layer_times tests/unit tests/handlers ...

CPU time counts this process and the processes it waited for (the bots the end-to-end tests
start), so it moves far less than wall time when other work shares the machine. Start-up and
collection (imports, assertion rewriting) are reported as a layer of their own.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import Counter
from collections.abc import Iterator

import pytest

_STARTED = time.perf_counter()
_wall: Counter[str] = Counter()
_cpu: Counter[str] = Counter()
_tests: Counter[str] = Counter()
START = "(start-up and collection)"


def _cpu_now() -> float:
    """CPU seconds of this process and of its waited-for children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note what starting and collecting cost."""
    _wall[START] = time.perf_counter() - _STARTED
    _cpu[START] = _cpu_now()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Time one test, set-up and teardown included, against its layer."""
    parts = item.nodeid.split("/")
    layer = parts[1] if len(parts) > 2 and parts[0] == "tests" else parts[0]
    wall, cpu = time.perf_counter(), _cpu_now()
    yield
    _wall[layer] += time.perf_counter() - wall
    _cpu[layer] += _cpu_now() - cpu
    _tests[layer] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print one line per layer, and the machine's load average (other work on it)."""
    terminalreporter.section("time per layer")
    for layer in sorted(_wall, key=lambda k: -_wall[k]):
        terminalreporter.write_line(
            f"{layer:28} {_tests[layer]:5} items  wall {_wall[layer]:7.1f} s"
            f"  cpu {_cpu[layer]:7.1f} s"
        )
    terminalreporter.write_line("load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if out := os.environ.get("LESSONLINK_LAYER_TIMES"):
        data = {k: {"wall": _wall[k], "cpu": _cpu[k], "tests": _tests[k]} for k in _wall}
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
