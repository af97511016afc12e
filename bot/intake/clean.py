"""Cleaning raw replies before anything else looks at them.

Terminals and Slack can deliver control characters, NUL bytes from a bad paste, or Windows line
endings; none of them carry meaning and some break SQL drivers (PostgreSQL rejects NUL in text).
"""

from __future__ import annotations

import unicodedata

MAX_REPLY_CHARS = 200_000
LONG_REPLY_CHARS = 8_000

_KEEP = {"\n", "\t"}


def clean_reply(text: str) -> str:
    """Drop control and unassigned characters, keep newlines, tabs, emoji and RTL text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char in _KEEP:
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn"):
            continue
        kept.append(char)
    return "".join(kept).strip()


def is_mostly_junk(raw: str, cleaned: str) -> bool:
    """A reply that lost most of its characters in cleaning was binary, not an answer."""
    return len(raw) >= 16 and len(cleaned) < len(raw) * 0.5
