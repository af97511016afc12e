"""How one slot value gets shorter, one least-useful piece at a time.

For every value the fitter needs the whole ladder from "as the engineers said it" down to a
floor of a few words, so it can pick, across the manual, the cheapest words to give up. This
module builds that ladder for one value: at each rung it removes the piece (a clause, a list
item, a table row, or the tail of an over-long phrase) that carries the least per word saved,
scored by what a responder needs at 3 a.m.: numbers, commands, paths, names, identifiers.

Pieces are whole: a clause with the clauses that depend on it ("…, but not during backups"),
a parenthetical aside or one item inside it, an item, a row (``bot.rendering.clauses`` knows
the boundaries). Phrase cuts end where a phrase ends. Cells that name a row and thresholds are
never shortened; commands are dropped whole or kept whole. The first rung is the value tidied:
filler and "the" dropped, the engineers' casing kept. Well-known tool names typed in lower case
(``bot.rendering.terms``) still count as names when a word's worth is weighed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.core.slots import Slot, SlotKind, Value
from bot.rendering.clauses import cut_window, words
from bot.rendering.marks import MARK, marked, unmark
from bot.rendering.spans import Span, droppable, remove
from bot.rendering.terms import is_name


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Slots whose entries are code or keys: an entry is kept or dropped whole, never shortened.
VERBATIM = frozenset({"diagnostic_commands", "health_checks"})
PHRASE_FLOOR = 4  # a phrase cut never leaves fewer words than this
PROPOSAL_FLOOR = 3  # a proposal shorter than this says nothing ("rate †")
ENTRY_COST = 4.0  # dropping a whole list entry or row loses more than its words say
MACHINE_WEIGHT = 0.2  # the bot's own proposals (marked †) give way to anything an engineer said
MAX_STEPS = 400  # each step removes at least one word; values are capped in size

_CODE = re.compile(r"`[^`]+`")
_SPECIAL = re.compile(r"[\d/\\@#$_=~%<>]|\w\.\w|://|^--?\w")
_HYPHENATED = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$", re.I)
# Hyphenated words of ordinary English ("on-call", "read-only"): not identifiers.
_ENGLISH_PARTS = _set(
    "on off in out up down re pre non co mid self cross multi read real well follow long short "
    "high low full half end all built one two three time call only write line roll rolled"
)
_QUOTED = re.compile(r"(?<![\w])(?:\"[^\"\n]{1,60}\"|'[^'\n]{1,60}'|“[^”\n]{1,60}”)")
# Words that carry procedure: order, negation, scope. "masters first", "never on the live one".
_KEY_WORDS = _set(
    "first last before after then never not no only without except until unless always "
    "immediately manual manually automatic automatically primary secondary"
)
_STOP = _set(
    "that this these those with from into onto when what which where while there their they "
    "them then than have has had been being were will would could should just also some "
    "very much more most such each every about around over under again once here your ours "
    "does doing done make makes made gets goes went come comes like kind thing things stuff "
    "basically really actually usually pretty quite"
)
_FILLER_LEAD = re.compile(
    r"^(?:(?:so|also|and|but|ok|okay|well|basically|honestly|tbh|fwiw|iirc|afaik|imo|btw|"
    r"i\s+think|i\s+believe|we\s+think|i\s+guess|right|yeah|yep|yes|oh|um+|uh+|hmm+|"
    r"just|currently|obviously|of\s+course|as\s+i\s+said|like\s+i\s+said)[,:]?\s+)+",
    re.I,
)
_ARTICLES = re.compile(r"(?<![\w/.-])(?P<gone>the)\s+(?P<next>[\w(\"'`#@$/])", re.I)
# "we"/"there is" framing, only where a clause starts: "which we own" keeps its "we".
_FRAMING = re.compile(
    r"(?:^|(?<=[.;:,!?]\s))(?P<gone>we(?:'ll|'re|'ve)?|there(?:'s|\s+is|\s+are)|that's|which\s+is|"
    r"that\s+is)\s+(?P<next>[a-z])",
    re.I,
)


def _dropped(match: re.Match[str]) -> str:
    """The word after a dropped "The"/"We" starts the sentence now: "The engine is" -> "Engine
    is", never "engine is" after a full stop. A tool keeps its case ("The kubectl context" keeps
    its article instead: "Kubectl" and "IOS" would be wrong)."""
    following = match.group("next")
    if not match.group("gone")[:1].isupper():
        return following
    word = _WORD.match(match.string, match.start("next"))
    plain = word is not None and word.group().isalpha() and word.group().islower()
    if plain and word is not None and not is_name(word.group()):
        return following.upper()
    return match.group()  # the article stays where the next word must keep its case


_WORD = re.compile(r"[\w.-]+")


_FILLER_ANY = re.compile(
    r"\s+(?:just|really|pretty\s+much|basically|literally|actually|kinda|sort\s+of)(?=\s)|"
    # "that's about all the 'db maintenance' there is, plus …": says only that the list ended
    r"\s+that'?s\s+(?:about|pretty\s+much|basically)?\s*all\s+(?:the\s+)?['\"]?[\w ]{1,25}['\"]?"
    r"\s+there\s+is(?:,?\s+plus)?(?=\s)",
    re.I,
)


def tidy(text: str) -> str:
    """Drop words that carry nothing ("so basically we just …") without touching facts. The
    engineers' own casing stays: "argocd app rollback payments-api" typed in prose is a command."""
    out = _FILLER_ANY.sub("", " " + " ".join(text.split())).strip()
    return _FILLER_LEAD.sub("", out) or out


def telegraphic(text: str) -> str:
    """Runbook style: "the" and "we"/"there is" framing dropped outside code, so the same facts
    take fewer words ("we restore the latest snapshot into the staging cluster" -> "restore
    latest snapshot into staging cluster"). "a"/"an" stay: "an hour" is a quantity."""
    parts = _CODE.split(text)
    codes = _CODE.findall(text)
    out: list[str] = []
    for index, part in enumerate(parts):
        part = _ARTICLES.sub(_dropped, part)
        part = _FRAMING.sub(_dropped, part)
        out.append(part)
        if index < len(codes):
            out.append(codes[index])
    shorter = " ".join("".join(out).split())
    return shorter if words(shorter) < words(text) else text


def fact_score(text: str) -> float:
    """How much a responder would miss if ``text`` were gone: code, numbers, names, paths,
    identifiers, quoted strings, and the words that order or negate a step."""
    score = 3.0 * len(_CODE.findall(text))
    prose = _CODE.sub(" ", text)
    quoted = {w.lower() for q in _QUOTED.findall(prose) for w in q.strip("\"'“”").split()}
    for index, token in enumerate(prose.split()):
        word = token.strip("\"'“”()[]{}.,;:!?*")
        if not word or not any(ch.isalnum() for ch in word):
            continue
        low = word.lower()
        if _SPECIAL.search(word):
            score += 2.0
        elif is_name(word) or any(ch.isupper() for ch in word[1:]) or low in quoted:
            score += 1.5
        elif word[:1].isupper():
            score += 1.5 if index > 0 else 0.75
        elif _HYPHENATED.match(word) and not set(low.split("-")) & _ENGLISH_PARTS:
            score += 1.5
        elif low in _KEY_WORDS:
            score += 1.0
        elif len(word) > 3 and low not in _STOP:
            score += 0.3
    return score


# ---------------------------------------------------------------- pieces of a value


@dataclass(slots=True)
class _Text:
    """One text of a value as it currently reads, and whether pieces of it may go."""

    text: str
    verbatim: bool = False
    proposed: bool = False  # carries the proposal mark, which every shorter version keeps
    cut: bool = False  # reduced by a phrase cut: nothing inside it may go any more

    @classmethod
    def of(cls, text: str, *, verbatim: bool = False) -> _Text:
        proposed = marked(text)
        text = unmark(text) if proposed else text
        if not verbatim:
            text = telegraphic(tidy(text))
        return cls(text, verbatim=verbatim, proposed=proposed)

    def render(self) -> str:
        return f"{self.text} {MARK}" if self.proposed else self.text

    @property
    def weight(self) -> float:
        return MACHINE_WEIGHT if self.proposed else 1.0

    def spans(self) -> list[Span]:
        return [] if self.verbatim or self.cut else droppable(self.text)


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

    def texts(self) -> list[_Text]:
        if self.slot.kind is SlotKind.TABLE:
            return [t for row in self.rows for t in row.values()]
        return list(self.items)

    def score(self) -> float:
        """What the value still says, an engineer's words counting more than proposals."""
        if self.slot.kind is SlotKind.TABLE:
            return sum(
                _row_weight(row) * fact_score(t.render()) for row in self.rows for t in row.values()
            )
        return sum(t.weight * fact_score(t.render()) for t in self.items)

    def ops(self, weight: float) -> list[_Op]:
        found: list[_Op] = []
        for text in self.texts():
            for span in text.spans():
                shorter = remove(text.text, span)
                if text.proposed and words(shorter) < PROPOSAL_FLOOR:
                    continue  # "APM: rate †" says nothing; the proposal goes whole or stays
                saved = words(text.text) - words(shorter)
                piece = text.text[span.start : span.end]
                loss = weight * text.weight * fact_score(piece)
                found.append(_Op(saved, loss, _editor(text, shorter)))
        minimum = max(1, self.slot.min_items)
        if self.slot.kind is SlotKind.TABLE and len(self.rows) > minimum:
            for index in range(minimum, len(self.rows)):
                row_text = " ".join(t.render() for t in self.rows[index].values())
                row_weight = _row_weight(self.rows[index])
                loss = weight * row_weight * (fact_score(row_text) + ENTRY_COST + 1.0)
                found.append(_Op(words(row_text), loss, _dropper(self.rows, index)))
        if self.slot.kind is SlotKind.ITEMS and len(self.items) > minimum:
            for index in range(len(self.items)):
                item = self.items[index].render()
                loss = weight * self.items[index].weight * (fact_score(item) + ENTRY_COST)
                found.append(_Op(words(item), loss, _dropper(self.items, index)))
        return [op for op in found if op.saves > 0]

    def phrase_cuts(self, weight: float) -> list[_Op]:
        """Once no piece can go, a free text loses the tail of its phrase."""
        found = []
        for text in self.texts():
            count = words(text.text)
            floor = PROPOSAL_FLOOR if text.proposed else PHRASE_FLOOR
            if text.verbatim or count <= floor:
                continue
            shorter = cut_window(text.text, max(floor, count * 2 // 3), fact_score)
            saved = count - words(shorter)
            if saved > 0 and words(shorter) >= floor:
                lost = max(fact_score(text.text) - fact_score(shorter), 0.1) * 2
                found.append(_Op(saved, weight * text.weight * lost, _cutter(text, shorter)))
        return found


def _row_weight(row: dict[str, _Text]) -> float:
    """A row the bot added carries the mark in its first cell; all its cells are proposals."""
    return min((t.weight for t in row.values()), default=1.0)


def _dropper(items: list[Any], index: int) -> Callable[[], None]:
    def drop() -> None:
        del items[index]

    return drop


def _editor(text: _Text, shorter: str) -> Callable[[], None]:
    def edit() -> None:
        text.text = shorter

    return edit


def _cutter(text: _Text, shorter: str) -> Callable[[], None]:
    def cut() -> None:
        text.text, text.cut = shorter, True

    return cut


def ladder(slot_def: Slot, value: Value, *, weight: float = 1.0) -> list[Step]:
    """The value and every shorter version of it, each a little shorter than the one before.

    The first step is the value tidied, the last is its floor. Each step removes the piece
    with the lowest score per word saved, so a long aside goes before a short clause holding a
    hostname; only when no piece can go does a text lose the tail of its phrase.
    """
    state = _State(slot_def, value)
    steps = [_step(state, weight)]
    for _ in range(MAX_STEPS):
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
    return Step(value, sum(words(t) for t in _all_text(value)), weight * state.score())


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
