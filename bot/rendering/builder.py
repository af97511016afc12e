"""Turning a draft into a manual: defaults for the gaps, marks, render and fit, lint.

A finished manual must pass the output contract, and always can: the renderer fits any draft
into 800 words. What the bot proposed is marked in the manual, and what was shortened is named
in the summary, with the full text in the details file. A preview may still have gaps, so it is
filled with proposed values (not saved) and marked as a draft at the top.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.contract.lint import lint_manual
from bot.core.draft import MACHINE_OPS, Draft, Op, Reply
from bot.core.merge import apply_machine_values
from bot.core.names import manual_filename
from bot.core.slots import SLOT_BY_ID, Value, subsection_title, value_texts
from bot.core.values import text_problem
from bot.interview import planner as gaps
from bot.interview.ports import Condenser, Inferrer, Sources
from bot.proposals.defaults import propose_defaults, short_proposals
from bot.rendering.details import DetailsInput, build_details
from bot.rendering.marks import mark_value
from bot.rendering.render import CondenseHook, Renderer

DEFAULT_TEAM = "Operations Team"


def _labels(slot_ids: list[str]) -> tuple[str, ...]:
    """ "9.1 RTO" rather than "RTO": two slots share a label ("Security events" in 6.3 and 8.1)."""
    return tuple(f"{SLOT_BY_ID[s].subsection} {SLOT_BY_ID[s].label}" for s in slot_ids)


def _subsections(slot_ids: list[str]) -> tuple[str, ...]:
    """Generic defaults are summarised per subsection; listing each would drown the inferences."""
    chosen = set(slot_ids)
    return tuple(
        dict.fromkeys(
            f"{SLOT_BY_ID[s].subsection} {subsection_title(SLOT_BY_ID[s].subsection)}"
            for s in SLOT_BY_ID
            if s in chosen
        )
    )


@dataclass(frozen=True, slots=True)
class Manual:
    markdown: str
    version: int
    word_count: int
    final: bool
    filename: str
    inferred: tuple[str, ...]
    violations: tuple[str, ...]
    defaults: tuple[str, ...] = ()
    shortened: tuple[str, ...] = ()  # subsections the fit shortened, e.g. "2.1 Key Metrics"
    shortened_slots: frozenset[str] = frozenset()
    details_filename: str = ""
    details: str = ""  # the details file's Markdown; set for finished manuals

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        state = "Manual" if self.final else "Draft"
        lines = [f"{state} version {self.version}: 10 sections, {self.word_count} words."]
        if self.inferred:
            lines.append("Inferred from context, please check: " + ", ".join(self.inferred) + ".")
        if self.defaults:
            lines.append(
                f"Standard practice filled in ({len(self.defaults)} items): "
                + ", ".join(self.defaults)
                + "."
            )
        if self.shortened:
            lines.append(
                "Shortened to fit 800 words: " + ", ".join(self.shortened) + f". Everything is in "
                f"full, with who said it, in {self.details_filename or 'the details file'}."
            )
        if self.violations:
            lines.append("Output contract problems: " + "; ".join(self.violations[:5]))
        return "\n".join(lines)


class ManualBuilder:
    def __init__(
        self,
        *,
        team: str = DEFAULT_TEAM,
        renderer: Renderer | None = None,
        condenser: Condenser | None = None,
        inferrer: Inferrer | None = None,
    ) -> None:
        self._team = team
        self._renderer = renderer or Renderer()
        self._condenser = condenser
        self._inferrer = inferrer

    def finalise(self, draft: Draft, *, now: datetime) -> Manual:
        """Fill the remaining gaps on the draft itself (recorded as default/inferred facts).

        An inferrer (Claude) proposes first, for slots with no value at all; its proposals are
        validated here and recorded as inferred. The deterministic defaults fill the rest, and
        complete half-answered lists without losing the entries the engineers gave.
        """
        if self._inferrer is not None:
            empty = [s for s in SLOT_BY_ID if draft.value(s) is None]
            proposals = self._inferrer.infer(draft=draft, slot_ids=empty) if empty else {}
            apply_machine_values(  # checks each proposal once and drops the invalid ones
                draft,
                [(s, v, Op.INFERRED) for s, v in proposals.items() if s in empty],
                now=now,
            )
        apply_machine_values(draft, propose_defaults(draft), now=now)
        manual = self._build(
            draft,
            draft.values(),
            draft.version + 1,
            now,
            final=True,
            inferred=_labels(draft.machine_slots(Op.INFERRED)),
            condenser=self._condense_hook(draft),
            machine=frozenset(draft.machine_slots(Op.INFERRED) + draft.machine_slots(Op.DEFAULT)),
        )
        return replace(manual, defaults=_subsections(draft.machine_slots(Op.DEFAULT)))

    def preview(self, draft: Draft, *, now: datetime) -> Manual:
        """Render what we have, gaps shown with proposed values, without changing the draft."""
        values: dict[str, Value] = dict(draft.values())
        proposed = [p for p in propose_defaults(draft) if not draft.filled(p[0])]
        for slot_id, value, _op in proposed:
            values[slot_id] = value
        missing = [s.label for s in gaps.missing(draft)]
        inferred = _labels([p[0] for p in proposed])
        manual = self._build(
            draft,
            values,
            draft.version + 1,
            now,
            final=False,
            inferred=inferred,
            machine=frozenset(p[0] for p in proposed),
        )
        banner = "> **DRAFT, not final.**"
        if missing:
            banner += " Still missing (proposed values shown): " + ", ".join(missing) + "."
        markdown = f"{banner}\n\n{manual.markdown}"
        return Manual(
            markdown,
            manual.version,
            manual.word_count,
            False,
            manual_filename(draft.slug, "draft"),
            inferred,
            manual.violations,
        )

    def current(self, draft: Draft, *, now: datetime) -> Manual:
        """The manual the draft's current values make, without filling or saving anything
        (for the details of a stored version: which parts the manual shortened)."""
        machine = frozenset(draft.machine_slots(Op.INFERRED) + draft.machine_slots(Op.DEFAULT))
        values = draft.values()
        if any(s not in values for s in SLOT_BY_ID):
            return self.preview(draft, now=now)
        return self._build(
            draft, values, max(draft.version, 1), now, final=True, inferred=(), machine=machine
        )

    def details(
        self,
        draft: Draft,
        *,
        replies: list[Reply],
        manual: Manual,
        now: datetime,
        sources: Sources | None = None,
    ) -> str:
        """The details file for ``manual``: every fact in full, with its provenance."""
        data = DetailsInput(
            draft=draft,
            replies={r.id: r for r in replies},
            manual_filename=manual.filename,
            version=manual.version,
            date=now,
            shortened=manual.shortened_slots,
            link=(lambda reply: sources.link(draft=draft, reply=reply)) if sources else None,
            name=sources.person if sources else None,
        )
        return build_details(data)

    def _condense_hook(self, draft: Draft) -> CondenseHook | None:
        """The condenser bound to this draft (for its usage records); final manuals only, so a
        ``draft`` preview never waits for, or pays for, an LLM call."""
        condenser = self._condenser
        if condenser is None:
            return None
        return lambda values, over_by: condenser.condense(
            values=values, over_by=over_by, draft_id=draft.id
        )

    def _build(
        self,
        draft: Draft,
        values: dict[str, Value],
        version: int,
        now: datetime,
        *,
        final: bool,
        inferred: tuple[str, ...],
        condenser: CondenseHook | None = None,
        machine: frozenset[str] = frozenset(),
    ) -> Manual:
        shown = {
            s: mark_value(s, v, human=_human_value(draft, s)) if s in machine else v
            for s, v in values.items()
        }
        fallback = {s: mark_value(s, v) for s, v in short_proposals(draft).items()}
        for slot_id in fallback:
            # A value no merge would accept (a placeholder, a pasted blob) never reaches the
            # manual, whatever put it in the draft, and no part is left empty: the proposal
            # stands in, marked.
            if slot_id not in shown or _unfit(shown[slot_id]):
                shown[slot_id] = fallback[slot_id]
        result = self._renderer.render_budgeted(
            name=draft.name,
            values=shown,
            version=version,
            date=now.date(),
            team=self._team,
            condenser=condenser,
            machine=machine,
            fallback=fallback,
        )
        report = lint_manual(result.markdown)
        cut = [s for s in result.condensed if s not in machine]
        return Manual(
            markdown=result.markdown,
            version=version,
            word_count=report.word_count,
            final=final,
            filename=manual_filename(draft.slug),
            inferred=inferred,
            violations=tuple(v.message for v in report.violations),
            shortened=_subsections(cut),
            shortened_slots=frozenset(cut),
            details_filename=manual_filename(draft.slug, "details"),
        )


def _unfit(value: Value) -> bool:
    """Holds a placeholder or a pasted blob (an empty table cell is fine: it renders as a gap
    in a row, not as a template leftover)."""
    texts = [text for text in value_texts(value) if text.strip()]
    if not texts:
        return True  # nothing to show: the part would render empty
    problems = (text_problem(text) for text in texts)
    return any(problem and "needs some words" not in problem for problem in problems)


def _human_value(draft: Draft, slot_id: str) -> Value | None:
    """What the engineers last said for a slot the bot completed, if they said anything."""
    for fact in reversed(draft.facts):
        if fact.slot_id != slot_id or fact.withdrawn:
            continue
        if fact.op is Op.CLEAR:
            return None
        if fact.op not in MACHINE_OPS:
            return fact.value
    return None
