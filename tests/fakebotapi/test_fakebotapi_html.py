"""Telegram's HTML parse mode, without a server."""

from __future__ import annotations

import pytest

from fakebotapi import HtmlParseError, parse_html


@pytest.mark.parametrize(
    ("html", "text", "entities"),
    [
        ("<b>a</b><strong>b</strong>", "ab", [("bold", 0, 1), ("bold", 1, 1)]),
        ("<i>x</i> <em>y</em> <u>z</u> <ins>w</ins>", "x y z w", None),
        ("<s>a</s><strike>b</strike><del>c</del>", "abc", None),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st", None),
        ('<a href="https://x.org/?a=1&b=2">link</a>', "link", [("text_link", 0, 4)]),
        ("<code>x &lt; y</code>", "x < y", [("code", 0, 5)]),
        ('<pre><code class="language-py">p</code></pre>', "p", [("pre", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", [("custom_emoji", 0, 2)]),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;", '<>&"AB', []),
        ("😀<b>x</b>", "😀x", [("bold", 2, 1)]),
        ("<b>outer <i>inner</i></b>", "outer inner", [("bold", 0, 11), ("italic", 6, 5)]),
        ("a > b", "a > b", []),
    ],
)
def test_valid_html(html: str, text: str, entities: list[tuple[str, int, int]] | None) -> None:
    parsed = parse_html(html)
    assert parsed.text == text
    if entities is not None:
        assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("é<b", "Unclosed start tag at byte offset 2"),
        ("Q&A", 'Unescaped "&" at byte offset 1; use "&amp;"'),
        ("&nbsp;", 'Unescaped "&" at byte offset 0; use "&amp;"'),
    ],
)
def test_invalid_html(html: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html)
    assert str(caught.value) == error


def test_lenient_ampersand_like_tdlib() -> None:
    assert parse_html("Q&A &nbsp;", strict_ampersand=False).text == "Q&A &nbsp;"
