"""Shared helpers for the offline extractor tests: a draft, one reply through the extractor,
and a check that whatever it proposes is accepted by the core (merge and validation).

Why: every test of the offline extractor asks the same two questions of a reply: what would it
store, and would the core accept it. A format that parses but cannot be stored is caught here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.draft import Draft, Extraction, Op, Scope, SlotUpdate
from bot.core.merge import merge
from bot.core.slots import SLOT_BY_ID
from bot.core.values import validate
from bot.extraction.offline.extractor import OfflineExtractor

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EXTRACTOR = OfflineExtractor()


def new_draft(**values: object) -> Draft:
    draft = Draft("Payments API", Scope("T1", "C1"), "U1", NOW, NOW)
    if values:
        updates = [SlotUpdate(k, Op.SET, v) for k, v in values.items()]  # type: ignore[arg-type]
        result = merge(draft, updates, author="U1", reply_id=1, now=NOW)
        assert not result.rejected
    return draft


def run(text: str, *asked: str, draft: Draft | None = None) -> Extraction:
    return EXTRACTOR.extract(draft=draft or new_draft(), asked=list(asked), text=text)


def updates(extraction: Extraction) -> dict[str, SlotUpdate]:
    return {u.slot_id: u for u in extraction.updates}


def values(text: str, *asked: str, draft: Draft | None = None) -> dict[str, object]:
    return {k: u.value for k, u in updates(run(text, *asked, draft=draft)).items()}


def stored(extraction: Extraction, draft: Draft | None = None) -> Draft:
    """Merge into a draft and insist the core accepted every value as valid."""
    draft = draft or new_draft()
    result = merge(draft, extraction.updates, author="U2", reply_id=2, now=NOW)
    assert not result.rejected, result.rejected
    for change in result.changes:
        if change.after is not None:
            assert validate(SLOT_BY_ID[change.slot_id], change.after) == [], change
    return draft
