"""run_bot.py's command line: workers, the supervisor's worker index, the demo's options."""

from __future__ import annotations

import argparse
from pathlib import Path


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Parse run_bot.py's arguments; exit 2 with usage when demo options come without --demo."""
    parser = argparse.ArgumentParser(description="Run LessonLink.")
    parser.add_argument("--workers", type=int, help="worker processes (overrides WORKERS)")
    parser.add_argument("--worker-index", type=int, help=argparse.SUPPRESS)  # set by supervisor
    demo = parser.add_argument_group("demo", "try LessonLink in a browser: no token, no Telegram")
    demo.add_argument("--demo", action="store_true", help="run the demo with its web chat page")
    demo.add_argument("--sample", action="store_true", help="start with a teacher and students")
    demo.add_argument("--port", type=int, help="the page's port (default 8321)")
    demo.add_argument("--data-dir", type=Path, help="the demo's folder (default ./data/demo)")
    demo.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    if not args.demo and (args.sample or args.port or args.data_dir or args.no_browser):
        parser.error("--sample, --port, --data-dir and --no-browser go with --demo")
    return args
