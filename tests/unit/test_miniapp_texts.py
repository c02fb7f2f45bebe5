"""The Mini App's scripts say nothing the catalogs do not hold, and never write API data as
HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from web.miniapp import ASSETS
from web.miniapp_texts import TEXTS

SCRIPTS = sorted(ASSETS.glob("*.js"))
CALL = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"')


def test_every_text_the_page_shows_is_marked_for_the_catalogs() -> None:
    used = {m for path in SCRIPTS for m in CALL.findall(path.read_text(encoding="utf-8"))}
    assert used, "no t(...) calls found: the pattern no longer matches the scripts"
    assert sorted(used - set(TEXTS)) == []


def test_the_texts_are_listed_once() -> None:
    assert len(TEXTS) == len(set(TEXTS))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_no_script_writes_html(path: Path) -> None:
    # Names are user input: the page builds elements and sets textContent, never markup.
    source = path.read_text(encoding="utf-8")
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert risky not in source, f"{path.name} uses {risky}"
