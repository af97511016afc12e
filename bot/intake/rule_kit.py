"""What every secret rule is made of, and the tests values share across the rule tables.

A rule is one regex and one resolver. The resolver gets a match and returns ``(kind, start,
end)`` of the value to replace, or ``None`` when the value turns out to be prose, a placeholder
or a reference such as ``$DB_PASSWORD``. Splitting rules into tables by *where* secrets hide
(vendor formats, ``key=value``, commands, prose) keeps each table readable; this module holds
only what they share.

Text from Slack arrives HTML-escaped (``&`` is ``&amp;``), so values may contain ``&amp;``,
``&lt;`` and ``&gt;``: a value stopped at the ``;`` of ``&amp;`` would leak its tail.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import NamedTuple

Hit = tuple[str, int, int]  # kind, start, end of the value to replace
Resolver = Callable[[re.Match[str]], Hit | None]


class Triggered:
    """A costly pattern tried only where a cheap trigger matched, from the start of the word
    run the trigger ends: ``key=value`` is found by its ``password=`` rather than by trying
    the whole key grammar at every word of a 50 KB paste."""

    def __init__(
        self, trigger: re.Pattern[str], full: re.Pattern[str], run: frozenset[str]
    ) -> None:
        self.trigger, self.full, self.pattern, self._run = trigger, full, full.pattern, run

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        done = pos
        for hit in self.trigger.finditer(text, pos, endpos):
            start = hit.start()
            while start > pos and text[start - 1] in self._run:
                start -= 1
            if start < done:
                continue
            m = self.full.match(text, start, endpos)
            if m is not None:
                done = m.end()
                yield m


class Rule(NamedTuple):
    pattern: re.Pattern[str] | Triggered
    resolve: Resolver
    # Lower-case strings of which every match contains one: when the lower-cased text holds none
    # of them the regex is not run at all, which keeps a 50 KB paste cheap (empty: always run).
    needles: tuple[str, ...] = ()
    # True when a match may span lines (a PEM block, a .netrc entry); the others are searched
    # only on the lines of a long paste that hold a needle.
    multiline: bool = False


def needle_lines(text: str, lowered: str, needles: tuple[str, ...]) -> list[tuple[int, int]]:
    """The (start, end) of each run of lines of ``text`` that holds one of ``needles``."""
    spans = []
    for needle in needles:
        at = lowered.find(needle)
        while at != -1:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at + len(needle))
            end = len(text) if end == -1 else end
            spans.append((start, end))
            at = lowered.find(needle, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


START = r"(?<![A-Za-z0-9_-])"  # a token must not be the tail of a longer identifier
END = r"(?![A-Za-z0-9_-])"
# A bare value runs to whitespace, a quote, ``,;<>`` -- but an HTML entity is part of it.
BARE = r"(?:&(?:amp|lt|gt);|[^\s\"'`,;<>])+"
ENTITY_OR = r"(?:&(?:amp|lt|gt);|{})"


def value_of(kind: str, group: str = "v") -> Resolver:
    """Most rules replace exactly one group with a fixed kind."""
    return lambda m: (kind, m.start(group), m.end(group))


def first_group(m: re.Match[str], groups: tuple[str, ...]) -> str:
    found = m.groupdict()
    return next(g for g in groups if found.get(g) is not None)


_PLACEHOLDERS = frozenset(
    {"none", "null", "nil", "n/a", "na", "empty", "redacted", "true", "false", "unset", "tbd"}
)
_REFERENCE_PREFIXES = (
    "$", "{{", "%(", "/", "~/", "./", "<", "&lt;", "env:", "file:", "arn:", "!", "secrets.",
)  # fmt: skip
_CALL = re.compile(r"[A-Za-z_][\w.]*\(.*\)")  # env("DB_PASSWORD"), lookup('env', 'X')
PUBLIC_PREFIXES = ("pk_live_", "pk_test_")  # Stripe publishable keys: public by design


def is_reference_or_placeholder(value: str) -> bool:
    """Values that point at a secret (``$DB_PASSWORD``, a path, a URL, a YAML ``!vault`` tag,
    ``env("X")``) are safe and useful prose."""
    v = value.strip()
    return (
        not v
        or v.lower() in _PLACEHOLDERS
        or len(set(v)) == 1  # "********", "xxxxxxxx"
        or v.startswith(_REFERENCE_PREFIXES + PUBLIC_PREFIXES)
        or "://" in v
        or _CALL.fullmatch(v) is not None
        or v.endswith("(")  # the bare start of env("X")
    )


def looks_secret(value: str) -> bool:
    """``key: value`` is also how prose is written ("Token: stored in Vault"), so demand a digit,
    a symbol or inner capitals before treating a bare colon-separated word as a secret."""
    return any(not c.isalpha() for c in value) or (
        any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    )


_SEPARATORS = frozenset("-_./:@")
_SANDWICHED_DIGIT = re.compile(r"[A-Za-z]\d+[A-Za-z]")
_NOT_A_PASSWORD = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|[\w-]+(?:\.[\w-]+)+(?::\d{1,5})?"  # a host name, host:port or a dotted version
    r"|[A-Z]{2,10}-\d{1,6}"  # a ticket: OPS-1234
    r"|v?\d+(?:[.:-]\d+)*[A-Za-z]{0,3}"  # a number, a version, a time
)


def is_strong(value: str) -> bool:
    """Would a person pick this as a password?  Used where nothing but the words around a value
    says it is one ("root got reset to X"): at least three of lower, upper, digit and symbol,
    and either a symbol or a digit between letters, so that ``PostgreSQL15`` or ``HS256-signed``
    (words and versions) stay prose while ``T3mp#Root2024`` and ``pgb-Rot8-Q3x`` do not."""
    if not 6 <= len(value) <= 128 or is_reference_or_placeholder(value):
        return False
    if _NOT_A_PASSWORD.fullmatch(value):
        return False
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    digit = any(c.isdigit() for c in value)
    symbol = any(not c.isalnum() and c not in _SEPARATORS for c in value)
    if lower + upper + digit + symbol < 3:
        return False
    return symbol or _SANDWICHED_DIGIT.search(value) is not None


def key_kind(key: str) -> str:
    """The kind a ``key=value`` secret is reported as, from the name of its key."""
    k = key.lower()
    if "authorization" in k:
        return "authorization"
    if "pass" in k or "pwd" in k or re.search(r"(?<![a-z])pw$", k):
        return "password"
    if "token" in k or re.search(r"(?<![a-z])pat$", k):
        return "token"
    if "secret" in k or "private" in k:
        return "secret"
    return "api-key"
