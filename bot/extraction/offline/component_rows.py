"""Key component rows written as prose: "the ingest worker (reads SQS), the renderer (…) and
the sender (…)", "fp-rules is the alert engine (…)", "state lives in DynamoDB (table x)",
"data: Aurora PostgreSQL 15, one cluster per region, …".

Each piece names a part and says what it does; the name is the part (never "we" or "the
pieces"), the purpose keeps every word the engineer said about it.
"""

from __future__ import annotations

import re

from bot.core.slots import Row
from bot.extraction.offline.textparse import mask, split_on, squash

_SEPS = " ,;:-–—>→=."
_VERB = re.compile(
    r"\s+(?:is|are|does|do|goes|go|flows?|drops?|puts?|feeds?|forwards?|routes?|fans?\s+out|"
    r"gets?|handles?|reads?|writes?|consumes?|serves?|runs?|sends?|stores?|"
    r"takes?|pushes|pulls|renders?|builds?|processes|exposes?|schedules?|keeps?|manages?|talks|"
    r"calls?|owns?|holds?|tracks?|watches|receives?|accepts?|publishes|emits?|transcodes?|"
    r"encodes?|uploads?|fetches|matches|allocates?|creates?|validates?|issues?|signs?|that|which|"
    r"who|for|to|used\s+(?:for|by|to)|—|–|-|:)\s+",
    re.I,
)
_ALSO = re.compile(
    r"^(?:there(?:'s|\s+is|\s+are)\s+(?:also\s+)?|also\s+|plus\s+|and\s+|one\s+more\s+\w+:?\s+|"
    r"we\s+(?:also\s+)?have\s+|(?:from\s+there|after\s+that|then|next),?\s+)",
    re.I,
)
_PRONOUN = re.compile(r"^(?:we|i|you|they|it|he|she|this|that)\b", re.I)
_APPOSITIVE = re.compile(
    r"^(?P<name>[\w./-]+(?:\s[\w./-]+){0,2}),\s+(?:that'?s|that\s+is|it'?s|which\s+is)\s+"
    r"(?P<rest>\S.*)$",
    re.I,
)
_COPULA = re.compile(r"^(?P<name>[\w./-]+(?:\s[\w./-]+){0,2})\s+(?:is|are)\s+(?P<rest>\S.*)$", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an|our|their|its|a\s+tiny|a\s+small|tiny|small)\s+", re.I)
_STORED = re.compile(
    r"^(?P<what>[\w-]+(?:\s+[\w+&-]+){0,4}?)\s+(?:(?:lives?|is\s+stored|are\s+stored|is\s+kept|"
    r"are\s+kept|sits?|is|are)\s+in|in)\s+(?P<where>(?-i:[A-Z])(?:[^,;()]|\([^()]*\)){1,80})$",
    re.I,
)
_PAREN = re.compile(r"^(?P<name>[^()]{1,60}?)\s*\((?P<inside>[^()]+)\)\s*(?P<rest>.*)$")


_LIST_LABEL = re.compile(
    r"^(?:the\s+)?(?:main|key|core|big)?\s*(?:bits|parts|pieces|components|services|moving\s+parts)"
    r"\s*(?:are|:|=|-)\s*",
    re.I,
)


_COMPONENT_SEP = re.compile(
    r",\s+(?:and\s+)?|\s+and\s+(?=(?:the|a|an)\s)|\s+and\s+(?=[\w.]+[-_.][\w.-]*\s*\()", re.I
)
_KIND = re.compile(r"^(?P<kind>[^:()]{3,40}):\s+(?=\S+\s*\()")


def component_rows(text: str) -> list[Row]:
    """ "the ingest worker (reads SQS), the renderer (…) and the sender (…)" -> three rows."""
    body = _ALSO.sub("", _LIST_LABEL.sub("", squash(text).strip(_SEPS)))
    kind = _KIND.match(body)  # "the Step Functions state machines: tw-replay (…) and …"
    listed = body[kind.end() :] if kind else body
    pieces = split_on(listed, _COMPONENT_SEP)
    rows = [r for r in (_component_row(p) for p in pieces) if r]
    if len(rows) > 1 and all(r["purpose"] for r in rows):
        if kind:
            label = _ARTICLE.sub("", kind.group("kind").strip())
            rows = [{**r, "purpose": f"{r['purpose']} ({label})"} for r in rows]
        return rows
    single = _component_row(body)
    if single is None:
        single = _named_then_details(body)
    return [single] if single else []


# "data: Aurora PostgreSQL 15, one cluster per region, 1 writer + 2 readers": the first piece
# names the component, the rest describes it.
_NAMED_FIRST = re.compile(
    r"^(?:(?P<label>[a-z][\w ]{1,20}):\s+)?(?P<name>(?:[A-Z0-9][\w./+-]*\s*){1,4}),\s+(?P<rest>.+)$"
)


def _named_then_details(body: str) -> Row | None:
    named = _NAMED_FIRST.match(body)
    if named is None:
        return None
    details = [named.group("label") or "", named.group("rest").strip(_SEPS + " ")]
    return {"name": named.group("name").strip(), "purpose": "; ".join(d for d in details if d)}


def _component_row(piece: str) -> Row | None:
    piece = _ARTICLE.sub("", _ALSO.sub("", piece.strip(_SEPS)))
    if not piece or _PRONOUN.match(piece):
        return None  # "we only own the mapping files" says what the team does, names no part
    said = _APPOSITIVE.match(piece)
    if said:  # "nwb-scheduler, that's Hangfire inside its own windows service"
        return {"name": said.group("name"), "purpose": said.group("rest").strip(_SEPS + " ")}
    stored = _STORED.match(piece)
    if stored:  # "state lives in DynamoDB (table x)": the component is DynamoDB, holding state
        where = _PAREN.match(stored.group("where"))
        name = where.group("name") if where else stored.group("where")
        held = [stored.group("what"), *(where.group("inside", "rest") if where else ())]
        return {
            "name": _ARTICLE.sub("", name.strip(_SEPS)),
            "purpose": "; ".join(p for p in held if p),
        }
    copula = _COPULA.match(piece)
    if copula:  # "fp-rules is the alert engine (frost alerts etc.), it publishes to Pub/Sub"
        return {"name": copula.group("name"), "purpose": copula.group("rest").strip(_SEPS + " ")}
    paren = _PAREN.match(piece)
    if paren and len(paren.group("name").split()) <= 5:
        name = paren.group("name").strip(_SEPS)
        rest = re.sub(r"^(?:is|are)\s+", "", paren.group("rest").strip(_SEPS + " "), flags=re.I)
        purpose = "; ".join(p for p in (paren.group("inside").strip(), rest) if p)
        return {"name": _ARTICLE.sub("", name), "purpose": purpose}
    masked = mask(piece)
    verb = _VERB.search(masked)
    if verb and 0 < len(piece[: verb.start()].split()) <= 5:
        name = piece[: verb.start()].strip(_SEPS)
        purpose = piece[verb.start() :].strip(_SEPS + " ")
        purpose = re.sub(r"^(?:is|are|which|that|who)\s+", "", purpose, flags=re.I)
        return {"name": _ARTICLE.sub("", name), "purpose": purpose}
    if len(piece.split()) <= 5:
        return {"name": piece, "purpose": ""}
    return None
