"""Fitting the manual into its 800 words by giving up the cheapest words first.

Every slot value comes with a ladder of shorter versions (``bot.rendering.shrink``). The fitter
walks all ladders at once: at each step it takes the rung, anywhere in the manual, that loses
the least per word saved. What a word is worth depends on what it says (a threshold, a command,
a hostname outweigh prose), on how much the part matters at 3 a.m. (the slot's priority), on
whether an engineer said it or the bot proposed it, and on the part's word budget: a part far
over its budget gives up words cheaply, a part already under it holds on to them.

The result always fits when the floors do. ``bot.rendering.render`` checks the real count after
rendering (table rows and list markers add words of their own) and, for a draft so large that
even the floors do not fit, swaps the worst parts for their short proposals: the manual is
always published, and the details file keeps every word that was given up.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass
from functools import lru_cache

from bot.core.slots import SLOT_BY_ID, Slot, Value, value_texts
from bot.rendering.marks import marked
from bot.rendering.optional import OMITTABLE
from bot.rendering.shrink import MACHINE_WEIGHT, Step, ladder

LABEL_WORDS = 2  # what a bullet's bold label costs, saved with it

PRIORITY_WEIGHT = {1: 1.0, 2: 0.85, 3: 0.7, 4: 0.55, 5: 0.45}


@dataclass(frozen=True, slots=True)
class Fit:
    values: dict[str, Value]
    words: int  # words of all values together
    shortened: tuple[str, ...]  # slots that lost words, in catalogue order


def _weight(slot_def: Slot, machine: bool, value: Value) -> float:
    """How much the slot's words matter at 3 a.m. Proposals weigh less entry by entry, by
    their mark (``shrink``); a machine value that carries no mark at all is a proposal
    throughout."""
    base: float = PRIORITY_WEIGHT.get(slot_def.priority, 0.35)
    unmarked = not any(marked(text) for text in value_texts(value))
    return base * (MACHINE_WEIGHT if machine and unmarked else 1.0)


def _pressure(words: int, budget: int) -> float:
    """Over its budget a part gives words up cheaply; under it, at a premium."""
    budget = max(budget, 1)
    if words > budget:
        return float((budget / words) ** 0.75)
    return 1.0 + 2.0 * (budget - words) / budget


def ladders_of(values: dict[str, Value]) -> dict[str, list[Step]]:
    """Every value's ladder, built once: fitting the same values to another number of words
    (the render loop does, a few times) only walks them again."""
    ladders: dict[str, list[Step]] = {}
    for slot_id, value in values.items():
        slot_def = SLOT_BY_ID.get(slot_id)
        if slot_def is not None:
            ladders[slot_id] = list(_ladder(slot_id, json.dumps(value, ensure_ascii=False)))
            if slot_id in OMITTABLE and _all_proposed(value):
                ladders[slot_id].append(Step("", 0, 0.0))  # the bullet goes, label and all
    return ladders


@lru_cache(maxsize=1024)
def _ladder(slot_id: str, value_json: str) -> tuple[Step, ...]:
    """A ladder depends on the value alone, and a draft is rendered again and again (each
    reply's preview, `draft`, `finish`) with most of its values unchanged; building the ladders
    is most of the cost of a render. Steps are frozen and nothing downstream mutates a value."""
    return tuple(ladder(SLOT_BY_ID[slot_id], json.loads(value_json)))


def forget_ladders() -> None:
    """Drop the cached ladders (benchmarks measure the first render of a draft too)."""
    _ladder.cache_clear()


def fit_values(
    values: dict[str, Value],
    *,
    available: int,
    machine: frozenset[str] = frozenset(),
    ladders: dict[str, list[Step]] | None = None,
) -> Fit:
    """The values, each at the rung that makes them fit ``available`` words together.

    Values of ids outside the catalogue are passed through untouched. When everything is at its
    floor and still does not fit, the floors are returned (the caller decides what then).
    """
    ladders = ladders if ladders is not None else ladders_of(values)
    position = dict.fromkeys(ladders, 0)
    total = sum(steps[0].words for steps in ladders.values())
    heap: list[tuple[float, int, str]] = []
    order = {slot_id: index for index, slot_id in enumerate(SLOT_BY_ID)}

    def push(slot_id: str) -> None:
        steps, at = ladders[slot_id], position[slot_id]
        if at + 1 >= len(steps):
            return
        saved = steps[at].words - steps[at + 1].words
        if steps[at + 1].value == "":
            saved += LABEL_WORDS  # the label goes with it
        lost = max(steps[at].score - steps[at + 1].score, 0.05)
        slot_def = SLOT_BY_ID[slot_id]
        cost = (
            lost
            * _weight(slot_def, slot_id in machine, values[slot_id])
            * _pressure(steps[at].words, slot_def.budget)
        )
        heapq.heappush(heap, (cost / max(saved, 1), order[slot_id], slot_id))

    for slot_id in ladders:
        push(slot_id)
    while total > available and heap:
        _, _, slot_id = heapq.heappop(heap)
        steps, at = ladders[slot_id], position[slot_id]
        if steps[at + 1].value == "" and not _others_say_something(slot_id, ladders, position):
            continue  # the last part of a subsection stays
        total -= steps[at].words - steps[at + 1].words
        position[slot_id] = at + 1
        push(slot_id)
    out = dict(values)
    for slot_id, steps in ladders.items():
        out[slot_id] = steps[position[slot_id]].value
    shortened = tuple(s for s in SLOT_BY_ID if s in ladders and position[s] > 0)
    return Fit(out, total, shortened)


def _all_proposed(value: Value) -> bool:
    texts = [t for t in value_texts(value) if t.strip()]
    return bool(texts) and all(marked(t) for t in texts)


def _others_say_something(
    slot_id: str, ladders: dict[str, list[Step]], position: dict[str, int]
) -> bool:
    """Would the slot's subsection keep some other part if this one went?"""
    subsection = SLOT_BY_ID[slot_id].subsection
    return any(
        ladders[other][position[other]].value != ""
        for other in ladders
        if other != slot_id and SLOT_BY_ID[other].subsection == subsection
    )
