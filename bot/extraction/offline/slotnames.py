"""Finding slot names in reply text: labels, ids and keywords, longest first.

Corrections ("change the rollback to ...") and labelled answers ("RTO: 4h") both start by
recognising which slot a few words name, so that lookup lives here once. The name tables are
built from the schema at import; the label regex for a set of asked slots is cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.slots import SLOT_BY_ID, SLOTS
from bot.extraction.offline.textparse import squash

ARTICLE = re.compile(r"(?:the\s+|our\s+|my\s+|that\s+)?", re.I)


def _alternation(names: dict[str, tuple[str, int]] | dict[str, tuple[str, bool]]) -> str:
    """Longest name first, so "recovery time objective" wins over "recovery time"."""
    ordered = sorted(names, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)


def _name_tables() -> tuple[dict[str, tuple[str, int]], dict[str, tuple[str, int]]]:
    """name -> (slot id, tier); tier 0 = label/id of an asked-about slot ... 3 = keyword of a
    never-asked slot, so "daily backups" names Backups, not the Daily maintenance slot."""
    exact: dict[str, tuple[str, int]] = {}
    keywords: dict[str, tuple[str, int]] = {}
    for slot_def in sorted(SLOTS, key=lambda s: not s.ask):
        tier = 0 if slot_def.ask else 2
        for name in (slot_def.label.lower(), slot_def.id, slot_def.id.replace("_", " ")):
            exact.setdefault(name, (slot_def.id, tier))
        for keyword in slot_def.keywords:
            keywords.setdefault(keyword.lower(), (slot_def.id, tier + 1))
    return exact, keywords


_EXACT, _KEYWORDS = _name_tables()
_EXACT_RE = re.compile(rf"(?<![\w/])(?P<name>{_alternation(_EXACT)})s?(?!\w)", re.I)
_KEYWORD_RE = re.compile(rf"(?<![\w/])(?P<name>{_alternation(_KEYWORDS)})\w{{0,6}}(?!\w)", re.I)


@dataclass(frozen=True, slots=True)
class Mention:
    slot_id: str
    start: int
    end: int
    tier: int


def mentions(text: str) -> list[Mention]:
    found = []
    for regex, table in ((_EXACT_RE, _EXACT), (_KEYWORD_RE, _KEYWORDS)):
        for match in regex.finditer(text):
            slot_id, tier = table[squash(match.group("name").lower())]
            found.append(Mention(slot_id, match.start(), match.end(), tier))
    return sorted(found, key=lambda m: (m.start, m.tier))


def mention_at(body: str, pos: int, *, exact_only: bool = False) -> Mention | None:
    """The slot named right at ``pos``, after an optional "the"/"our"; ``exact_only``: not by
    a keyword."""
    article = ARTICLE.match(body, pos)
    at = article.end() if article else pos
    for mention in mentions(body[at : at + 120]):
        if mention.start == 0 and not (exact_only and mention.tier % 2):
            return Mention(mention.slot_id, at, at + mention.end, mention.tier)
    return None


@lru_cache(maxsize=128)
def label_regex(ids: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, tuple[str, bool]]]:
    """ "Label:", "label -" or "label is" at a line or clause start, for the slots ``ids``;
    each name maps to (slot id, True for a label or id, False for a keyword)."""
    names: dict[str, tuple[str, bool]] = {}
    for slot_id in ids:
        slot_def = SLOT_BY_ID[slot_id]
        for keyword in slot_def.keywords:
            names.setdefault(keyword.lower(), (slot_id, False))
        for name in (slot_def.label.lower(), slot_id, slot_id.replace("_", " ")):
            names[name] = (slot_id, True)
    alternation = _alternation(names)
    regex = re.compile(
        r"(?:^|(?<=[;,.!?] )|(?<=\band ))[ \t]*(?:[-*•][ \t]+)?[*_]{0,2}"
        rf"(?P<name>{alternation})s?[*_]{{0,2}}(?!\w)"
        r"(?P<sep>[ \t]*(?:[:=]|[-–—](?=\s))[ \t]*|[ \t]+(?:is|are|of)\b)?",
        re.I | re.M,
    )
    return regex, names


def punctuated(label: re.Match[str]) -> bool:
    """The label is followed by ``:``, ``=`` or a dash, not just by a word."""
    return (label.group("sep") or " ").strip()[:1] in {":", "=", "-", "–", "—"}
