"""Slack's markup turned into the readable Markdown the manual is written in.

Slack delivers `<https://x.io|the runbook>`, `<@U024BE7LH>`, `<#C0123|inc-search>`,
`<!here>` and `&amp;`/`&lt;`/`&gt;` escapes; copied verbatim they make a manual nobody can
read. Messages from real clients also carry ``rich_text`` blocks, which hold the same message
as typed parts (links, users, code, lists, emoji) with nothing escaped: when they are there
they are the cleaner source. User mentions need a name lookup, which is an API call, so
``from_blocks`` keeps them as `<@U…>` and ``to_markdown`` resolves them later, in the worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

PersonName = Callable[[str], str]

_ANGLE = re.compile(r"<([^<>\n]{1,2000})>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _angle(inner: str, person: PersonName | None) -> str:
    """One `<…>` construct as Markdown; unknown forms keep their readable part."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return "@" + (person(user) if person else label or user)
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        kind = target[1:].split("^")[0]
        if kind in _SPECIAL:
            return _SPECIAL[kind]
        return label or kind  # <!subteam^S1|@oncall>, <!date^…|fallback>
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    if re.match(r"[a-z][\w+.-]*:", target, re.I):
        return f"[{label}]({target})" if label and label != target else target
    return f"<{inner}>"  # not Slack markup: keep it


def to_markdown(text: str, *, person: PersonName | None = None) -> str:
    """Slack's text format as Markdown: links, mentions, channels, and entities decoded once.

    The `<…>` constructs are read first, on the escaped text, so a literal "&lt;b&gt;" typed
    by someone stays "<b>" and is not taken for markup; then `&amp; &lt; &gt;` are decoded
    exactly once ("R&amp;D" -> "R&D", "&amp;lt;" -> "&lt;").
    """
    converted = _ANGLE.sub(lambda m: _angle(m.group(1), person), text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---------------------------------------------------------------- rich_text blocks


def _styled(text: str, style: Mapping[str, Any] | None) -> str:
    if style and style.get("code"):
        return f"`{text}`"
    return text


def _element(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "text":
        return _styled(str(element.get("text", "")), element.get("style"))
    if kind == "link":
        url = str(element.get("url", ""))
        label = str(element.get("text") or "")
        return f"[{label}]({url})" if label and label != url else url
    if kind == "user":
        return f"<@{element.get('user_id', '')}>"
    if kind == "usergroup":
        return f"@{element.get('usergroup_id', '')}"
    if kind == "channel":
        return f"<#{element.get('channel_id', '')}>"
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "broadcast":
        return "@" + str(element.get("range", "here"))
    if kind == "date":
        return str(element.get("fallback", ""))
    return str(element.get("text", ""))


def _inline(elements: Iterable[Mapping[str, Any]]) -> str:
    return "".join(_element(e) for e in elements)


def _part(part: Mapping[str, Any]) -> str:
    kind = part.get("type")
    elements = part.get("elements") or []
    if kind == "rich_text_section":
        return _inline(elements)
    if kind == "rich_text_preformatted":
        return "```\n" + _inline(elements).strip("\n") + "\n```"
    if kind == "rich_text_quote":
        return "\n".join("> " + line for line in _inline(elements).split("\n"))
    if kind == "rich_text_list":
        ordered = part.get("style") == "ordered"
        indent = "  " * int(part.get("indent") or 0)
        lines = []
        for number, item in enumerate(elements, start=1 + int(part.get("offset") or 0)):
            marker = f"{number}." if ordered else "-"
            lines.append(f"{indent}{marker} {_inline(item.get('elements') or [])}")
        return "\n".join(lines)
    return _inline(elements)


def from_blocks(blocks: Any) -> str | None:
    """The message text rebuilt from its ``rich_text`` blocks, or None when it has none.

    Lists become "- item" / "1. item" lines, preformatted parts fenced code, quotes "> ";
    nothing in blocks is HTML-escaped, so the result needs no entity decoding.
    """
    if not isinstance(blocks, list):
        return None
    out: list[str] = []
    for block in blocks:
        if not isinstance(block, Mapping) or block.get("type") != "rich_text":
            continue
        pieces = [_part(p) for p in block.get("elements") or [] if isinstance(p, Mapping)]
        out.append("\n".join(piece for piece in pieces if piece))
    text = "\n".join(out).strip()
    return text or None


_MENTION = re.compile(r"<@([A-Z0-9]{2,})(?:\|[^<>\n]*)?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]{2,})(?:\|([^<>\n]*))?>")


def message_text(event: Mapping[str, Any]) -> tuple[str, bool]:
    """What a message says, and whether it is already Markdown (rebuilt from its rich_text
    blocks: only `<@U…>` mentions left to resolve) rather than Slack's escaped text format."""
    rebuilt = from_blocks(event.get("blocks"))
    if rebuilt is not None:
        return rebuilt, True
    return str(event.get("text") or ""), False


def readable(text: str, *, rebuilt: bool, person: PersonName | None = None) -> str:
    """The text the interview should see: Slack format converted, or, for text rebuilt from
    blocks, only its user and channel mentions named."""
    if not rebuilt:
        return to_markdown(text, person=person)
    text = _MENTION.sub(lambda m: "@" + (person(m.group(1)) if person else m.group(1)), text)
    return _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
