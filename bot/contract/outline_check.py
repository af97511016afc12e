"""The outline half of the linter: are the ten sections and their subsections all there?

Kept apart from :mod:`bot.contract.lint` only to keep each module readable; nothing but the
linter should import it. It reports through an ``add(rule, line, message)`` callback so it
needs no import back into :mod:`bot.contract.lint`.

Headings are matched exactly first, then by number or normalised title, so a typo gives one
message at the typo's line; order is judged on a longest increasing run so one moved section
gives one message, not one per section it jumped over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.outline import OUTLINE, Subsection

__all__ = ["Heading", "Part", "check_structure", "find_headings", "label_at"]

Emit = Callable[[str, int, str], None]

_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\.?\s+(?P<title>.+)$")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # after the hashes, whitespace collapsed
    line: int

    @property
    def markdown(self) -> str:
        return f"{'#' * self.level} {self.text}"


@dataclass(frozen=True, slots=True)
class Part:
    """A recognised outline subsection and the lines its body spans (for labels and checks)."""

    sub: Subsection
    line: int  # heading line
    end: int  # first line after the body

    @property
    def label(self) -> str:
        return f"{self.sub.number} {self.sub.title}"


@dataclass(slots=True)
class _Match:
    slot_of: dict[int, int]  # heading line -> index of the expected heading it stands for
    near: set[int]  # lines whose heading only nearly matches (typo, "and" for "&", number)
    duplicate_of: dict[int, int]  # heading line -> line of the first copy
    unmatched: list[Heading]


def _norm(title: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.casefold().replace("&", " and ")).split())


def _match(found: Sequence[Heading], expected: Sequence[tuple[str, str, str]]) -> _Match:
    """Pair headings with expected ``(number, title, heading)``, exact first, then near.

    Pairing near misses turns one typo into one precise message at the typo's line instead
    of "missing" at line 0 plus "extra" somewhere else.
    """
    result = _Match({}, set(), {}, [])
    taken: dict[int, int] = {}
    headings = [heading for _, _, heading in expected]
    leftovers: list[Heading] = []
    for h in found:
        if h.markdown not in headings:
            leftovers.append(h)
        elif (index := headings.index(h.markdown)) in taken:
            result.duplicate_of[h.line] = taken[index]
        else:
            taken[index], result.slot_of[h.line] = h.line, index
    for h in leftovers:
        free = [i for i in range(len(expected)) if i not in taken]
        numbered = _NUMBERED.match(h.text)
        title = _norm(numbered["title"] if numbered else h.text)
        near = next((i for i in free if _norm(expected[i][1]) == title), None)
        if near is None and numbered:
            near = next((i for i in free if expected[i][0] == numbered["number"]), None)
        if near is None:
            result.unmatched.append(h)
        else:
            taken[near], result.slot_of[h.line] = h.line, near
            result.near.add(h.line)
    return result


def _report_match(
    match: _Match,
    found: Sequence[Heading],
    expected: Sequence[tuple[str, str, str]],
    level: str,
    add: Emit,
) -> None:
    """Near misses, duplicates and order for one heading level; callers judge the unmatched."""
    for h in found:
        if h.line in match.near:
            right = expected[match.slot_of[h.line]][2]
            add(f"missing-{level}", h.line, f"heading '{h.markdown}' must be exactly '{right}'")
        elif h.line in match.duplicate_of:
            add(
                "extra-section", h.line, f"'{h.markdown}' repeats line {match.duplicate_of[h.line]}"
            )
    placed = [h for h in found if h.line in match.slot_of]
    order = [match.slot_of[h.line] for h in placed]
    keep = _longest_increasing(order)
    for pos in sorted(set(range(len(placed))) - keep):
        later = [q for q in range(pos) if q in keep and order[q] > order[pos]]
        earlier = [q for q in range(pos + 1, len(placed)) if q in keep and order[q] < order[pos]]
        relation, other = ("before", placed[later[0]]) if later else ("after", placed[earlier[-1]])
        where = f"it belongs {relation} '{other.markdown}' (line {other.line})"
        add(
            f"{level}-order", placed[pos].line, f"'{placed[pos].markdown}' is out of order: {where}"
        )


def _longest_increasing(order: Sequence[int]) -> set[int]:
    """Positions on a longest increasing run, keeping earlier headings on ties.

    Whatever is off the run is out of order, so moving one section reports that section
    instead of every section it jumped over.
    """
    best, prev = [1] * len(order), [-1] * len(order)
    for i in range(len(order)):
        for j in range(i):
            if order[j] < order[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    keep: set[int] = set()
    end = max(range(len(order)), key=best.__getitem__, default=-1)
    while end != -1:
        keep.add(end)
        end = prev[end]
    return keep


def check_structure(
    headings: Sequence[Heading], title_line: int, total: int, add: Emit
) -> list[Part]:
    """Report outline problems; return the recognised subsections for the content checks.

    Each ``##`` heading owns the ``###`` headings up to the next ``#``/``##``, and subsections
    are judged only against their owner's list, so a misplaced subsection is called misplaced
    rather than missing in one section and extra in another. Subsections of a section whose
    heading is missing are folded into that one missing-section report.
    """
    blocks: list[tuple[Heading | None, list[Heading]]] = [(None, [])]
    for h in headings:
        if h.level == 1 and h.line != title_line:
            add("extra-section", h.line, f"'{h.markdown}': only the title may use '#'")
            blocks.append((None, []))
        elif h.level == 2:
            blocks.append((h, []))
        elif h.level == 3:
            blocks[-1][1].append(h)
    sections = [(str(s.number), s.title, s.heading) for s in OUTLINE]
    h2s = [owner for owner, _ in blocks if owner is not None]
    sec = _match(h2s, sections)
    _report_match(sec, h2s, sections, "section", add)
    for h in sec.unmatched:
        add("extra-section", h.line, f"'{h.markdown}' is not one of the outline's sections")
    present = set(sec.slot_of.values())
    home = {sub.heading: (si, sub) for si, s in enumerate(OUTLINE) for sub in s.subsections}
    placed: dict[int, Subsection] = {}
    in_place: set[str] = set()
    stray: dict[str, int] = {}  # subsection number -> line where it sits under the wrong section
    for owner, h3s in blocks:
        si = (
            None if owner is None else sec.slot_of.get(sec.duplicate_of.get(owner.line, owner.line))
        )
        sub_match = _Match({}, set(), {}, list(h3s))
        if si is not None:
            subs = [(sub.number, sub.title, sub.heading) for sub in OUTLINE[si].subsections]
            sub_match = _match(h3s, subs)
            _report_match(sub_match, h3s, subs, "subsection", add)
            for line, j in sub_match.slot_of.items():
                placed[line] = OUTLINE[si].subsections[j]
                in_place.add(placed[line].number)
        under = "outside any section" if owner is None else f"under '{owner.markdown}'"
        for h in sub_match.unmatched:
            if h.markdown not in home:
                add("extra-section", h.line, f"'{h.markdown}' {under} is not in the outline")
                continue
            owner_index, placed[h.line] = home[h.markdown]
            stray.setdefault(placed[h.line].number, h.line)
            if owner_index in present:
                right = OUTLINE[owner_index].heading
                add(
                    "subsection-order",
                    h.line,
                    f"'{h.markdown}' sits {under}, belongs under '{right}'",
                )
    for si, section in enumerate(OUTLINE):
        if si not in present:
            strays = [stray[sub.number] for sub in section.subsections if sub.number in stray]
            hint = f"; its subsections start at line {min(strays)}" if strays else ""
            add("missing-section", min(strays, default=0), f"missing '{section.heading}'{hint}")
            continue
        line = next(line for line, index in sec.slot_of.items() if index == si)
        for sub in section.subsections:
            if sub.number not in in_place and sub.number not in stray:
                add("missing-subsection", line, f"'{section.heading}' has no '{sub.heading}'")
    starts = sorted(h.line for h in headings if h.level <= 3)
    return sorted(
        (
            Part(sub, line, next((s for s in starts if s > line), total + 1))
            for line, sub in placed.items()
        ),
        key=lambda part: part.line,
    )


def label_at(parts: Sequence[Part], line: int) -> str | None:
    """The subsection label ("2.1 Key Metrics") around a line, so messages say where in words."""
    return next((p.label for p in parts if p.line <= line < p.end), None)


def find_headings(lines: Sequence[str], in_code: Sequence[bool]) -> list[Heading]:
    """ATX headings outside code fences: ``# Check system status`` in a bash block is code."""
    return [
        Heading(len(m["hashes"]), " ".join((m["text"] or "").split()), number)
        for number, line in enumerate(lines, start=1)
        if not in_code[number - 1] and (m := _HEADING.match(line))
    ]
