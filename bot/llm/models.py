"""The pydantic models Claude answers in, and turning their loose values into slot values.

The JSON schema sent as ``output_config`` is generated from these models, so every field has
a description: it is the model's documentation. Slot ids carry an ``enum`` of the catalogue
in the *schema* (so the API constrains them), but are plain strings when *parsing*, with extra
keys ignored: an answer that names an unknown slot or adds fields ("complete": true) is not a
reason to re-ask, it reaches the core, whose ``merge`` rejects unknown slots and ignores
everything that is not a slot update.

Table rows are arrays of cells in the slot's column order, not objects: strict structured
outputs require ``additionalProperties: false`` on every object, which rules out free-form
``{column: cell}`` dictionaries.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from bot.core.slots import SLOT_IDS, Row, Slot, SlotKind, Value

RawValue = str | list[str] | list[list[str]]

_SLOT_IDS: list[JsonValue] = list(SLOT_IDS)
_SLOT_ENUM: dict[str, JsonValue] = {"enum": _SLOT_IDS}
_VALUE_HELP = (
    "The value in the slot's shape: a string for text and duration slots, an array of strings "
    "for items slots, an array of rows (each an array of cells in the slot's column order) for "
    "table slots."
)


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SlotOperation(_Loose):
    slot_id: str = Field(
        description="The slot's id from the catalogue.", json_schema_extra=_SLOT_ENUM
    )
    op: Literal["set", "append", "correct", "clear"] = Field(
        description="set: new value; append: add list entries; correct: the reply explicitly "
        "changes an existing value; clear: remove a wrong value (value null)."
    )
    value: RawValue | None = Field(description=_VALUE_HELP + " Null only for clear.")
    quote: str = Field(
        description="The words of the reply that support this operation, copied exactly."
    )


class ExtractionOut(_Loose):
    """Slot operations proposed from one reply."""

    operations: list[SlotOperation] = Field(
        description="One operation per slot the reply gives information for; empty if none."
    )
    unknown: list[str] = Field(
        description="Ids of asked slots the engineer does not know or wants skipped.",
        json_schema_extra={"items": {"type": "string", "enum": _SLOT_IDS}},
    )


class PhrasedQuestions(_Loose):
    """The next questions as one message."""

    message: str = Field(
        description="One short message asking exactly the listed questions, numbered if several."
    )


class CondensedField(_Loose):
    slot_id: str = Field(description="The field's slot id, as given.", json_schema_extra=_SLOT_ENUM)
    text: str = Field(
        description="The shorter text, keeping every number, name, path and command exactly."
    )


class Condensed(_Loose):
    """Shorter versions of the given fields."""

    fields: list[CondensedField] = Field(description="Every given field, rewritten shorter.")


class Proposal(_Loose):
    slot_id: str = Field(
        description="The slot to fill, from the list given.", json_schema_extra=_SLOT_ENUM
    )
    value: RawValue = Field(description=_VALUE_HELP)


class Proposals(_Loose):
    """Proposed values for the manual's remaining gaps."""

    proposals: list[Proposal] = Field(
        description="One proposal per slot you can fill sensibly; leave the others out."
    )


def _row(slot_def: Slot, cells: list[str]) -> Row:
    """Cells in column order; extra cells are kept in the last column rather than lost."""
    columns = slot_def.columns
    cells = [str(c).strip() for c in cells]
    if len(cells) > len(columns):
        cells = [*cells[: len(columns) - 1], " ".join(cells[len(columns) - 1 :])]
    return {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}


def to_value(slot_def: Slot, raw: RawValue | None) -> Value | None:
    """A model's value in the slot's shape, forgiving near misses (a string for a one-item list,
    "a | b | c" strings for table rows); None when nothing usable is left. The core's
    ``normalise``/``validate`` still decide what is stored."""
    if raw is None:
        return None
    if slot_def.kind in (SlotKind.TEXT, SlotKind.DURATION):
        if isinstance(raw, str):
            text = raw
        else:
            text = "; ".join(" ".join(x) if isinstance(x, list) else x for x in raw)
        return text.strip() or None
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    if slot_def.kind is SlotKind.ITEMS:
        items = [" ".join(x) if isinstance(x, list) else x for x in raw]
        items = [i.strip() for i in items if i.strip()]
        return items or None
    rows = [_row(slot_def, x if isinstance(x, list) else x.split("|")) for x in raw]
    rows = [r for r in rows if any(r.values())]
    return rows or None
