"""Prompt templates from the repository's ``prompts/`` directory, rendered with Jinja2.

Prompts live as files, not strings in code, so they can be read and reviewed as prose. Each
task template (extract, ask, condense, infer) renders twice: ``part="instructions"`` is the
stable task description that joins the system prefix, ``part="turn"`` is the per-call text.
``StrictUndefined`` turns a missing variable into an error in the tests, not an empty hole in
a prompt.

Each task gets only what it needs (see :meth:`PromptLibrary.system`): the shared rules
(``system.j2``), then for extraction the slot catalogue with a definition per slot
(``definitions.txt``) and notes that tell look-alike slots apart (``catalogue.j2``), then the
task with one worked multi-topic example. The extraction prefix is the one worth caching (it is
sent on every reply and is well above the API's minimum cacheable size); the others are short
or sent once per manual.

Everything a person wrote goes through the ``fence`` filter: it is wrapped in a named tag, and
any copy of our own fence tags inside it is defanged, so a reply cannot close its fence early
and smuggle text outside it.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import bot
from bot.llm.usage import CallKind
from bot.llm.views import catalogue

PROMPTS_DIR = Path(bot.__file__).resolve().parent.parent / "prompts"
FENCE_TAGS = ("reply", "draft", "questions", "text", "field", "transcript")
_TAG = re.compile(r"<(\s*/?\s*)(" + "|".join(FENCE_TAGS) + r")\b", re.IGNORECASE)

TEMPLATES: dict[CallKind, str] = {
    CallKind.EXTRACT: "extract.j2",
    CallKind.PHRASE: "ask.j2",
    CallKind.CONDENSE: "condense.j2",
    CallKind.INFER: "infer.j2",
}


def defang(text: str) -> str:
    """``</reply>`` inside user text becomes ``＜/reply>``: readable, but no longer our tag."""
    return _TAG.sub(lambda m: "＜" + m.group(1) + m.group(2), text)


def fence(text: object, tag: str) -> str:
    if tag not in FENCE_TAGS:
        raise ValueError(f"unknown fence tag {tag!r}")
    return f"<{tag}>\n{defang(str(text)).strip()}\n</{tag}>"


class PromptLibrary:
    """The Jinja2 environment over ``prompts/``; build once per runtime."""

    def __init__(self, *, directory: Path = PROMPTS_DIR) -> None:
        if not (directory / "system.j2").is_file():
            raise FileNotFoundError(f"no prompt templates in {directory}")
        self._directory = directory
        self._env = Environment(
            loader=FileSystemLoader(directory),
            autoescape=False,  # noqa: S701 - prompts are plain text, not HTML
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["fence"] = fence

    def _render(self, template: str, /, **context: Any) -> str:
        return self._env.get_template(template).render(**context).strip() + "\n"

    @cached_property
    def _rules(self) -> str:
        return self._render("system.j2")

    @cached_property
    def definitions(self) -> dict[str, str]:
        """``prompts/definitions.txt``: one line per slot, ``id: definition``."""
        found: dict[str, str] = {}
        for line in (self._directory / "definitions.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                slot_id, _, text = line.partition(":")
                found[slot_id.strip()] = text.strip()
        return found

    @cached_property
    def _catalogue(self) -> str:
        return self._render("catalogue.j2", sections=catalogue(), definitions=self.definitions)

    def system(self, kind: CallKind) -> list[str]:
        """The system blocks of one task: the shared rules, the slot catalogue for extraction
        only (phrasing, condensing and inferring are told about the few slots they handle in
        their turn), then the task's instructions.

        Identical on every call of one kind, byte for byte, or the cache would never hit.
        """
        blocks = [self._rules]
        if kind is CallKind.EXTRACT:
            blocks.append(self._catalogue)
        return [*blocks, self._render(TEMPLATES[kind], part="instructions")]

    def turn(self, kind: CallKind, **context: Any) -> str:
        return self._render(TEMPLATES[kind], part="turn", **context)

    def reask(self, *, problem: str) -> str:
        return self._render("reask.j2", problem=problem)
