"""Telegram's HTML parse mode, ported from TDLib's parse_html with its error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .text import utf16_len

_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE = {
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
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\v\f\0"
_PLAIN = re.compile(r"[^<&]+")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")


class HtmlParseError(ValueError):
    """The detail after "can't parse entities: " in Telegram's answer."""


@dataclass(slots=True)
class ParsedText:
    """Plain text plus Telegram entities (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int
    begin: int


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _decode_entity(src: str, pos: int) -> tuple[str | None, int]:
    """Mirror TDLib: lt/gt/amp/quot and numeric references, ';' optional."""
    n = len(src)
    end = pos + 1
    if end < n and src[end] == "#":
        end += 1
        base = 10
        if end < n and src[end] == "x":
            end += 1
            base = 16
        digits = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
        value = 0
        while end < n and src[end] in digits:
            value = value * base + int(src[end], base)
            end += 1
            if value >= 0x10FFFF:
                return None, pos
        if value == 0 or end - pos >= 10 or 0xD800 <= value <= 0xDFFF:
            return None, pos
        char = chr(value)
    else:
        while end < n and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED.get(src[pos + 1 : end])
        if named is None:
            return None, pos
        char = named
    if end < n and src[end] == ";":
        end += 1
    return char, end


def _entity_for(node: _Open, length: int, entities: list[dict[str, Any]]) -> dict[str, Any]:
    offset = node.offset
    if node.tag in _SIMPLE:
        return {"type": _SIMPLE[node.tag], "offset": offset, "length": length}
    if node.tag == "a":
        if not node.argument:
            return {"type": "url", "offset": offset, "length": length}
        return {"type": "text_link", "offset": offset, "length": length, "url": node.argument}
    if node.tag == "code":
        entity = {"type": "code", "offset": offset, "length": length}
        if node.argument:
            entity["language"] = node.argument
        return entity
    if node.tag == "pre":
        last = entities[-1] if entities else None
        if last and last["type"] == "code" and (last["offset"], last["length"]) == (offset, length):
            entities.pop()
            entity = {"type": "pre", "offset": offset, "length": length}
            if "language" in last:
                entity["language"] = last["language"]
            return entity
        return {"type": "pre", "offset": offset, "length": length}
    if node.tag == "blockquote":
        kind = "expandable_blockquote" if node.argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if not node.argument.isdigit():
        raise HtmlParseError("Invalid custom emoji identifier specified")
    return {
        "type": "custom_emoji",
        "offset": offset,
        "length": length,
        "custom_emoji_id": node.argument,
    }


def _parse_attributes(src: str, i: int, tag: str, begin: int) -> tuple[str, int]:
    """Returns the tag's meaningful argument and the index of its closing '>'."""
    n = len(src)
    argument = ""
    while True:
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        if src[i] == ">":
            return argument, i
        name_begin = i
        while i < n and src[i] not in _SPACE and src[i] not in "=>":
            i += 1
        name = src[name_begin:i]
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(src, begin)}'
            )
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n or src[i] != "=":
            if tag == "blockquote" and name == "expandable" and i < n:
                argument = "1"
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(src, begin)}"
            )
        i += 1
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(src, begin)}'
            )
        if src[i] not in "'\"":
            token = _NAME_TOKEN.match(src, i)
            end = token.end() if token else i
            value = src[i:end].lower()
            if end >= n or (src[end] not in _SPACE and src[end] != ">"):
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(src, i)}"
                )
            i = end
        else:
            quote = src[i]
            i += 1
            chars: list[str] = []
            while i < n and src[i] != quote:
                if src[i] == "&":
                    decoded, after = _decode_entity(src, i)
                    if decoded is not None:
                        chars.append(decoded)
                        i = after
                        continue
                chars.append(src[i])
                i += 1
            if i < n:
                i += 1
            value = "".join(chars)
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"


def parse_html(src: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse like Telegram; strict_ampersand also rejects a bare '&' (TDLib keeps it)."""
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(src)
    while i < n:
        plain = _PLAIN.match(src, i)
        if plain:
            chunk = plain.group()
            out.append(chunk)
            u16 += utf16_len(chunk)
            i = plain.end()
            continue
        if src[i] == "&":
            decoded, after = _decode_entity(src, i)
            if decoded is not None:
                out.append(decoded)
                u16 += utf16_len(decoded)
                i = after
                continue
            if strict_ampersand:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {_byte_offset(src, i)}; use "&amp;"'
                )
            out.append("&")
            u16 += 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and src[i] == "/":
            i = _close_tag(src, i + 1, begin, stack, entities, u16)
            continue
        end = i
        while end < n and src[end] not in _SPACE and src[end] != ">":
            end += 1
        if end >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(src, begin)}")
        tag = src[i:end].lower()
        if tag not in _TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(src, begin)}'
            )
        argument, close = _parse_attributes(src, end, tag, begin)
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(src, begin)}'
            )
        stack.append(_Open(tag, argument, u16, begin))
        i = close + 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _close_tag(
    src: str,
    i: int,
    begin: int,
    stack: list[_Open],
    entities: list[dict[str, Any]],
    u16: int,
) -> int:
    """Pops the matching open tag, emitting its entity; returns the index after '>'."""
    n = len(src)
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(src, begin)}")
    end = i
    while end < n and src[end] not in _SPACE and src[end] != ">":
        end += 1
    name = src[i:end]
    while end < n and src[end] in _SPACE:
        end += 1
    if end >= n or src[end] != ">":
        raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(src, begin)}")
    node = stack[-1]
    if name and name != node.tag:
        raise HtmlParseError(
            f"Unmatched end tag at byte offset {_byte_offset(src, begin)}, "
            f'expected "</{node.tag}>", found "</{name}>"'
        )
    if u16 > node.offset:
        entities.append(_entity_for(node, u16 - node.offset, entities))
    stack.pop()
    return end + 1
