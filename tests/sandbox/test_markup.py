"""Telegram HTML parsing: visible text, UTF-16 entity offsets, refusals."""

from __future__ import annotations

import pytest

from sandbox.markup import EntityParseError, parse_html


def test_entities_use_utf16_offsets() -> None:
    parsed = parse_html("😀 <b>fett</b> &amp; <i>kursiv</i>")
    assert parsed.text == "😀 fett & kursiv"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "italic", "offset": 10, "length": 6},
    ]


def test_pre_code_language_and_numeric_entities() -> None:
    parsed = parse_html('<pre><code class="language-python">x &#60; 1</code></pre>')
    assert parsed.text == "x < 1"
    assert {"type": "pre", "offset": 0, "length": 5, "language": "python"} in parsed.entities


def test_bare_ampersand_and_unknown_named_entity_stay_literal() -> None:
    assert parse_html("Tom & Jerry &nbsp;").text == "Tom & Jerry &nbsp;"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("<b>open", "Can't find end tag"),
        ("<p>x</p>", 'Unsupported start tag "p"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ('<span class="other">x</span>', "tg-spoiler"),
        ("1 < 2", "Unclosed start tag"),
        ("<br>", "Unsupported start tag"),
    ],
)
def test_invalid_html_is_refused(source: str, fragment: str) -> None:
    with pytest.raises(EntityParseError, match=fragment):
        parse_html(source)
