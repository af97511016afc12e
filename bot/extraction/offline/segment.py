"""A reply cut into the pieces a router can place: sentences, list items, code, labelled parts.

Engineers write a paragraph that covers three topics, a line that introduces a list ("the main
ones:"), numbered items on one line ("1) a → b → c 2) …"), a pasted code block, and labels of
their own ("backups: …", "graceful stop = …", "DR: …"). Each of those is a segment; a segment
keeps the label it was written under and, for list items and code, the line that introduced it,
because "useful cmds:" says what the lines below it are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.extraction.offline.gate import strip_greeting
from bot.extraction.offline.labels import head_slots
from bot.extraction.offline.textparse import mask
from bot.rendering.clauses import sentences

_FENCE = re.compile(r"^\s*(?:```|~~~)")
_BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)]|\(\d{1,2}\)|[a-h]\))\s+")
_INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})\)\s")
_SEP = r"(?<!\d):(?!//|\d)"  # "02:00" and "https://" are no label separators
_HEAD = re.compile(
    rf"^(?P<head>[^\s:=`|>→{{\"][^:=`|>→.!?{{\"]{{0,38}}?)\s*(?P<sep>{_SEP}|=(?!=)|\s[-–—]\s)\s*(?=\S)"
)
_PAREN_HEAD = re.compile(
    rf"^(?P<head>[^\s:=`|>→(][^:=`|>→.!?(]{{0,38}}?\s*\([^()]{{1,80}}\))\s*(?P<sep>{_SEP})\s*(?=\S)"
)
_PARENS = re.compile(r"\([^()]*\)")
# "components wise there's also …": a label without its colon.
_WISE_HEAD = re.compile(r"^(?P<head>[a-z]+(?:\s[a-z]+)?)[\s-]wise\b[\s,:]+(?=\S)", re.I)
_PIECE = re.compile(r"\s*;\s+|\s+—\s+(?=\S)")  # "…in CyberArk — and yes the one i pasted…"
# A "head" with a verb is a sentence that ends in a colon ("alerts are in Datadog: …"), not a
# label: it is content of its own, and the list after it is placed by what it says.
_CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|go|goes|went|do|does|did|we|i|it'?s|you|they|gets?|"
    r"runs?|lives?|uses?|takes?|sends?|looks?)\b",
    re.I,
)
COMMAND = re.compile(
    r"^\s*(?:\$\s+|sudo\s+(?:-[a-zA-Z]\s+[\w-]+\s+)*)?(?:(?:\.|/[\w.-]+)/[\w./-]+\.(?:sh|py)|kubectl|systemctl|journalctl|docker|helm|aws|gcloud|az|curl|"
    r"psql|mysql|redis-cli|mongosh|ansible(?:-playbook)?|terraform|nomad|consul|vault|kafka-"
    r"[\w-]+\.sh|rabbitmqctl|tail|grep|cat|ls|df|du|top|htop|iostat|vmstat|ss|netstat|dig|"
    r"nslookup|ping|traceroute|openssl|ssh|scp|git|make|npm|yarn|pip|python3?|go|java|"
    r"nvidia-smi|ffmpeg|ffprobe|hdfs|yarn|beeline|impala-shell|spark-submit|airflow|bq|cbt|"
    r"gsutil|mc|restic|velero|pg_\w+|mysqldump|xtrabackup|GET|POST|PUT|DELETE)\b\S*\s"
)


@dataclass(frozen=True, slots=True)
class Segment:
    """One placeable piece of a reply."""

    text: str
    head: str = ""  # the label it was written under ("backups", "graceful stop")
    block: int = 0  # which line or paragraph of the reply it came from
    intro: str = ""  # for list items and code: the line that introduced them
    item: bool = False
    code: bool = False
    inherited: bool = False  # the label was written on an earlier sentence of the line
    lead_in: bool = False  # "…, the order was" before "1) …": context for the details file


def _inline_items(line: str) -> list[str]:
    """ "1) a → b 2) c → d" on one line -> the items (numbers must count up from the first)."""
    masked = mask(line)
    marks = list(_INLINE_NUMBER.finditer(masked))
    if len(marks) < 2:
        return []
    numbers = [int(m.group(1)) for m in marks]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return []
    ends = [m.start() for m in marks[1:]] + [len(line)]
    items = [line[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)]
    lead = line[: marks[0].start()].strip()
    return [lead, *items] if lead else ["", *items]


def split_head(text: str) -> tuple[str, str]:
    """ "backups: nightly …" -> ("backups", "nightly …"); no label -> ("", text). A label may
    carry an aside: "startup after a full outage (happened once, in 2022): masters first"."""
    match = _HEAD.match(text) or _PAREN_HEAD.match(text) or _WISE_HEAD.match(text)
    if match is None:
        return "", text
    head = _HEAD_FILLER.sub("", match.group("head").strip())  # "log patterns while we're at it"
    bare = _PARENS.sub(" ", head)
    if len(bare.split()) > 5 or head.count("(") != head.count(")") or _CLAUSE_VERB.search(bare):
        return "", text
    return head, text[match.end() :]


def _pieces(sentence: str) -> list[str]:
    masked = mask(sentence)
    out, start = [], 0
    for match in _PIECE.finditer(masked):
        out.append(sentence[start : match.start()])
        start = match.end()
    out.append(sentence[start:])
    return [p.strip() for p in out if p.strip()]


def segments(text: str, *, name: str = "") -> list[Segment]:
    """The reply's segments in order; empty and greeting-only lines give none. The system's
    own ``name`` is never a label ("Reel Transcode = the farm that …")."""
    found = _segments(text)
    own = name.casefold().strip()
    if not own:
        return found
    return [
        replace(s, head="", inherited=False) if s.head.casefold().strip() == own else s
        for s in found
    ]


def _segments(text: str) -> list[Segment]:
    out: list[Segment] = []
    lines = text.split("\n")
    block = 0
    intro = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _FENCE.match(line):
            body: list[str] = []
            while index < len(lines) and not _FENCE.match(lines[index]):
                body.append(lines[index])
                index += 1
            index += 1  # the closing fence
            code = "\n".join(b for b in body if b.strip())
            if code:
                out.append(Segment(code, block=block, intro=intro, code=True))
            continue
        if not line.strip():
            intro = ""
            continue
        block += 1
        bullet = _BULLET.match(line)
        if bullet:
            item = line[bullet.end() :].strip()
            out.extend(_sentence_segments(item, block, intro=intro, item=True))
            continue
        if COMMAND.match(line) and not line.rstrip().endswith((".", "!", "?")):
            out.append(Segment(line.strip(), block=block, intro=intro, code=True))
            continue
        quoted = _CODE_LINE.match(line)
        if quoted and intro:  # "this is the line from haproxy.cfg:\n`server hl7-mc01 … check`"
            out.append(Segment(quoted.group(1).strip(), block=block, intro=intro, code=True))
            continue
        line = strip_greeting(line) if not out else line
        if not line.strip():
            continue
        numbered = _inline_items(line)
        if numbered:
            lead, items = numbered[0], numbered[1:]
            if lead:
                out.extend(_lead_in(_without_intro(_sentence_segments(lead, block))))
            for item in items:
                out.append(Segment(item, block=block, intro=lead, item=True))
            intro = lead
            continue
        found = _sentence_segments(line, block)
        listed = index < len(lines) and _opens_list(lines[index:])
        out.extend(_without_intro(found) if listed else found)
        if line.rstrip().endswith(":"):  # the list below is about the line's last sentence
            last = (sentences(line) or [line])[-1].strip()
            head, _ = split_head(line)
            own = len(last.split()) <= 3 and head_slots(last.rstrip(" :"))
            intro = f"{head}: {last}" if head and not last.startswith(head) and not own else last
    return [s for s in out if s.text.strip()]


_HEAD_FILLER = re.compile(
    r"\s+(?:while\s+(?:we'?re|i'?m)\s+at\s+it|btw|fwiw|too|as\s+well|real\s+quick)$", re.I
)
# A lead that only says when or what for ("if ams3 is gone:", "to start it you just set the
# desired count:"): the command after it is the step.
_IF = re.compile(r"(?:if|when|in\s+case|should|to\s+\w+\s+(?:it|this|them|the\s+\w+)\b)", re.I)
_CODE_LINE = re.compile(r"^\s*`([^`\n]+)`\s*$")
_FACTISH = re.compile(r"\d|`|/\w|\w[._]\w")


def _without_intro(found: list[Segment]) -> list[Segment]:
    """ "the main ones:", "steps:", "alerts we actually care about:" only say what the list
    below is; the router reads them as the list's intro, and they are no fact of their own."""
    last = found[-1] if found else None
    if (
        last is not None
        and last.text.rstrip().endswith(":")
        and len(last.text.split()) <= 12
        and not _FACTISH.search(last.text)
    ):
        return found[:-1]
    return found


# The end of a sentence that only announces the numbered list after it ("there's no real start
# since it's serverless, but after the march incident the order was 1) …").
_ANNOUNCES = re.compile(
    r"(?:\b(?:order|steps?|sequence|procedure|process|drill|runbook|plan)\s+(?:is|was|are|were|"
    r"goes|went)|\bas\s+follows|\blike\s+(?:this|so)|\bgoes\s+like|\bwe\s+(?:do|did|go))\s*[:,-]*$",
    re.I,
)


def _lead_in(found: list[Segment]) -> list[Segment]:
    """A sentence that announces the list is no step of it; it is kept for the details."""
    if found and _ANNOUNCES.search(found[-1].text.rstrip(" .")):
        return [*found[:-1], replace(found[-1], lead_in=True)]
    return found


def _opens_list(rest: list[str]) -> bool:
    following = next((line for line in rest if line.strip()), "")
    return bool(_BULLET.match(following) or _FENCE.match(following) or COMMAND.match(following))


# An emoji ends a thought in Slack as a full stop does: "that's the real pw 😅 normal numbers
# btw: …" is two sentences.
_EMOJI_BREAK = re.compile(r"(?<=[\U0001F300-\U0001FAFF\u2600-\u27bf])\s+(?=\S)")


def _sentences(line: str) -> list[str]:
    return [s for part in _EMOJI_BREAK.split(line) for s in sentences(part)]


# "aws ecs update-service … --desired-count 4, then watch /healthz": the command ends where the
# prose picks up again, or the next step would be pasted into a shell as arguments.
_BACK_TO_PROSE = re.compile(r",?\s+(?:and\s+)?then\s+|\s+(?:→|->)\s+")


def _commands(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r",\s+", text)]
    return parts if len(parts) > 1 and all(COMMAND.match(p) for p in parts) else [text]


def _command_then_prose(piece: str) -> tuple[str, str]:
    cut = _BACK_TO_PROSE.search(piece)
    if cut is None:
        return piece.rstrip(" ."), ""
    return piece[: cut.start()].rstrip(" ,."), piece[cut.end() :].strip()


def _sentence_segments(
    line: str, block: int, *, intro: str = "", item: bool = False
) -> list[Segment]:
    out: list[Segment] = []
    head = ""
    for sentence in _sentences(line):
        own_head, body = split_head(sentence)
        lead = intro
        if not own_head:
            verb_head = _HEAD.match(sentence)
            if (
                verb_head
                and verb_head.group("sep") == ":"
                and _CLAUSE_VERB.search(verb_head.group("head"))
            ):
                said = verb_head.group("head")  # "if ams3 is gone: …" only says when
                out.append(
                    Segment(
                        said,
                        block=block,
                        intro=intro,
                        item=item,
                        lead_in=_IF.match(said) is not None,
                    )
                )
                body = sentence[verb_head.end() :]
                lead = verb_head.group("head")
        head = own_head or head
        for piece in _pieces(body):
            if COMMAND.match(piece) and lead != intro:  # "if you're on a box …: curl -u …"
                command, rest = _command_then_prose(piece)
                for one in _commands(command):  # "ssh bill-01, sudo -u harbor …": two steps
                    out.append(Segment(one, block=block, intro=lead, item=item, code=True))
                if not rest:
                    continue
                piece = rest
            out.append(
                Segment(
                    piece,
                    head=head,
                    block=block,
                    intro=lead,
                    item=item,
                    inherited=bool(head) and not own_head,
                )
            )
    return out
