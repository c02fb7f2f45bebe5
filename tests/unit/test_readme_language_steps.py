"""The README's steps for adding a language run as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _steps() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Languages", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None, "the Languages section has a bash block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_the_add_a_language_steps_run_as_written(tmp_path: Path) -> None:
    for name in ("bot", "handlers", "jobs"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("run_bot.py", "babel.cfg"):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = str(Path(sys.executable).parent) + "/"
    steps = _steps()
    assert len(steps) == 3
    for step in steps:
        command = step.replace(".venv/bin/", bin_dir)
        done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, f"{step}\n{done.stderr}"
    po = tmp_path / "bot/texts/locales/de/LC_MESSAGES/messages.po"
    assert po.exists() and 'msgid "Change the language"' in po.read_text()
