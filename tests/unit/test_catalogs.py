"""Every user-facing text goes through a catalog, and every catalog covers every text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from views.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "__": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
SOURCES = ("bot", "handlers", "jobs", "sandbox")  # sandbox: the demo page's texts
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _code_messages() -> dict[str, str | None]:
    """msgid -> plural msgid, as extracted from the code the way `pybabel extract` does."""
    found: dict[str, str | None] = {}
    for folder in SOURCES:
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                found[message[0]] = message[1]
            else:
                found[message] = None
    return found


def _locales() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))


def test_there_is_a_russian_catalog() -> None:
    assert "ru" in _locales()


@pytest.mark.parametrize("locale", _locales())
def test_each_message_is_translated_once(locale: str) -> None:
    # Two entries for one msgid (catalogs edited side by side) would let one silently win.
    text = (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid ("(?:[^"\\]|\\.)*"(?:\n"(?:[^"\\]|\\.)*")*)', text, re.M)
    assert [i for i in set(ids) if ids.count(i) > 1] == []


@pytest.mark.parametrize("locale", _locales())
def test_catalog_translates_every_message_the_code_uses(locale: str) -> None:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    problems = []
    for msgid, plural in _code_messages().items():
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - wanted:
                problems.append(f"unknown placeholder in translation of {msgid!r}: {text!r}")
    assert not problems, f"{len(problems)} catalog problems:\n" + "\n".join(problems[:40])


# Calls whose text argument is shown to a person, and where that argument sits.
SHOWN = {
    "answer": ("text", 0),
    "reply": ("text", 0),
    "send_message": ("text", 1),
    "edit_text": ("text", 0),
    "edit_caption": ("caption", 0),
    "edit_message_text": ("text", 0),
    "answer_photo": ("caption", 1),
    "answer_document": ("caption", 1),
    "send_photo": ("caption", 2),
    "send_document": ("caption", 2),
    "InlineKeyboardButton": ("text", 0),
    "KeyboardButton": ("text", 0),
    "BotCommand": ("description", 1),
    "button": ("text", 0),
}


def _literal_words(node: ast.AST) -> str | None:
    """The wording of a bare string or f-string literal, if it has letters a person reads."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return None
    return text if re.search(r"[A-Za-zА-Яа-я]{2,}", text) else None


def _bypasses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name not in SHOWN:
            continue
        keyword, position = SHOWN[name]
        candidates = [k.value for k in node.keywords if k.arg == keyword]
        if len(node.args) > position:
            candidates.append(node.args[position])
        for arg in candidates:
            words = _literal_words(arg)
            if words is not None:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{where}:{node.lineno}: {words!r}")
    return found


def test_no_user_facing_string_bypasses_the_catalog() -> None:
    files = [p for folder in ("handlers", "jobs") for p in (ROOT / folder).rglob("*.py")]
    files.append(ROOT / "run_bot.py")
    found = [hit for path in files for hit in _bypasses(path)]
    assert not found, "texts shown to people without _():\n" + "\n".join(found)


def test_the_bypass_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('async def h(m):\n    await m.answer(f"Hello {m}")\n')
    assert _bypasses(sample)
    sample.write_text('async def h(m):\n    await m.answer(_("Hello {m}").format(m=m))\n')
    assert not _bypasses(sample)


@pytest.mark.parametrize("name", ["messages.pot", "ru/LC_MESSAGES/messages.po"])
def test_every_catalog_entry_is_well_formed(name: str) -> None:
    # A merge can leave a msgid without its msgstr; Babel then only warns and drops the entry.
    with (LOCALES_DIR / name).open("rb") as fh:
        read_po(fh, abort_invalid=True)
