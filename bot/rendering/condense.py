"""The deterministic condenser: shorten prose until the manual fits its word budget.

Engineers' answers often run past what an 800-word manual can hold. Rather than truncate
(which cuts mid-fact), the condenser removes whole units of prose -- trailing sentences, then
parenthesised asides, then trailing clauses -- starting with the least important slots. A unit
that carries a fact a responder needs is never removed: anything with a digit, a path or URL, a
backticked command, an identifier, or a capitalised name (PostgreSQL, Stripe, EKS). The first
sentence and first clause of every value always stay, so no slot is ever emptied.

Order: slots by schema priority 5 (least important) to 1; within a priority, the slot most over
its own word budget first. A first phase trims every slot down to its budget; only if the
manual is still too long does a second phase trim slots below their budgets.
"""

from __future__ import annotations

import re

from bot.contract.lint import count_words
from bot.core.slots import SLOTS, Row, Slot, SlotKind, Value, value_texts

__all__ = ["condense_text", "condense_values", "is_protected", "known_names", "value_words"]

# Slots whose items are code or keys, not prose: shortening them would change their meaning.
_VERBATIM = frozenset({"diagnostic_commands", "health_checks"})

_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[^\sa-z])")
_CLAUSE_SEP = re.compile(r"[,;]\s+|\s+[-–—]\s+")
_ASIDE = re.compile(r"\s*\(([^()`]*)\)")
_TERMINATOR = re.compile(r"[.!?]+[\"')\]]*$")
# Identifiers, commands, paths, URLs, handles, channels, env vars, flags, domains, file names.
_SPECIAL = re.compile(r"[\d`/\\@#$_=<>~%]|\w\.\w")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "approx", "incl", "cf"})
# Capitalised only because they start a clause; never names, whatever a mis-split suggests.
_NOT_NAMES = frozenset({"The", "This", "That", "These", "It", "Its", "We", "They", "If", "When"})
_PUNCT = "\"'()[]{}.,;:!?*-–—"


def value_words(value: Value) -> int:
    """Words in a slot value, counted the way the linter counts the rendered manual."""
    return sum(count_words(text) for text in value_texts(value))


# ---------------------------------------------------------------- splitting


def _top_level(text: str) -> list[bool]:
    """Per character: outside parentheses, brackets, double quotes and backtick code spans."""
    mask: list[bool] = []
    depth, in_code, in_quote = 0, False, False
    for ch in text:
        top = False
        if in_code:
            in_code = ch != "`"
        elif ch == "`":
            in_code = True
        elif ch == '"':
            in_quote = not in_quote
        elif in_quote:
            pass
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        else:
            top = depth == 0
        mask.append(top)
    return mask


def _split(
    text: str, pattern: re.Pattern[str], *, sentences: bool = False
) -> list[tuple[str, str]]:
    """Split at top-level matches: [(piece, separator that follows it)], last separator ''."""
    mask = _top_level(text)
    pieces: list[tuple[str, str]] = []
    start = 0
    for match in pattern.finditer(text):
        if not mask[match.start()] or match.start() <= start:
            continue
        if sentences and _abbreviation_before(text, match.start()):
            continue
        pieces.append((text[start : match.start()], match.group()))
        start = match.end()
    pieces.append((text[start:], ""))
    return pieces


def _abbreviation_before(text: str, end: int) -> bool:
    """ "e.g. Redis" and initials ("J. Smith") do not end a sentence; "over 1 s. Then" does."""
    word = text[:end].rsplit(maxsplit=1)[-1].strip(_PUNCT) if text[:end].strip() else ""
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _sentences(text: str) -> list[str]:
    """Sentences with their terminators, e.g. ["Runs on EKS.", "It scales out."]."""
    return [
        (piece + sep).strip()
        for piece, sep in _split(text, _SENTENCE_END, sentences=True)
        if piece.strip()
    ]


# ---------------------------------------------------------------- protection


def known_names(values: dict[str, Value]) -> frozenset[str]:
    """Words written capitalised in mid-sentence anywhere in the values ("on Stripe").

    A capital at the start of a sentence is ambiguous ("Stripe retries" vs "The team"), so a
    sentence-initial word counts as a name only if the engineers capitalised it elsewhere too.
    """
    names: set[str] = set()
    for value in values.values():
        for text in value_texts(value):
            for sentence in _sentences(text):
                for token in sentence.split()[1:]:
                    word = token.strip(_PUNCT)
                    if word[:1].isupper() and word not in _NOT_NAMES:
                        names.add(word)
    return frozenset(names)


def is_protected(text: str, *, names: frozenset[str], starts_sentence: bool = True) -> bool:
    """True if dropping ``text`` would drop a number, path, command, URL or name."""
    for index, token in enumerate(text.split()):
        word = token.strip(_PUNCT)
        if word.lower() in _ABBREVIATIONS or not word:
            continue
        if _SPECIAL.search(word) or any(ch.isupper() for ch in word[1:]):
            return True
        if word[0].isupper() and (index > 0 or not starts_sentence or word in names):
            return True
    return False


# ---------------------------------------------------------------- one step of shortening


def _drop_sentence(text: str, names: frozenset[str]) -> str | None:
    sentences = _sentences(text)
    for index in range(len(sentences) - 1, 0, -1):
        if not is_protected(sentences[index], names=names):
            return " ".join(sentences[:index] + sentences[index + 1 :])
    return None


def _drop_aside(text: str, names: frozenset[str]) -> str | None:
    for match in reversed(list(_ASIDE.finditer(text))):
        before = text[: match.start()]
        if not before.strip() or before.count("`") % 2:
            continue  # an aside that opens the text, or one inside a code span
        if is_protected(match.group(1), names=names, starts_sentence=False):
            continue
        return (before + text[match.end() :]).strip()
    return None


def _drop_clause(text: str, names: frozenset[str]) -> str | None:
    sentences = _sentences(text)
    for index in range(len(sentences) - 1, -1, -1):
        clauses = _split(sentences[index], _CLAUSE_SEP)
        if len(clauses) < 2:
            continue
        last = clauses[-1][0]
        if is_protected(last, names=names, starts_sentence=False):
            continue
        terminator = _TERMINATOR.search(last)
        kept = "".join(piece + sep for piece, sep in clauses[:-2]) + clauses[-2][0]
        sentences[index] = kept.rstrip() + (terminator.group() if terminator else "")
        return " ".join(sentences)
    return None


def condense_text(text: str, *, names: frozenset[str] = frozenset()) -> str | None:
    """Remove one unit of prose from ``text``; None when nothing more may be removed."""
    for step in (_drop_sentence, _drop_aside, _drop_clause):
        shorter = step(text, names)
        if shorter is not None and shorter != text:
            return shorter
    return None


def _shorten_list(items: list[str], names: frozenset[str]) -> list[str] | None:
    """Shorten the longest item that can still be shortened (items themselves are kept)."""
    order = sorted(range(len(items)), key=lambda i: (-count_words(items[i]), -i))
    for index in order:
        shorter = condense_text(items[index], names=names)
        if shorter is not None:
            return [*items[:index], shorter, *items[index + 1 :]]
    return None


def _shorten_table(
    slot_def: Slot, rows: list[Row], names: frozenset[str], *, drop_rows: bool
) -> list[Row] | None:
    """Shorten the longest cell (never the first, naming column); then maybe drop a row."""
    cells = [(r, c) for r, row in enumerate(rows) for c in slot_def.columns[1:] if c in row]
    cells.sort(key=lambda rc: (-count_words(rows[rc[0]][rc[1]]), -rc[0]))
    for r, column in cells:
        shorter = condense_text(rows[r][column], names=names)
        if shorter is not None:
            row = {**rows[r], column: shorter}
            return [*rows[:r], row, *rows[r + 1 :]]
    keep = max(1, slot_def.min_items)
    if drop_rows and len(rows) > keep:
        last = rows[-1]
        if not any(is_protected(text, names=names) for text in last.values()):
            return rows[:-1]
    return None


def _shorten(slot_def: Slot, value: Value, names: frozenset[str], *, deep: bool) -> Value | None:
    if slot_def.id in _VERBATIM or slot_def.kind is SlotKind.DURATION:
        return None
    if isinstance(value, str):
        return condense_text(value, names=names)
    if slot_def.kind is SlotKind.TABLE:
        rows = [row for row in value if isinstance(row, dict)]
        return _shorten_table(slot_def, rows, names, drop_rows=deep)
    return _shorten_list([item for item in value if isinstance(item, str)], names)


# ---------------------------------------------------------------- the condenser


def condense_values(
    values: dict[str, Value],
    *,
    words_over: int,
    machine: frozenset[str] = frozenset(),
) -> dict[str, Value]:
    """A copy of ``values`` with about ``words_over`` words of low-priority prose removed.

    ``machine`` names the slots whose text the bot wrote (defaults, inferences): they are
    condensed before anything an engineer said, and, as a last resort, cut down to a few words
    even where they hold numbers or names, because they are proposals, not facts. Text from
    people never loses a number, path, command or name.
    May remove fewer (everything left is protected) or slightly more (a unit is removed whole).
    The input is not modified; slots that are absent are left absent.
    """
    result = dict(values)
    remaining = words_over
    if remaining <= 0:
        return result
    names = known_names(values)
    present = [s for s in SLOTS if s.id in result]
    ours = [s for s in present if s.id in machine]
    for pool in (ours, present):
        for deep in (False, True):
            for priority in (5, 4, 3, 2, 1):
                group = [s for s in pool if s.priority == priority]
                remaining = _condense_group(group, result, names, remaining, deep=deep)
                if remaining <= 0:
                    return result
    for priority in (5, 4, 3, 2, 1):
        for slot_def in (s for s in ours if s.priority == priority):
            remaining = _cut_machine_text(slot_def, result, remaining)
            if remaining <= 0:
                return result
    return result


HARD_FLOOR_WORDS = 4


def _truncate(text: str, limit: int) -> str:
    """The first ``limit`` words, never ending inside a backtick span."""
    words = text.split()
    if len(words) <= limit:
        return text
    kept = words[:limit]
    while kept and " ".join(kept).count("`") % 2:
        kept.pop()
    return " ".join(kept or words[:1]).rstrip(",;:-") or text


def _cut_machine_text(slot_def: Slot, result: dict[str, Value], remaining: int) -> int:
    """Cut a bot-written value to a few words per text, keeping rows and items intact."""
    if slot_def.id in _VERBATIM or slot_def.kind is SlotKind.DURATION:
        return remaining
    value = result[slot_def.id]
    before = value_words(value)
    shorter: Value
    if isinstance(value, str):
        shorter = _truncate(value, HARD_FLOOR_WORDS)
    elif slot_def.kind is SlotKind.TABLE:
        first = slot_def.columns[0]
        shorter = [
            {c: v if c == first else _truncate(v, HARD_FLOOR_WORDS) for c, v in row.items()}
            for row in value
            if isinstance(row, dict)
        ]
    else:
        shorter = [_truncate(i, HARD_FLOOR_WORDS + 2) for i in value if isinstance(i, str)]
    result[slot_def.id] = shorter
    return remaining - (before - value_words(shorter))


def _condense_group(
    group: list[Slot],
    result: dict[str, Value],
    names: frozenset[str],
    remaining: int,
    *,
    deep: bool,
) -> int:
    """Repeatedly shorten the slot most over its budget; returns the words still to remove."""
    exhausted: set[str] = set()
    words = {s.id: value_words(result[s.id]) for s in group}  # counted once, kept up to date

    def overage(slot_def: Slot) -> int:
        return words[slot_def.id] - slot_def.budget

    while remaining > 0:
        open_slots = [s for s in group if s.id not in exhausted and (deep or overage(s) > 0)]
        if not open_slots:
            return remaining
        target = max(open_slots, key=overage)  # max() keeps the first (catalogue order) on ties
        before = result[target.id]
        shorter = _shorten(target, before, names, deep=deep)
        if shorter is None:
            exhausted.add(target.id)
            continue
        result[target.id] = shorter
        after = value_words(shorter)
        remaining -= words[target.id] - after
        words[target.id] = after
    return remaining
