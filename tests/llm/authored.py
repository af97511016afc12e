"""Claude's answers for the realistic conversations, as written out by a reader of each reply.

Why written and not recorded: no API key reaches this machine, and the scripted responder
(``tests.llm.realistic``) only recognises sentences it produced itself. The realistic
conversations (``tests/data/conversations``) need what a good model returns for rambling,
multi-topic Slack replies, so each answer in ``tests/data/claude/<key>.toml`` was written by
reading the reply, the draft and the questions the way the extraction prompt shows them: several
slots per reply, corrections as ``correct``, chatter and the injection giving nothing, and the
imperfections a real model has (a value over its word budget, a minor fact left out, a detail
put in a neighbouring slot).

The file holds, per conversation:

- ``[[extract]]``: ``reply`` (1-based, in the conversation's order), ``unknown`` and ``[[ops]]``
  with ``slot``, ``op``, ``value`` (absent for ``clear``) and ``quote``;
- ``[condense]``: slot id -> the shorter text, written for the field the finish sends;
- ``[infer]``: slot id -> the proposed value.

``AuthoredClaude`` serves them through the fake Messages API; phrasing, which is cosmetic in a
replayed conversation (the replies do not follow the questions), comes from the scripted
phraser. ``tests/llm/record_realistic.py`` records a session into a cassette
(``tests/data/cassettes``), which is what tests and benchmarks replay.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.realistic import Conversation
from tests.fakes.anthropic_api import Step, http_error, reply_json
from tests.llm.cassette import kind_of
from tests.llm.realistic import ScriptedClaude, block

JSON = dict[str, Any]
DATA = Path(__file__).resolve().parent.parent / "data"
AUTHORED = DATA / "claude"
CASSETTES = DATA / "cassettes"
_FIELD = re.compile(
    r"^([a-z_]+) \(\d+ words allowed, \d+ now\):\n<field>\n(.*?)\n</field>", re.M | re.S
)
MATCH_RATIO = 0.8  # a redacted reply differs from the conversation's text only at the secret


def _norm(text: str) -> str:
    return " ".join(text.split())


def _user(body: JSON) -> str:
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    content = users[0].get("content") if users else ""
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content or "")


def _operation(raw: JSON) -> JSON:
    return {
        "slot_id": raw["slot"],
        "op": raw.get("op", "set"),
        "value": raw.get("value"),
        "quote": raw["quote"],
    }


@dataclass
class Authored:
    """One conversation's written answers."""

    key: str
    extract: dict[int, JSON]
    condense: dict[str, str]
    infer: dict[str, Any]

    @classmethod
    def load(cls, key: str, folder: Path = AUTHORED) -> Authored:
        data = tomllib.loads((folder / f"{key}.toml").read_text(encoding="utf-8"))
        extract = {
            int(entry["reply"]): {
                "operations": [_operation(op) for op in entry.get("ops", ())],
                "unknown": list(entry.get("unknown", ())),
            }
            for entry in data.get("extract", ())
        }
        return cls(key, extract, dict(data.get("condense", {})), dict(data.get("infer", {})))


def available(folder: Path = AUTHORED) -> list[str]:
    return sorted(path.stem for path in folder.glob("*.toml"))


@dataclass
class AuthoredClaude:
    """``fake.default_responder`` for one conversation: its written answers, by request."""

    conversation: Conversation
    authored: Authored
    missed: list[str] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)  # reply numbers, per extraction call
    asked: dict[str, list[str]] = field(default_factory=dict)  # what finish condensed / inferred

    def __call__(self, body: JSON) -> Step:
        kind = kind_of(body)
        user = _user(body)
        if kind == "ExtractionOut":
            return self._extract(block(user, "reply"))
        if kind == "Condensed":
            return reply_json({"fields": self._condense(user)})
        if kind == "Proposals":
            return reply_json({"proposals": self._infer(user)})
        if kind == "PhrasedQuestions":
            return reply_json({"message": ScriptedClaude({}).phrase(user)})
        return http_error(500, message=f"no answer for {kind}", should_retry=False)

    def reply_number(self, reply: str) -> int | None:
        """Which reply of the conversation the fenced text is (1-based)."""
        said = [_norm(r.text) for r in self.conversation.replies]
        text = _norm(reply)
        if text in said:
            return said.index(text) + 1
        ratios = [difflib.SequenceMatcher(None, text, s).ratio() for s in said]
        best = max(range(len(said)), key=ratios.__getitem__)
        return best + 1 if ratios[best] >= MATCH_RATIO else None

    def _extract(self, reply: str) -> Step:
        number = self.reply_number(reply)
        if number is None or number not in self.authored.extract:
            self.missed.append(f"extract: {reply[:60]!r}")
            return http_error(500, message="no written answer", should_retry=False)
        self.matched.append(number)
        return reply_json(self.authored.extract[number])

    def _condense(self, user: str) -> list[dict[str, str]]:
        fields = _FIELD.findall(user)
        self.asked["condense"] = [slot_id for slot_id, _ in fields]
        out = []
        for slot_id, text in fields:
            shorter = self.authored.condense.get(slot_id)
            if shorter is None:
                self.missed.append(f"condense: {slot_id}")
            out.append({"slot_id": slot_id, "text": shorter if shorter is not None else text})
        return out

    def _infer(self, user: str) -> list[JSON]:
        wanted = user.rsplit("Slots to propose values for:", 1)[-1].strip().split(", ")
        self.asked["infer"] = wanted
        return [
            {"slot_id": slot_id, "value": self.authored.infer[slot_id]}
            for slot_id in wanted
            if slot_id in self.authored.infer
        ]
