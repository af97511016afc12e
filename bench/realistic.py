"""The realistic conversations (tests/data/conversations) and how a manual is scored on them.

Each conversation is a system described the way engineers write in Slack, by two or three
people, with chatter, a late correction, an instruction aimed at the bot and a pasted
credential; every concrete fact it states is tagged with the spec subsection it belongs to.
A manual is scored as a reader would check it: is each fact in the manual, in the right
subsection, or at least in the details file; did chatter, injection text, a superseded value
or a secret get in. Shared by ``bench/bench_realistic.py`` and the tests.
"""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.contract.lint import lint_manual
from bot.core.draft import Scope
from bot.interview.outcome import Kind, Outcome
from bot.interview.service import Interview

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "data" / "conversations"
SCOPE = Scope(workspace="bench", channel="realistic")
DONT_KNOW = "not sure, skip that"
AUTO_CAP = 80  # replies after the script before "completing on its own" counts as stuck


@dataclass(frozen=True, slots=True)
class Said:
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class Tagged:
    section: str
    text: str
    core: bool = False  # among the ~75 an on-call reader needs in the 800-word manual itself


@dataclass(frozen=True, slots=True)
class Conversation:
    key: str
    name: str
    stack: str
    topics: tuple[str, ...]
    replies: tuple[Said, ...]
    facts: tuple[Tagged, ...]
    noise: tuple[str, ...]
    stale: tuple[Tagged, ...]
    secrets: tuple[str, ...]


def load(path: Path) -> Conversation:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Conversation(
        key=path.stem,
        name=data["name"],
        stack=data.get("stack", ""),
        topics=tuple(data.get("topics", ())),
        replies=tuple(Said(r["author"], r["text"].strip()) for r in data["replies"]),
        facts=tuple(
            Tagged(str(f["section"]), f["text"], bool(f.get("core"))) for f in data.get("facts", ())
        ),
        noise=tuple(n["text"] for n in data.get("noise", ())),
        stale=tuple(Tagged(str(s["section"]), s["text"]) for s in data.get("stale", ())),
        secrets=tuple(data.get("secrets", ())),
    )


def load_all(folder: Path = FOLDER) -> list[Conversation]:
    return [load(path) for path in sorted(folder.glob("*.toml"))]


# ---------------------------------------------------------------- reading a manual

_MARKUP = re.compile(r"[`*_\\|]")
_SUBSECTION = re.compile(r"^### (\d+\.\d+)\b", re.M)


def normalise(text: str) -> str:
    """Lower-case, markup, escapes and table pipes dropped, whitespace collapsed: how a reader
    searches ("CCU drop | > 20%" in a table row reads as "CCU drop > 20%")."""
    return " ".join(_MARKUP.sub("", text).casefold().split())


def subsections(markdown: str) -> dict[str, str]:
    """Subsection number -> its normalised text (the heading line excluded)."""
    marks = list(_SUBSECTION.finditer(markdown))
    out: dict[str, str] = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(markdown)
        body = markdown[mark.end() : end]
        body = re.split(r"^## ", body, maxsplit=1, flags=re.M)[0]
        out[mark.group(1)] = normalise(body)
    return out


_TOKEN = re.compile(r"[\w.%<>=/#@:+-]+")
NEAR = 4  # extra words a reader's eye skips between a fact's words ("RTO (…): 4 hours")


def found(needle: str, haystack: str) -> bool:
    """The fact as written, or its words in order with at most ``NEAR`` words between them
    ("RTO 4 hours" in "**RTO (Recovery Time Objective)**: 4 hours")."""
    target = normalise(needle)
    if target in haystack:
        return True
    tokens = [t.strip(".,:;()") for t in _TOKEN.findall(target)]
    tokens = [t for t in tokens if t]
    words = [w.strip(".,:;()") for w in _TOKEN.findall(haystack)]
    if not tokens:
        return False
    for start, word in enumerate(words):
        if word != tokens[0]:
            continue
        at, ok = start, True
        for token in tokens[1:]:
            window = words[at + 1 : at + 2 + NEAR]
            if token not in window:
                ok = False
                break
            at = at + 1 + window.index(token)
        if ok:
            return True
    return False


@dataclass(slots=True)
class Score:
    key: str
    published: bool = False
    lint_ok: bool = False
    words: int = 0
    facts: int = 0
    in_manual: int = 0
    in_section: int = 0
    in_either: int = 0
    core: int = 0
    core_in_manual: int = 0
    core_in_section: int = 0
    noise: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    replies: int = 0
    topics: int = 0
    finish_seconds: float = 0.0
    missing: list[Tagged] = field(default_factory=list)
    misplaced: list[Tagged] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.facts if self.facts else 0.0

    def core_share(self, count: int) -> float:
        return count / self.core if self.core else 0.0


def score(conversation: Conversation, *, manual: str, details: str, stored: str = "") -> Score:
    """How ``manual`` (and its ``details``) hold the conversation's facts."""
    result = Score(conversation.key, facts=len(conversation.facts))
    report = lint_manual(manual)
    result.published = bool(manual)
    result.lint_ok, result.words = report.ok, report.word_count
    whole = normalise(manual)
    parts = subsections(manual)
    extra = normalise(details)
    for fact in conversation.facts:
        here = found(fact.text, whole)
        result.in_manual += here
        placed = found(fact.text, parts.get(fact.section, ""))
        result.in_section += placed
        result.in_either += here or found(fact.text, extra)
        if fact.core:
            result.core += 1
            result.core_in_manual += here
            result.core_in_section += placed
        if not here:
            result.missing.append(fact)
        elif not placed:
            result.misplaced.append(fact)
    result.noise = [n for n in conversation.noise if found(n, whole)]
    result.stale = [s.text for s in conversation.stale if found(s.text, parts.get(s.section, ""))]
    everything = manual + details + stored
    result.secrets = [s for s in conversation.secrets if s in everything]
    result.topics = len(conversation.topics)
    return result


# ---------------------------------------------------------------- replaying one


@dataclass(slots=True)
class Run:
    outcome: Outcome
    replies: int
    finish_seconds: float


def replay(interview: Interview, conversation: Conversation, *, finish: bool = True) -> Run:
    """The conversation through the interview, then `finish` (or, with ``finish`` False, "not
    sure" to every follow-up question until the manual completes on its own)."""
    outcome = interview.start(scope=SCOPE, name=conversation.name, owner="bench")
    draft_id = outcome.draft.id or 0
    replies = 0
    for said in conversation.replies:
        outcome = interview.handle(
            scope=SCOPE, draft_id=draft_id, author=said.author, text=said.text
        )
        replies += 1
    started = time.perf_counter()
    if finish:
        if outcome.kind is not Kind.COMPLETE:
            outcome = interview.handle(
                scope=SCOPE, draft_id=draft_id, author="bench", text="finish"
            )
            replies += 1
    else:
        for _ in range(AUTO_CAP):
            if outcome.kind is Kind.COMPLETE:
                break
            outcome = interview.handle(
                scope=SCOPE, draft_id=draft_id, author="bench", text=DONT_KNOW
            )
            replies += 1
    return Run(outcome, replies, time.perf_counter() - started)
