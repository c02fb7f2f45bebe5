"""Telegram-flavoured HTML: check a text the way the Bot API does and compute what users see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording."""


# Tag name -> the entity type it produces (None: decided by attributes).
_TAGS: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": None,
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*>")
_ATTR_RE = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(?:#(\d+)|#x([0-9a-fA-F]+)|([a-zA-Z]+));")


@dataclass
class _Open:
    name: str
    entity: dict[str, Any] | None
    start: int
    byte_offset: int


@dataclass
class ParsedText:
    """Visible text and its entities (offsets in UTF-16 code units, as Telegram counts)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length of a string in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _unescape(chunk: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
            try:
                return chr(code)
            except (ValueError, OverflowError):
                return m.group(0)
        return _NAMED.get(m.group(3).lower(), m.group(0))

    return _ENTITY_RE.sub(repl, chunk)


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(raw):
        out[m.group(1).lower()] = _unescape(m.group(2) or m.group(3) or m.group(4) or "")
    return out


def _entity_for(name: str, attrs: dict[str, str], byte_offset: int) -> dict[str, Any] | None:
    kind = _TAGS[name]
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}'
            )
        return {"type": "spoiler"}
    if name == "a":
        href = attrs.get("href", "")
        return {"type": "text_link", "url": href} if href else None
    if name == "tg-emoji":
        emoji_id = attrs.get("emoji-id")
        if not emoji_id:
            raise EntityParseError(
                f'Custom emoji entity must have "emoji-id" at byte offset {byte_offset}'
            )
        return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
    if name == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    assert kind is not None
    return {"type": kind}


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into visible text plus entities, or raise EntityParseError."""
    out: list[str] = []
    length16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        chunk = source[pos:] if lt < 0 else source[pos:lt]
        if chunk:
            text = _unescape(chunk)
            out.append(text)
            length16 += utf16_len(text)
        if lt < 0:
            break
        byte_offset = len(source[:lt].encode("utf-8"))
        m = _TAG_RE.match(source, lt)
        if m is None:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset}")
        closing, name, raw_attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if name not in _TAGS:
            word = "end" if closing else "start"
            raise EntityParseError(f'Unsupported {word} tag "{name}" at byte offset {byte_offset}')
        if closing:
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset}")
            top = stack.pop()
            if top.name != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {byte_offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            if top.entity is not None and length16 > top.start:
                top.entity["offset"] = top.start
                top.entity["length"] = length16 - top.start
                entities.append(top.entity)
        else:
            entity = _entity_for(name, _attrs(raw_attrs), byte_offset)
            if name == "code" and stack and stack[-1].name == "pre":
                lang = _attrs(raw_attrs).get("class", "")
                pre = stack[-1].entity
                if pre is not None and lang.startswith("language-"):
                    pre["language"] = lang.removeprefix("language-")
            stack.append(_Open(name, entity, length16, byte_offset))
        pos = m.end()
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)
