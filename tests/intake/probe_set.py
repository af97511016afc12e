"""Reads the secret-redaction probe set in tests/data/secrets/ (format in its README).

Shared by the tests and by bench/bench_redact.py, so both score exactly the same cases.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "secrets"
_CASE = re.compile(r"^>>> (?P<format>\S+)\n", re.M)
_SECRET = re.compile(r"⟦(.*?)⟧", re.S)
_SPLIT = "¦"

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Case:
    format: str
    text: str
    secrets: tuple[Span, ...]  # where each must-redact value sits in ``text``
    escaped: bool = False

    @property
    def label(self) -> str:
        return f"{self.format}{' (slack)' if self.escaped else ''}: {self.text[:60]!r}"


def _parse(fmt: str, body: str) -> Case:
    text, spans, cursor = [], [], 0
    for m in _SECRET.finditer(body):
        text.append(body[cursor : m.start()])
        start = sum(map(len, text))
        text.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        cursor = m.end()
    text.append(body[cursor:])
    return Case(fmt, "".join(text), tuple(spans))


def load(name: str) -> list[Case]:
    """``must_redact`` or ``must_keep``."""
    raw = (DATA / f"{name}.txt").read_text(encoding="utf-8").replace(_SPLIT, "")
    heads = list(_CASE.finditer(raw))
    cases = []
    for head, nxt in zip(heads, [*heads[1:], None], strict=True):
        body = raw[head.end() : nxt.start() if nxt else len(raw)].rstrip("\n")
        cases.append(_parse(head.group("format"), body))
    return cases


def slack_escaped(case: Case) -> Case:
    """The same paste as Slack delivers it: ``&``, ``<`` and ``>`` HTML-escaped."""

    def esc(s: str) -> str:
        return html.escape(s, quote=False)

    parts, spans, cursor = [], [], 0
    for start, end in case.secrets:
        parts.append(esc(case.text[cursor:start]))
        begin = sum(map(len, parts))
        parts.append(esc(case.text[start:end]))
        spans.append((begin, begin + len(parts[-1])))
        cursor = end
    parts.append(esc(case.text[cursor:]))
    return Case(case.format, "".join(parts), tuple(spans), escaped=True)


def both_forms(cases: Iterable[Case]) -> list[Case]:
    return [form for case in cases for form in (case, slack_escaped(case))]


Detector = Callable[[str], list[Span]]  # the spans an engine would replace


def covered(secret: Span, found: list[Span]) -> bool:
    """Every character of the secret lies inside some replaced span (no fragment survives)."""
    start, end = secret
    for s, e in sorted(found):
        if s <= start < e:
            start = e
        if start >= end:
            return True
    return start >= end


@dataclass(frozen=True, slots=True)
class Score:
    redacted: int
    redact_total: int
    altered: int
    keep_total: int
    misses: tuple[str, ...]
    false_alarms: tuple[str, ...]

    @property
    def redact_rate(self) -> float:
        return self.redacted / self.redact_total

    @property
    def altered_rate(self) -> float:
        return self.altered / self.keep_total


def score(detect: Detector, redact: list[Case], keep: list[Case]) -> Score:
    misses = [c.label for c in redact if not all(covered(s, detect(c.text)) for s in c.secrets)]
    alarms = [c.label for c in keep if detect(c.text)]
    return Score(
        len(redact) - len(misses), len(redact), len(alarms), len(keep), tuple(misses), tuple(alarms)
    )
