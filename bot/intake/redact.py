"""Remove secrets from user text before it is stored, sent to the LLM or echoed into Slack.

Engineers paste config snippets, connection strings and shell history into an interview without
thinking twice; once a secret reaches the database, a model provider or a channel it cannot be
taken back.  So redaction runs first, on the raw text, and everything downstream only ever sees
the redacted copy.

The rules are curated rather than "anything that looks random" because a manual is ops prose full
of commit hashes, UUIDs, hostnames and metric names that must survive byte-for-byte.  The rule
tables live beside this module, one per place secrets hide: ``vendor_rules`` (provider formats),
``secret_rules`` (``key=value``, URLs, credential files), ``command_rules`` (CLI flags, SQL,
config directives) and ``prose_rules`` ("the db password is …", "reset to …", "admin / …").
The one generic high-entropy rule, here, only fires a few words after a word such as "token" or
"secret".  Hits inside public identifiers (``non_secrets``: digests, SSH public keys, ARNs, KMS
key paths) are dropped.  The probe set in tests/data/secrets/ and bench/bench_redact.py measure
the whole against detect-secrets.

A redacted value becomes ``[redacted <kind>]``.  Markers are never matched again, which keeps
``redact_secrets`` idempotent: text can be re-redacted at every boundary without drift.

Standard library only: this module is part of the pure core.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from bot.intake.command_rules import COMMAND_RULES
from bot.intake.non_secrets import public_spans
from bot.intake.prose_rules import PHRASE_RULES, scan_prose
from bot.intake.rule_kit import PUBLIC_PREFIXES, Hit, needle_lines
from bot.intake.secret_rules import RULES
from bot.intake.vendor_rules import VENDOR_RULES


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


_LINE_SCOPED_CHARS = 4_000  # below this, one scan of the whole text is cheaper than finding lines
_MARKER = re.compile(r"\[redacted [a-z0-9-]+\]")
_STRUCTURED = (*VENDOR_RULES, *RULES)
RANKED_RULES = (*_STRUCTURED, *PHRASE_RULES, *COMMAND_RULES)
_HIGH_ENTROPY_RANK = len(_STRUCTURED)  # below vendor and key=value rules, above chat phrasings
_PROSE_RANK = len(RANKED_RULES) + 1  # the widest net names a span only when nothing else does


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
_LOOKBACK_WORDS = 8
_HASH_LOOKBACK_WORDS = 3
_HASH_LENGTHS = (40, 64)
_HEX = re.compile(r"[0-9a-fA-F]+")
# "trace_id": "<32 hex>", "request id <uuid>", "etag": …: the name says what the value is.
_LAST_NAME = re.compile(r"([A-Za-z][\w.-]*)[^\w\n]*$")
_ID_NAME = re.compile(
    r"(?:^|[_.-])(?:id|uid|guid|uuid|sha\d*|hash|digest|checksum|etag|fingerprint|commit|rev"
    r"|revision|trace|span|request|correlation|version|build)$",
    re.I,
)
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


def _high_entropy(text: str, scan: str) -> list[Hit]:
    """``scan`` is ``text`` with marker kinds blanked, so "[redacted token]" is no trigger."""
    hits: list[Hit] = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        if (
            not _is_random(m.group())
            or m.group().startswith(PUBLIC_PREFIXES)  # Stripe publishable keys are public
            or "://" in _SPACE.split(text[max(0, start - 256) : start])[-1]
        ):
            continue
        back = scan[max(0, start - _LOOKBACK_CHARS) : start]
        back = back[back.rfind("\n") + 1 :]
        # A bare SHA-1 / SHA-256 is a commit or a digest unless the trigger is right before it.
        hashlike = len(m.group()) in _HASH_LENGTHS and _HEX.fullmatch(m.group()) is not None
        words = _WORD.findall(back)[-(_HASH_LOOKBACK_WORDS if hashlike else _LOOKBACK_WORDS) :]
        if words and words[-1].strip("`'\":,;()[]").lower() in _HASH_WORDS:
            continue
        name = _LAST_NAME.search(back)
        if name and _ID_NAME.search(name.group(1)):
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

    lowered = text.lower()
    # Offsets in ``lowered`` are offsets in ``text`` unless lower-casing changed a length ("İ").
    by_line = len(text) >= _LINE_SCOPED_CHARS and len(lowered) == len(text)
    found: list[tuple[int, int, int, str]] = []  # start, end, rule rank, kind
    for i, rule in enumerate(RANKED_RULES):
        if rule.needles and not any(n in lowered for n in rule.needles):
            continue
        rank = i if i < _HIGH_ENTROPY_RANK else i + 1
        if by_line and rule.needles and not rule.multiline:
            windows = needle_lines(text, lowered, rule.needles)
        else:
            windows = [(0, len(text))]
        matches = (m for start, end in windows for m in rule.pattern.finditer(text, start, end))
        for m in matches:
            hit = rule.resolve(m)
            if hit is not None and hit[1] < hit[2] and not inside_marker(hit[1], hit[2]):
                found.append((hit[1], hit[2], rank, hit[0]))
    scan = _blank_marker_kinds(text) if markers else text
    for kind, start, end in _high_entropy(text, scan):
        if not inside_marker(start, end):
            found.append((start, end, _HIGH_ENTROPY_RANK, kind))
    for kind, start, end in scan_prose(text, lowered):
        if not inside_marker(start, end):
            found.append((start, end, _PROSE_RANK, kind))
    public = public_spans(text, lowered)
    if public:
        found = [f for f in found if not any(s <= f[0] and f[1] <= e for s, e in public)]

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
