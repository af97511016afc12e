"""A scripted "Claude" for the fake Messages API, and an engineer who answers in free prose.

The responder answers each request the way a good model would, from what the request holds:

- extraction: every scripted answer that appears in the fenced reply becomes a ``set`` of its
  slot, with the value in the slot's shape (parsed by the offline text rules, which is what a
  model returns for these terse answers) and the answer itself as the quote; "I don't know"
  marks the asked slots unknown;
- phrasing: one numbered line per asked slot, opening with something the draft already says;
- inferring: a short, valid, specific value for each requested slot;
- condensing: each field with its last unprotected sentence removed.

It reads only the request (the fenced reply, the ``<questions>`` and ``<draft>`` blocks), never
test state, so what it sees is what Claude would see. Shared by tests/llm and the token bench.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.slots import SLOT_BY_ID, SLOTS, Slot, SlotKind
from bot.extraction.offline.valueparse import parse_value
from tests.fakes.anthropic_api import Step, reply_json

DONT_KNOW = "I don't know"
_QUESTION = re.compile(r"^(?P<id>[a-z_]+): (?P<text>.+)$", re.M)


def block(text: str, tag: str) -> str:
    """The content of the last ``<tag>…</tag>`` fence in ``text`` ('' if none)."""
    start = text.rfind(f"<{tag}>\n")
    end = text.rfind(f"\n</{tag}>")
    return text[start + len(tag) + 3 : end] if 0 <= start < end else ""


def asked_ids(user_text: str) -> list[str]:
    return [
        m["id"] for m in _QUESTION.finditer(block(user_text, "questions")) if m["id"] in SLOT_BY_ID
    ]


def _norm(text: str) -> str:
    return " ".join(text.split())


def raw_value(slot_def: Slot, answer: str) -> Any:
    """The value a model would return for ``answer``: rows as cell lists in column order."""
    value = parse_value(slot_def, answer)
    if value is None:
        return None
    if slot_def.kind is SlotKind.TABLE:
        return [[row.get(c, "") for c in slot_def.columns] for row in value]  # type: ignore[union-attr]
    return value


def sentence(slot_def: Slot, answer: str) -> str:
    """How the prose engineer states one fact: the slot's label, then the answer."""
    return f"{slot_def.label}: {answer}."


class ScriptedClaude:
    """``fake.default_responder`` for a whole interview about one scenario's answers."""

    def __init__(self, answers: Mapping[str, str]) -> None:
        self.answers = dict(answers)
        self.kinds: list[str] = []

    def __call__(self, body: dict[str, Any]) -> Step:
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
        kind = str(schema.get("title"))
        self.kinds.append(kind)
        user = _user_text(body)
        if kind == "ExtractionOut":
            return reply_json(self.extract(user))
        if kind == "PhrasedQuestions":
            return reply_json({"message": self.phrase(user)})
        if kind == "Proposals":
            return reply_json({"proposals": self.infer(user)})
        if kind == "Condensed":
            return reply_json({"fields": self.condense(user)})
        raise AssertionError(f"unexpected output schema {kind!r}")

    def extract(self, user: str) -> dict[str, Any]:
        reply = _norm(block(user, "reply"))
        operations = []
        for slot_id, answer in self.answers.items():
            slot_def = SLOT_BY_ID[slot_id]
            said = _norm(sentence(slot_def, answer))[:-1]
            if said not in reply and _norm(answer) != reply:
                continue
            value = raw_value(slot_def, answer)
            if value is not None:
                operations.append(
                    {"slot_id": slot_id, "op": "set", "value": value, "quote": answer}
                )
        unknown = []
        if DONT_KNOW.lower() in reply.lower():
            done = {o["slot_id"] for o in operations}
            unknown = [s for s in asked_ids(user) if s not in done]
        return {"operations": operations, "unknown": unknown}

    def phrase(self, user: str) -> str:
        known = block(user, "draft").splitlines()
        lead = known[0].split(" = ", 1)[-1][:40] if known and " = " in known[0] else ""
        lines = [f"You mentioned {lead}; a few more details." if lead else "A few questions."]
        questions = list(_QUESTION.finditer(block(user, "questions")))
        for number, match in enumerate(questions, start=1):
            lines.append(f"{number}. {match['text'].split(' (format:')[0]}")
        return "\n".join(lines)

    def infer(self, user: str) -> list[dict[str, Any]]:
        wanted = user.rsplit("Slots to propose values for:", 1)[-1].strip().split(", ")
        return [{"slot_id": s, "value": proposal(SLOT_BY_ID[s])} for s in wanted if s in SLOT_BY_ID]

    def condense(self, user: str) -> list[dict[str, str]]:
        """Drop the last sentence, or else the unprotected tail of a one-sentence field."""
        fields = re.findall(
            r"^([a-z_]+) \(\d+ words allowed, \d+ now\):\n<field>\n(.*?)\n</field>",
            user,
            re.M | re.S,
        )
        return [{"slot_id": slot_id, "text": shorter(text)} for slot_id, text in fields]


_KEEP = re.compile(r"[\d/`@_=$~]|\w\.\w|[a-z][A-Z]")


def shorter(text: str) -> str:
    parts = re.split(r"(?<=\.)\s+", text)
    if len(parts) > 1:
        return " ".join(parts[:-1])
    words = text.split()
    head = max(2, -(-len(words) * 2 // 3))
    tail = [w for w in words[head:] if _KEEP.search(w) or w[:1].isupper()]
    return " ".join(words[:head] + tail).rstrip(",;") + ("." if text.endswith(".") else "")


def proposal(slot_def: Slot) -> Any:
    """A short valid value of the slot's shape within its word budget (no placeholders)."""
    if slot_def.kind is SlotKind.DURATION:
        return "4 hours"
    if slot_def.kind is SlotKind.TEXT:
        words = f"{slot_def.label}: documented in the runbook, owned by on-call.".split()
        return " ".join(words[: max(2, slot_def.budget)])
    count = slot_def.exact_items or max(1, slot_def.min_items)
    if slot_def.kind is SlotKind.ITEMS:
        return [f"Step {i}" for i in range(1, count + 1)]
    return [[f"{c[:6]}{i}" for c in slot_def.columns] for i in range(1, count + 1)]


def _user_text(body: dict[str, Any]) -> str:
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    content = users[0].get("content") if users else ""
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content)


class ProseEngineer:
    """Answers in free prose and, like people do, covers the whole section a question touches.

    Claude can take that; the offline rules need one answer per asked question in its format.
    """

    def __init__(self, answers: Mapping[str, str]) -> None:
        self.answers = dict(answers)
        self.said: set[str] = set()

    def reply(self, asked: Sequence[str]) -> str | None:
        if not asked:
            return None
        sections = {SLOT_BY_ID[s].section for s in asked}
        covered = [
            s.id
            for s in SLOTS
            if s.section in sections
            and s.id in self.answers
            and (s.id in asked or s.id not in self.said)
        ]
        if not covered:
            return DONT_KNOW
        self.said.update(covered)
        return " ".join(sentence(SLOT_BY_ID[s], self.answers[s]) for s in covered)
