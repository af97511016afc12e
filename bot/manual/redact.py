"""Remove secrets from user text before it is stored, sent to the LLM or echoed into Slack.

Engineers paste config snippets, connection strings and shell history into an interview without
thinking twice; once a secret reaches the database, a model provider or a channel it cannot be
taken back.  So redaction runs first, on the raw text, and everything downstream only ever sees
the redacted copy.

The rules are curated rather than "anything that looks random" because a manual is ops prose full
of commit hashes, UUIDs, hostnames and metric names that must survive byte-for-byte.  The one
generic high-entropy rule only fires a few words after a word such as "token" or "secret".

A redacted value becomes ``[redacted <kind>]``.  Markers are never matched again, which keeps
``redact_secrets`` idempotent: text can be re-redacted at every boundary without drift.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Redaction:
    """One removed secret; the span points into the ORIGINAL text so callers can tell the user."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RedactionResult:
    text: str
    redactions: tuple[Redaction, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Distinct kinds in order of first appearance, ready for "I removed a password and …"."""
        return tuple(dict.fromkeys(r.kind for r in self.redactions))

    @property
    def changed(self) -> bool:
        return bool(self.redactions)


_Hit = tuple[str, int, int]  # kind, start, end of the value to replace
_Resolver = Callable[[re.Match[str]], _Hit | None]

_MARKER = re.compile(r"\[redacted [a-z0-9-]+\]")
_START = r"(?<![A-Za-z0-9_-])"  # a token must not be the tail of a longer identifier


def _value(kind: str) -> _Resolver:
    """Most rules replace exactly their ``v`` group with a fixed kind."""
    return lambda m: (kind, m.start("v"), m.end("v"))


# Ordered most specific first: when two rules cover the same span the earlier kind names it.
_PRIVATE_KEY = re.compile(
    r"(?P<v>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
    r".*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z))",
    re.S,
)
_AWS_ACCESS_KEY = re.compile(r"(?<![A-Za-z0-9])(?P<v>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])")
_AWS_SECRET_KEY = re.compile(
    r"(?i:aws_?secret_?(?:access_?)?key|secret[ _-]?access[ _-]?key)[\"'`]?"
    r"[ \t]*(?:=>|[:=]|is)?[ \t]*[\"'`]?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
)
_SLACK_WEBHOOK = re.compile(
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<v>[A-Za-z0-9_/-]{8,})"
)
_SLACK_TOKEN = re.compile(_START + r"(?P<v>(?:xoxe\.xox[bp]|xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,})")
_ANTHROPIC_KEY = re.compile(_START + r"(?P<v>sk-ant-[A-Za-z0-9_-]{20,})")
_OPENAI_KEY = re.compile(
    _START + r"(?P<v>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"
    r"|[A-Za-z0-9]{20,}(?![A-Za-z0-9_-])))"
)
_GITHUB_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_])(?P<v>gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"
)
_JWT = re.compile(_START + r"(?P<v>eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)")
_URL_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/@<>\"'`]{0,256}"
    r":(?P<v>[^\s@/<>\"'`]{1,256})@"
)
_KEY_VALUE = re.compile(
    r"(?<![A-Za-z0-9_.-])"
    r"(?P<key>(?:[A-Za-z0-9]+[_.-])*[A-Za-z0-9]*?"
    r"(?:password|passwd|passphrase|pwd|secret(?:[_-]?key)?|token|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|authorization))"
    r"[\"'`]?[ \t]*(?P<sep>=>|:=|=|:(?=[ \t\"'`]))[ \t]*(?:(?:bearer|basic|token)[ \t]+)?"
    r"(?:\"(?P<dq>[^\"\n]{1,256})\"|'(?P<sq>[^'\n]{1,256})'|(?P<bare>[^\s\"'`,;<>]+))",
    re.I,
)

_PLACEHOLDERS = frozenset(
    {"none", "null", "nil", "n/a", "na", "empty", "redacted", "true", "false", "unset", "tbd"}
)


def _is_reference_or_placeholder(value: str) -> bool:
    """Values that point at a secret (``$DB_PASSWORD``, a path, a URL) are safe and useful prose."""
    v = value.strip()
    return (
        not v
        or v.lower() in _PLACEHOLDERS
        or len(set(v)) == 1  # "********", "xxxxxxxx"
        or v.startswith(("$", "{{", "%(", "/", "~/", "./", "<"))
        or "://" in v
    )


def _looks_secret(value: str) -> bool:
    """``key: value`` is also how prose is written ("Token: stored in Vault"), so demand a digit,
    a symbol or inner capitals before treating a bare colon-separated word as a secret."""
    return any(not c.isalpha() for c in value) or (
        any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)
    )


def _key_kind(key: str) -> str:
    k = key.lower()
    if "authorization" in k:
        return "authorization"
    if "pass" in k or "pwd" in k:
        return "password"
    if "token" in k:
        return "token"
    if "secret" in k or "private" in k:
        return "secret"
    return "api-key"


def _key_value(m: re.Match[str]) -> _Hit | None:
    group = next(g for g in ("dq", "sq", "bare") if m.group(g) is not None)
    start, end = m.span(group)
    if group == "bare":
        amp = m.string.find("&", start, end)
        if amp != -1 and m.start() > 0 and m.string[m.start() - 1] in "?&":  # URL query string
            end = amp
        if m.string[end - 1] == ".":  # sentence full stop, not part of the secret
            end -= 1
    value = m.string[start:end]
    if _is_reference_or_placeholder(value):
        return None
    if m.group("sep") == ":" and group == "bare" and not _looks_secret(value):
        return None
    return _key_kind(m.group("key")), start, end


_RULES: tuple[tuple[re.Pattern[str], _Resolver], ...] = (
    (_PRIVATE_KEY, _value("private-key")),
    (_AWS_ACCESS_KEY, _value("aws-access-key")),
    (_AWS_SECRET_KEY, _value("aws-secret-key")),
    (_SLACK_WEBHOOK, _value("slack-webhook")),
    (_SLACK_TOKEN, _value("slack-token")),
    (_ANTHROPIC_KEY, _value("anthropic-key")),
    (_OPENAI_KEY, _value("openai-key")),
    (_GITHUB_TOKEN, _value("github-token")),
    (_JWT, _value("jwt")),
    (_URL_PASSWORD, _value("password")),
    (_KEY_VALUE, _key_value),
)

# Generic rule: long random-looking runs, but only just after a word that announces a secret.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_~-])[A-Za-z0-9+/_~-]{20,}={0,2}(?![A-Za-z0-9+/_~=-])")
_TRIGGER = re.compile(
    r"(?<![A-Za-z])(?:secret|token|key|password|passwd|passphrase|credential|cred|bearer)s?"
    r"(?![A-Za-z])",
    re.I,
)
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")
_HASH_WORDS = frozenset({"commit", "sha", "sha1", "sha256", "hash", "digest", "revision", "rev"})
_LOOKBACK_CHARS = 120
_LOOKBACK_WORDS = 5
_MIN_ENTROPY_MIXED = 3.4  # bits/char: ~0.1st percentile of random base62 at 20 chars
_MIN_ENTROPY_HEX = 3.0
_MAX_WORDINESS = 0.85  # CamelCase identifiers are >= 0.9 made of words; random text rarely is
_WORDISH = re.compile(r"[a-z]{4,}|[A-Z][a-z]{2,}")


def _entropy(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _is_random(token: str) -> bool:
    """Random-looking means: 32+ hex digits, or upper, lower and digits with high entropy that
    is not built from words (``HttpServerRequestHandlerV2`` is an identifier, not a key)."""
    body = token.rstrip("=")
    if all(c in "0123456789abcdef" for c in body.lower()):
        return len(body) >= 32 and _entropy(body) >= _MIN_ENTROPY_HEX
    if not all(any(map(has, body)) for has in (str.islower, str.isupper, str.isdigit)):
        return False
    wordiness = sum(len(w) for w in _WORDISH.findall(body)) / len(body)
    return wordiness < _MAX_WORDINESS and _entropy(body) >= _MIN_ENTROPY_MIXED


def _high_entropy(text: str, scan: str) -> list[_Hit]:
    """``scan`` is ``text`` with marker kinds blanked, so "[redacted token]" is no trigger."""
    hits: list[_Hit] = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        if (
            not _is_random(m.group())
            or "://" in _SPACE.split(text[max(0, start - 256) : start])[-1]
        ):
            continue
        back = scan[max(0, start - _LOOKBACK_CHARS) : start]
        back = back[back.rfind("\n") + 1 :]
        words = _WORD.findall(back)[-_LOOKBACK_WORDS:]
        if words and words[-1].strip("`'\":,;()[]").lower() in _HASH_WORDS:
            continue
        if any(_TRIGGER.search(w) for w in words):
            hits.append(("high-entropy", start, end))
    return hits


def _blank_marker_kinds(text: str) -> str:
    return _MARKER.sub(lambda m: "[redacted " + "_" * (len(m.group()) - 11) + "]", text)


def redact_secrets(text: str) -> RedactionResult:
    """Replace every secret value in ``text`` with ``[redacted <kind>]``.

    Overlapping hits from different rules are merged into one span (named after the longest, then
    the most specific, rule) so that no fragment of a secret survives between two markers.
    """
    markers = [m.span() for m in _MARKER.finditer(text)]
    marker_starts = [s for s, _ in markers]

    def inside_marker(start: int, end: int) -> bool:
        i = bisect_right(marker_starts, end - 1) - 1
        return i >= 0 and markers[i][1] > start

    found: list[tuple[int, int, int, str]] = []  # start, end, rule rank, kind
    for rank, (pattern, resolve) in enumerate(_RULES):
        for m in pattern.finditer(text):
            hit = resolve(m)
            if hit is not None and hit[1] < hit[2] and not inside_marker(hit[1], hit[2]):
                found.append((hit[1], hit[2], rank, hit[0]))
    scan = _blank_marker_kinds(text) if markers else text
    for kind, start, end in _high_entropy(text, scan):
        if not inside_marker(start, end):
            found.append((start, end, len(_RULES), kind))

    redactions: list[Redaction] = []
    best = (0, 0)  # (length, -rank) of the hit that names the current merged span
    for start, end, rank, kind in sorted(found):
        if redactions and start < redactions[-1].end:
            last = redactions[-1]
            if (end - start, -rank) > best:
                best, kind_now = (end - start, -rank), kind
            else:
                kind_now = last.kind
            redactions[-1] = Redaction(kind_now, last.start, max(last.end, end))
        else:
            best = (end - start, -rank)
            redactions.append(Redaction(kind, start, end))

    parts: list[str] = []
    cursor = 0
    for r in redactions:
        parts.append(text[cursor : r.start])
        parts.append(f"[redacted {r.kind}]")
        cursor = r.end
    parts.append(text[cursor:])
    return RedactionResult("".join(parts), tuple(redactions))


_WORD_JOINER = "\u2060"
_SPECIAL_MENTION = re.compile(r"<!(channel|here|everyone)(?:\|[^<>\n]*)?>", re.I)
_SUBTEAM_MENTION = re.compile(r"<!subteam\^([A-Za-z0-9]+)(?:\|@?([^<>\n]*))?>")
_USER_MENTION = re.compile(r"<@([UWB][A-Za-z0-9]+)(?:\|@?([^<>\n]*))?>")
_PLAIN_MENTION = re.compile(r"(?<![\w@.])@(channel|here|everyone)\b", re.I)


def neutralise_mentions(text: str) -> str:
    """Make Slack mention syntax in echoed text unable to ping anyone.

    ``<!channel>``/``<!here>``/``<!everyone>``, user-group mentions and the plain ``@channel``
    forms become ``@`` + U+2060 WORD JOINER + name: it still reads as "@channel" in Slack, but the
    invisible joiner stops Slack (and ``link_names``) from resolving it.  ``<@U123>`` becomes the
    inert ``@U123``; a labelled ``<@U123|alice>`` becomes ``@``+joiner+``alice``.  No output form
    matches any input pattern, so applying this twice changes nothing more.
    """
    text = _SPECIAL_MENTION.sub(lambda m: "@" + _WORD_JOINER + m.group(1).lower(), text)
    text = _SUBTEAM_MENTION.sub(lambda m: "@" + _WORD_JOINER + (m.group(2) or m.group(1)), text)
    text = _USER_MENTION.sub(
        lambda m: "@" + (_WORD_JOINER + m.group(2) if m.group(2) else m.group(1)), text
    )
    return _PLAIN_MENTION.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)
