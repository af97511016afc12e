"""How one slot value gets shorter, one least-useful piece at a time.

For every value the fitter needs the whole ladder from "as the engineers said it" down to a
floor of a few words, so it can pick, across the manual, the cheapest words to give up. This
module builds that ladder for one value: at each rung it removes the piece (a clause, a list
item, a table row, or the tail of an over-long phrase) that carries the least per word saved,
scored by what a responder needs at 3 a.m.: numbers, commands, paths, names, identifiers.

Pieces are whole: a clause with the clauses that depend on it ("…, but not during backups"),
an item, a row. Phrase cuts end where a phrase ends (``bot.rendering.clauses``). Cells that
name a row and thresholds are never shortened; commands are dropped whole or kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.slots import Slot, SlotKind, Value
from bot.rendering.clauses import Clause, clauses, cut_at_phrase, join, words
from bot.rendering.marks import MARK, marked, unmark

# Slots whose entries are code or keys: an entry is kept or dropped whole, never shortened.
VERBATIM = frozenset({"diagnostic_commands", "health_checks"})
PHRASE_FLOOR = 4  # a phrase cut never leaves fewer words than this
PROPOSAL_FLOOR = 2  # the bot's own proposals may shrink further: they are marked guesses
ENTRY_COST = 4.0  # dropping a whole list entry or row loses more than its words say

_CODE = re.compile(r"`[^`]+`")
_SPECIAL = re.compile(r"[\d/\\@#$_=~%]|\w\.\w|://|^--?\w")
_FILLER_LEAD = re.compile(
    r"^(?:(?:so|also|and|but|ok|okay|well|basically|honestly|tbh|fwiw|iirc|afaik|imo|btw|"
    r"i\s+think|i\s+believe|we\s+think|i\s+guess|right|yeah|yep|yes|oh|um+|uh+|hmm+|"
    r"just|currently|obviously|of\s+course|as\s+i\s+said|like\s+i\s+said)[,:]?\s+)+",
    re.I,
)
_ARTICLES = re.compile(r"(?<![\w/.-])(?:the|a|an)\s+(?=[\w(\"'`#@$/])", re.I)
_FRAMING = re.compile(
    r"(?<![\w-])(?:we(?:'ll|'re|'ve)?|there(?:'s|\s+is|\s+are))\s+(?=[a-z])|"
    r"(?<![\w-])(?:that's|which\s+is|that\s+is)\s+(?=[a-z])",
    re.I,
)
_FILLER_ANY = re.compile(
    r"\s+(?:just|really|pretty\s+much|basically|literally|actually|kinda|sort\s+of)(?=\s)", re.I
)


def tidy(text: str) -> str:
    """Drop words that carry nothing ("so basically we just …") without touching facts."""
    out = _FILLER_ANY.sub("", " " + " ".join(text.split())).strip()
    out = _FILLER_LEAD.sub("", out)
    return (out[:1].upper() + out[1:]) if out[:1].islower() and text[:1].isupper() else out


def telegraphic(text: str) -> str:
    """Runbook style: articles and "we"/"there is" framing dropped outside code, so the same
    facts take fewer words ("we restore the latest snapshot into the staging cluster" ->
    "restore latest snapshot into staging cluster"). Only for text that must get shorter."""
    parts = _CODE.split(text)
    codes = _CODE.findall(text)
    out: list[str] = []
    for index, part in enumerate(parts):
        part = _ARTICLES.sub("", part)
        part = _FRAMING.sub("", part)
        out.append(part)
        if index < len(codes):
            out.append(codes[index])
    shorter = " ".join("".join(out).split())
    return shorter if words(shorter) < words(text) else text


def fact_score(text: str) -> float:
    """How much a responder would miss if ``text`` were gone: code, numbers, names, paths."""
    score = 3.0 * len(_CODE.findall(text))
    for index, token in enumerate(_CODE.sub(" ", text).split()):
        word = token.strip("\"'()[]{}.,;:!?*")
        if not word or not any(ch.isalnum() for ch in word):
            continue
        if _SPECIAL.search(word):
            score += 2.0
        elif any(ch.isupper() for ch in word[1:]) or (word[:1].isupper() and index > 0):
            score += 1.5
        elif len(word) > 3:
            score += 0.25
    return score


# ---------------------------------------------------------------- pieces of a value


@dataclass(slots=True)
class _Text:
    """One piece of text as groups of clauses; a group is a clause plus its attachments."""

    groups: list[list[Clause]]
    cut: str | None = None  # set once the text is reduced to a phrase-cut single group
    proposed: bool = False  # carries the proposal mark, which every shorter version keeps

    @classmethod
    def of(cls, text: str, *, verbatim: bool = False) -> _Text:
        proposed = marked(text)
        text = unmark(text) if proposed else text
        if verbatim:
            return cls([[Clause(text, "", 0, False)]], proposed=proposed)
        groups: list[list[Clause]] = []
        for clause in clauses(telegraphic(tidy(text))):
            if clause.attached and groups:
                groups[-1].append(clause)
            else:
                groups.append([clause])
        return cls(groups or [[Clause(text, "", 0, False)]], proposed=proposed)

    def render(self) -> str:
        text = self.cut if self.cut is not None else self.bare()
        return f"{text} {MARK}" if self.proposed else text

    def bare(self) -> str:
        return join([clause for group in self.groups for clause in group])

    def words(self) -> int:
        return words(self.render())


def _group_text(group: list[Clause]) -> str:
    return join(group)


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the ladder: the value, its words, and the score it still carries."""

    value: Value
    words: int
    score: float


@dataclass(frozen=True, slots=True)
class _Op:
    saves: int
    loses: float
    apply: Callable[[], None]  # mutates the state


class _State:
    """A value taken apart into texts, so pieces can be removed and the value rebuilt."""

    def __init__(self, slot_def: Slot, value: Value) -> None:
        self.slot = slot_def
        verbatim = slot_def.id in VERBATIM
        self.items: list[_Text] = []
        self.rows: list[dict[str, _Text]] = []
        if slot_def.kind is SlotKind.TABLE:
            for row in value if isinstance(value, list) else []:
                if isinstance(row, dict):
                    self.rows.append(
                        {c: _Text.of(str(row.get(c, "")), verbatim=self._fixed(c)) for c in row}
                    )
        elif slot_def.kind is SlotKind.ITEMS:
            self.items = [_Text.of(str(i), verbatim=verbatim) for i in value]
        else:
            text = value if isinstance(value, str) else "; ".join(map(str, value))
            fixed = verbatim or slot_def.kind is SlotKind.DURATION
            self.items = [_Text.of(text, verbatim=fixed)]

    def _fixed(self, column: str) -> bool:
        return column in (self.slot.columns[0], self.slot.numeric_column)

    def value(self) -> Value:
        if self.slot.kind is SlotKind.TABLE:
            return [{c: t.render() for c, t in row.items()} for row in self.rows]
        if self.slot.kind is SlotKind.ITEMS:
            return [t.render() for t in self.items]
        return self.items[0].render()

    def texts(self) -> list[tuple[_Text, bool]]:
        """Every text with whether it may be shortened."""
        if self.slot.kind is SlotKind.TABLE:
            return [(t, not self._fixed(c)) for row in self.rows for c, t in row.items()]
        fixed = self.slot.id in VERBATIM or self.slot.kind is SlotKind.DURATION
        return [(t, not fixed) for t in self.items]

    def ops(self, weight: float) -> list[_Op]:
        found: list[_Op] = []
        for text, free in self.texts():
            if not free or text.cut is not None or len(text.groups) < 2:
                continue
            for index in range(1, len(text.groups)):  # the first group carries the subject
                piece = _group_text(text.groups[index])
                found.append(
                    _Op(words(piece), weight * fact_score(piece), _dropper(text.groups, index))
                )
        minimum = max(1, self.slot.min_items)
        if self.slot.kind is SlotKind.TABLE and len(self.rows) > minimum:
            for index in range(minimum, len(self.rows)):
                row_text = " ".join(t.render() for t in self.rows[index].values())
                loss = weight * (fact_score(row_text) + ENTRY_COST + 1.0)
                found.append(_Op(words(row_text), loss, _dropper(self.rows, index)))
        if self.slot.kind is SlotKind.ITEMS and len(self.items) > minimum:
            for index in range(1, len(self.items)):
                item = self.items[index].render()
                loss = weight * (fact_score(item) + ENTRY_COST)
                found.append(_Op(words(item), loss, _dropper(self.items, index)))
        return [op for op in found if op.saves > 0]

    def phrase_cuts(self, weight: float) -> list[_Op]:
        """Once no piece can go, the longest free text loses the tail of its phrase."""
        found = []
        for text, free in self.texts():
            current = text.cut if text.cut is not None else text.bare()
            count = words(current)
            floor = PROPOSAL_FLOOR if text.proposed else PHRASE_FLOOR
            if not free or count <= floor:
                continue
            shorter = cut_at_phrase(current, max(floor, count * 2 // 3))
            saved = count - words(shorter)
            if saved > 0:
                lost = fact_score(current) - fact_score(shorter)
                found.append(_Op(saved, weight * max(lost, 0.1) * 2, _cutter(text, shorter)))
        return found


def _dropper(items: list[Any], index: int) -> Callable[[], None]:
    def drop() -> None:
        del items[index]

    return drop


def _cutter(text: _Text, shorter: str) -> Callable[[], None]:
    def cut() -> None:
        text.cut = shorter

    return cut


def ladder(slot_def: Slot, value: Value, *, weight: float = 1.0) -> list[Step]:
    """The value and every shorter version of it, each a little shorter than the one before.

    The first step is the value tidied (filler words dropped), the last is its floor. Each
    step removes the piece with the lowest score per word saved, so a long aside goes before
    a short clause holding a hostname.
    """
    state = _State(slot_def, value)
    steps = [_step(state, weight)]
    for _ in range(400):  # each op removes at least one word; values are capped in size
        ops = state.ops(weight) or state.phrase_cuts(weight)
        if not ops:
            break
        best = min(ops, key=lambda op: (op.loses / op.saves, -op.saves))
        best.apply()
        step = _step(state, weight)
        if step.words >= steps[-1].words:
            break
        steps.append(step)
    return steps


def _step(state: _State, weight: float) -> Step:
    value = state.value()
    texts = _all_text(value)
    return Step(value, sum(words(t) for t in texts), weight * sum(map(fact_score, texts)))


def _all_text(value: Value) -> list[str]:
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value:
        out.extend(item.values() if isinstance(item, dict) else [str(item)])
    return out


def rows_dropped(before: Value, after: Value) -> int:
    """How many rows or entries a shorter value lost (for the completion message)."""
    if isinstance(before, list) and isinstance(after, list):
        return max(0, len(before) - len(after))
    return 0
