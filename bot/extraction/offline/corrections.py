"""Rule 3 of the offline extractor: explicit corrections and clears anywhere in a reply.

"actually RTO is 2 hours, not 4", "change rollback to: ...", "remove the escalation" may name
any slot, asked or not, so they are read before the answers and cut out of the reply; what is
left is then split into answers by ``extractor``. A correction wins over an answer for
the same slot because it is recorded first.
"""

from __future__ import annotations

import itertools
import re

from bot.core.draft import Draft, Op
from bot.core.slots import SLOT_BY_ID, SLOTS, Row, SlotKind
from bot.core.values import row_problems
from bot.extraction.offline.findings import SCAN_LIMIT, Findings
from bot.extraction.offline.rowparse import parse_table
from bot.extraction.offline.slotnames import mention_at, mentions
from bot.extraction.offline.textparse import sentence_spans
from bot.extraction.offline.valueparse import parse_value

_LEAD = r"^\s*(?:[-*•]\s+)?(?:(?:oh|ok|okay|hmm+|um+|also|and|but|no|sorry|oops)[,!.]?\s+)*"
# "actually", "correction:", "sorry,": what follows corrects something. An answer that opens
# with one but names no slot still answers its question (``extractor`` strips it).
STRONG = re.compile(
    _LEAD + r"(?:actually\b[,:]?|correction\b\s*[:,\-–—]?|(?:no\s+)?wait\s*[,:!.]+|"
    r"sorry\s*[,:!.]+|i\s+meant\b[,:]?|i\s+mean\s*[,:]|scratch\s+that\b[,.:!]*|"
    r"to\s+correct(?:\s+myself)?\s*[,:]|oops\s*[,:!.]+)\s*",
    re.I,
)
_LEAD_RE = re.compile(_LEAD, re.I)
_ASSIGN = re.compile(r"(?:please\s+)?(?:change|update|set|correct|fix|make)\s+", re.I)
_CLEAR = re.compile(r"(?:please\s+)?(?:remove|clear|delete|drop|forget|reset|wipe|erase)\s+", re.I)
_TO = re.compile(r"\s*(?:to\b\s*:?|=|:|->|→)\s*", re.I)
_SHOULD = re.compile(r"\s+(?:should|must)\s+(?:be|say|read)\b\s*:?\s*", re.I)
_TRIVIAL = re.compile(
    r"\s*(?:(?:entry|value|field|answer|section|slot|rows?|items?|part)\b)?\s*"
    r"(?:please|for\s+now|too|as\s+well)?\s*[.!]*\s*$",
    re.I,
)
# "is" and "are" name the value, except a plural in a passive ("logs are kept 90 days"), which
# describes the slot, so its whole clause is the value.
_COPULA = re.compile(
    r"\s*(?:(?:should|must|will|needs?\s+to)\s+(?:be|say|read)\b|(?:is|are)\s+(?:now|actually|really)\b"
    r"|are\s*:|is\b|are\b(?!\s+(?:not\s+)?(?:\w+ed|kept|taken|run|done|held|made|sent|written|"
    r"stored|shipped|built|seen|known)\b)|=|:|to\b\s*:?|->|→|=>)\s*:?\s*",
    re.I,
)
_NOT_TAIL = re.compile(
    r"(?:,\s*not|\s+instead\s+of|\s+rather\s+than)\s[^,;]*$|\s*\(not\s[^)]*\)", re.I
)
_CONNECTOR = re.compile(r"(?:[,;]|\band\b|\balso\b)\s*(?:the\s+|our\s+)?$", re.I)
_FIRST_WORDS = re.compile(r"\s*(?:\S+\s+){0,3}\S")
_DUR_NEAR = re.compile(r"[^.;\n]{0,30}?\d", re.I)


def corrections(text: str, draft: Draft, result: Findings) -> str:
    """Record corrections and clears; return the reply with those sentences cut out."""
    keep: list[str] = []
    last = 0
    for start, end in sentence_spans(text[:SCAN_LIMIT]):
        if _correct(text[start:end], draft, result):
            keep.append(text[last:start])
            last = end
    keep.append(text[last:])
    return "".join(keep).strip()


def _correct(sentence: str, draft: Draft, result: Findings) -> bool:
    """One sentence, four forms: "remove the X", "change X to Y", "actually/correction: ...",
    and "X should be Y" (only for a label or id, and for text only when X already has a value,
    so "Backups should be verified weekly" stays an ordinary answer)."""
    strong = STRONG.match(sentence)
    lead = strong or _LEAD_RE.match(sentence)
    body = sentence[lead.end() :] if lead else sentence
    quote = sentence.strip()
    clear = _CLEAR.match(body)
    hit = mention_at(body, clear.end()) if clear else None
    if hit and _TRIVIAL.match(body, hit.end):
        result.add(hit.slot_id, Op.CLEAR, None, quote)
        return True
    assign = _ASSIGN.match(body)
    hit = mention_at(body, assign.end()) if assign else None
    if hit and (to := _TO.match(body, hit.end)):
        return _emit(hit.slot_id, body[to.end() :], quote, result)
    if strong:
        return _strong(body, quote, result) or _row_fix(body, quote, draft, result)
    hit = mention_at(body, 0, exact_only=True)
    if hit and (should := _SHOULD.match(body, hit.end)):
        kind = SLOT_BY_ID[hit.slot_id].kind
        value_text = body[should.end() :]
        if kind is SlotKind.DURATION or (kind is SlotKind.TEXT and draft.value(hit.slot_id)):
            return _emit(hit.slot_id, value_text, quote, result)
    return False


def _strong(body: str, quote: str, result: Findings) -> bool:
    """After "actually"/"correction:", the slot named in the first few words gets the value;
    "..., and RPO is 5 minutes" starts another clause when a value follows the second name."""
    head = body[:300]
    cuts = [0]
    for hit in mentions(head):
        if hit.start > cuts[-1] and _CONNECTOR.search(head, max(0, hit.start - 12), hit.start):
            is_duration = SLOT_BY_ID[hit.slot_id].kind is SlotKind.DURATION
            if _COPULA.match(head, hit.end) or (is_duration and _DUR_NEAR.match(head, hit.end)):
                cuts.append(hit.start)
    done = False
    for index, (start, end) in enumerate(itertools.pairwise([*cuts, len(body)])):
        clause = body[start:end]
        window = _FIRST_WORDS.match(clause)
        near = [m for m in mentions(clause[:300]) if window and m.start < window.end()]
        if not near:
            continue
        hit = min(near, key=lambda m: (m.tier, m.start))
        kind = SLOT_BY_ID[hit.slot_id].kind
        if kind is SlotKind.DURATION:
            done |= _emit(hit.slot_id, clause[hit.end :], quote, result)
        elif copula := _COPULA.match(clause, hit.end):
            done |= _emit(hit.slot_id, clause[copula.end() :], quote, result)
        elif kind is SlotKind.TEXT and index == 0:
            done |= _emit(hit.slot_id, clause, quote, result)
    return done


def _row_fix(body: str, quote: str, draft: Draft, result: Findings) -> bool:
    """ "actually worker: settles payments and refunds" names no slot, but its first cell names
    a row of a table that has one: the row is replaced (the whole table is the corrected value).
    Only when exactly one filled table has every such row, and each new row is complete."""
    text = body.strip().rstrip(".!")
    found: list[tuple[str, list[Row]]] = []
    for slot_def in SLOTS:
        current = draft.value(slot_def.id) if slot_def.kind is SlotKind.TABLE else None
        if not isinstance(current, list) or not current:
            continue
        first = slot_def.columns[0]
        keys = [_row_key(r.get(first, "")) if isinstance(r, dict) else "" for r in current]
        rows = parse_table(text[:SCAN_LIMIT], slot_def)
        if not rows or any(
            _row_key(row[first]) not in keys
            or row_problems(slot_def, row)
            or not any(_row_key(v) for c, v in row.items() if c != first)
            for row in rows
        ):
            continue
        replaced = [r for r in current if isinstance(r, dict)]
        for row in rows:
            replaced[keys.index(_row_key(row[first]))] = row
        found.append((slot_def.id, replaced))
    if len(found) != 1:
        return False
    result.add(found[0][0], Op.CORRECT, found[0][1], quote)
    return True


def _row_key(cell: str) -> str:
    return " ".join(cell.casefold().strip(" `*_").split())


def _emit(slot_id: str, value_text: str, quote: str, result: Findings) -> bool:
    """Parse the corrected value by the slot's kind; ", not 4" style tails are dropped."""
    slot_def = SLOT_BY_ID[slot_id]
    if slot_def.kind is not SlotKind.DURATION:
        value_text = _NOT_TAIL.sub("", value_text.strip().rstrip(".!"))
    value = parse_value(slot_def, value_text)
    if value is None:
        return False
    result.add(slot_id, Op.CORRECT, value, quote)
    return True
