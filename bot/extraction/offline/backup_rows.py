"""Backup table rows from prose: what is backed up, how often, kept how long, where, verified how.

Engineers describe backups as a paragraph: "mysql nightly xtrabackup full at 02:00 + binlogs
shipped every 15 min, to the ceph bucket db-backups and copied to the AWS bucket
reel-db-backups. 14 days local, 90 days in AWS. … restore check is a weekly automated restore
onto db-restore01". The paragraph is read clause by clause: a clause that names something backed
up ("aurora automated backups", "nomad + consul snapshots") starts a row; every other clause
adds to the row before it. Each cell keeps the engineer's own phrases ("14 days local, 90 days
in AWS"), since the wording is what a responder searches for; a cell nobody gave stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.slots import Row
from bot.extraction.offline.textparse import split_on, squash

_SEPS = " ,;:-–—>→=."
_CLAUSE = re.compile(
    r",\s+(?:and\s+)?|\s+\+\s+|;\s+|(?<=[^\d\s])\.\s+|\s+plus\s+|\s+(?:→|->)\s+(?=\w+\s+after\b)|"
    r",?\s+and\s+(?=(?:\w+\s+){0,4}(?:backups?|snapshots?|dumps?|copies|copied|archived?)\b)",
    re.I,
)
_NOUN = re.compile(
    r"(?<![\w-])(?:backups?|backed\s+up|snapshots?|snapshotted|dumps?|pitr|"
    r"point[- ]in[- ]time(?:\s+recovery)?|rman|incrementals?|veeam|bacula|borg|"
    r"xtrabackup|pg_dump|mysqldump|pgbackrest|wal-?g|barman|velero|restic|replication|"
    r"versioning|archive|time[- ]travel|exports?)(?![\w-])",
    re.I,
)
_FREQUENCY = re.compile(
    r"(?<![\w-])(?:hourly|daily|nightly|weekly|monthly|quarterly|yearly|continuous(?:ly)?|"
    r"every\s+(?:night|day|hour|week|month|\d+\s*(?:h|hours?|min\w*|days?)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:\s+\d{1,2}:\d{2})?)|(?:once|twice)\s+a\s+"
    r"(?:day|week|month)|at\s+\d{1,2}:\d{2}(?:\s+utc)?|pitr|point[- ]in[- ]time|real[- ]?time|"
    r"streaming|on\s+every\s+(?:commit|deploy|change)|"
    r"on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)days?)(?![\w-])",
    re.I,
)
_RETENTION = re.compile(
    r"(?:\b(?:retention|retained|kept|keep(?:ing)?|held|stored|for)\s+(?:for\s+|of\s+|is\s+)?)?"
    r"(?:~|about\s+)?\b\d+\s*(?:d|days?|weeks?|w|months?|years?|y)\b"
    r"(?:\s+(?:local(?:ly)?|(?:in|on)\s+(?!(?:the|a|an|our|same)\b)[\w-]+|there|offsite|"
    r"retention|retained|kept|pitr))?"
    r"|\b(?:retention|min(?:imum)?)\s+\d+\s+\w+(?:\s+kept)?|\bsoft\s+delete\b[^,;.]*|"
    r"\b\d+\s+(?:retained|kept)\b|\bkeeps?\s+(?:the\s+)?(?:last\s+)?\d+\s+(?:\w+\s+)?"
    r"(?:backups|copies|snapshots|generations|versions)\b|\bdeleted\s+after\s+\d+\s*(?:days?|weeks?|months?|years?)\b",
    re.I,
)
_PLACE = (
    r"(?:the\s+|an?\s+|our\s+)?(?:[\w./:-]+\s+){0,3}?"
    r"(?:bucket|repo(?:sitory)?|vault|region|account|(?:s3\s+)?glacier(?:\s+deep\s+archive)?|s3|"
    r"gcs|minio|blob\s+storage|storage\s+account|share|nas|tape(?:\s+library)?|offsite|dc|site|"
    r"appliance|backup\s+server|git|"
    r"data\s?cent(?:er|re))\b"
    r"(?:\s+(?:(?:bucket|repo(?:sitory)?|vault|account)\b|[\w./:$\\-]*[-_./:\d$\\][\w./:$\\-]*)){0,2}"
    r"(?:\s+\([^()]{1,60}\))?"
)
_LOCATION = re.compile(
    rf"\b(?:(?:mirrored|copied|replicated|shipped|synced)\s+(?:\w+\s+){{0,2}})?"
    rf"(?:in|into|to|on|onto)\s+{_PLACE}"
    r"|(?:s3|gs|az)://\S+|\\\\\S+|(?<![\w/])/(?:backup|backups|mnt|srv|var)/\S+|"
    r"\b(?:mirrored|copied|replicated|shipped|synced)\s+(?:\w+\s+){0,2}to\s+\S+(?:\s+\S+)?|"
    r"\bcross[- ]region(?:\s+(?:copy|copies|replication))?(?:\s+to\s+\S+)?|"
    r"\b(?:on|onto)\s+[a-z][a-z0-9]*-[\w-]*\d[\w.-]*(?:\s+in\s+[A-Z][\w-]+)?",  # "on bkp-hl7-01"
    re.I,
)
_VERIFY = re.compile(
    r"(?:we\s+)?(?:verif\w+|check\w*|validat\w+|test\w*)\s+(?:via|by|with|through|using|is|are)\b"
    r"[^;]*|\brestores?\s+(?:check|test|drill)\w*[^;]*|\b(?:monthly|weekly|quarterly|daily|"
    r"automated)\s+(?:automated\s+)?restore[^;]*|\bchecksum\w*[^;]*|\bverification\b[^;]*|"
    r"\b(?:\w+\s+)?surebackup\b[^;]*|\b\w+\s+verify\b[^;]*",
    re.I,
)
_NOTHING = re.compile(
    r"\b(?:nothing\s+to\s+back\s+up|no\s+backups?\s+needed|not\s+backed\s+up|"
    r"(?:isn'?t|aren'?t|is\s+not|are\s+not)\s+backed\s+up)\b",
    re.I,
)
_LEAD = re.compile(
    r"^(?:(?:and|also|plus|then)\s+)*(?:we\s+(?:take|do|have|run|keep)\s+|there(?:'s|\s+is|\s+are)\s+|"
    r"(?:an?|the|our)\s+|backups?\s*:\s*)",
    re.I,
)
_NOT_A_NAME = re.compile(
    r"^(?:\d|\W|we\b|it\b|they\b|and\b|or\b|same\b|(?:on|in|at|to|into)\s|retention|kept|"
    r"verif|restore|check|copied|"
    r"copies|mirrored|weekly|daily|nightly|monthly|hourly|yearly|long[- ]term|archive\s+class|"
    r"nearline|coldline|deleted)",
    re.I,
)
_SPELLED_PITR = re.compile(r"point[- ]in[- ]time", re.I)
_COLUMNS = ("frequency", "retention", "location", "verification")


def starts_with_frequency(cell: str) -> bool:
    """ "daily", "nightly pg_dump", "every 15 min": a cell a form-shaped row puts under
    Frequency; "pgBackRest full every sunday" is a clause, not that column."""
    if not cell.strip():
        return True
    found = _FREQUENCY.search(cell)
    return found is not None and len(cell[: found.start()].split()) <= 1


def backup_rows(texts: Sequence[str]) -> list[Row]:
    """Every backup the ``texts`` describe, in order; see the module docstring."""
    rows: list[Row] = []
    for text in texts:
        for clause in split_on(squash(text), _CLAUSE):
            clause = clause.strip(_SEPS)
            if clause:
                _read(clause, rows)
    return [r for r in rows if any(r[c] for c in _COLUMNS) or r["frequency"]]


def _read(clause: str, rows: list[Row]) -> None:
    if rows and _TIERING.match(clause):  # "→ nearline after 30 days": where it goes, and when
        last = rows[-1]
        last["location"] = f"{last['location']}, {clause}" if last["location"] else clause
        return
    nothing = _NOTHING.search(clause)
    if nothing:  # "renditions aren't backed up": a fact a responder must know
        name = _VERB.split(_LEAD.sub("", clause[: nothing.start()].strip(_SEPS)))[0] or clause
        rows.append({"component": name, **dict.fromkeys(_COLUMNS, "")})
        rows[-1]["frequency"] = "not backed up"
        return
    cells = {column: _phrases(regex, clause) for column, regex in _CELLS}
    tail = re.search(r"\s+((?:in|on)\s+[\w-]+)$", cells["retention"])
    if tail and tail.group(1).lower() in cells["location"].lower():  # "90 days in backup vault x"
        cells["retention"] = cells["retention"][: tail.start()]
    if cells["verification"]:
        for column in ("frequency", "location"):
            cells[column] = ""  # "weekly automated restore onto db-restore01" is the check
    name = _name(clause, cells) or _flowing(clause, cells)
    if cells["verification"] and not name and rows:
        _attach_check(cells["verification"], rows)
        return
    if name and (not rows or any(cells.values()) or len(clause.split()) <= 4):
        rows.append({"component": name, **cells})
        return
    if not rows:
        if any(cells.values()):
            rows.append({"component": "Backups", **cells})
        return
    last = rows[-1]
    if cells["frequency"] and last["frequency"]:
        # "…, monthly for 12 months": another schedule of the same thing, a row of its own;
        # another place or period of the same backup ("copied to eu-central-1", "180 days
        # in Glacier") stays in its row, not four rows that repeat its name
        rows.append({"component": last["component"], **cells})
        return
    for column, phrase in cells.items():
        if phrase and phrase.lower() not in last[column].lower():
            last[column] = f"{last[column]}, {phrase}" if last[column] else phrase


_TIERING = re.compile(
    r"^(?:(?:→|->)\s*)?(?:moved\s+to\s+)?(?:nearline|coldline|archive(?:\s+class)?|"
    r"glacier(?:\s+deep\s+archive)?|cold\s+storage|infrequent\s+access|cool\s+tier)\s+"
    r"(?:after|at)\s+\d+",
    re.I,
)
# "the raw stream goes to GCS …": a flow into storage is a backup row of its own.
_FLOWS = re.compile(
    r"^(?:(?:and|also|then|plus)\s+)*(?:the\s+|our\s+)?(?P<name>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:goes|go|is\s+shipped|"
    r"is\s+copied|is\s+archived|lands?|flows?)\s+(?:to|into|in)\b",
    re.I,
)


def _flowing(clause: str, cells: dict[str, str]) -> str:
    flow = _FLOWS.match(clause)
    return flow.group("name") if flow and cells["location"] else ""


def _attach_check(check: str, rows: list[Row]) -> None:
    """A verification goes to the backup it names ("restores the latest cloud sql backup"),
    else to the row before it."""
    said = set(re.findall(r"[a-z0-9]{4,}", check.lower()))

    def shared(row: Row) -> int:
        return len(said & set(re.findall(r"[a-z0-9]{4,}", row["component"].lower())))

    best = max(rows, key=shared)
    target = best if shared(best) else rows[-1]
    if check.lower() not in target["verification"].lower():
        old = target["verification"]
        target["verification"] = f"{old}, {check}" if old else check


_CELLS = (
    ("frequency", _FREQUENCY),
    ("retention", _RETENTION),
    ("location", _LOCATION),
    ("verification", _VERIFY),
)


def _phrases(regex: re.Pattern[str], clause: str) -> str:
    found = dict.fromkeys(squash(m.group()).strip(_SEPS) for m in regex.finditer(clause))
    return ", ".join(p for p in found if p)


def _name(clause: str, cells: dict[str, str]) -> str:
    """What the clause backs up: its words before the backup noun and around it, without the
    cells ("mysql nightly xtrabackup full at 02:00" -> "mysql xtrabackup full"), or nothing
    when the clause names no backup of its own."""
    noun = _NOUN.search(clause)
    if noun is None:
        return ""
    rest = clause
    for regex in (_LOCATION, _RETENTION, _VERIFY, _FREQUENCY):
        # "point-in-time recovery" names the backup as well as its schedule: it stays
        rest = regex.sub(lambda m: m.group() if _SPELLED_PITR.fullmatch(m.group()) else " ", rest)
    rest = _LEAD.sub("", squash(rest).strip(_SEPS))
    rest = _VERB.split(rest)[0]
    name = " ".join(rest.split()[:6]).strip(_SEPS)
    name = re.sub(r"\s+(?:with|of|for|and|at|from|on|enabled|turned\s+on)$", "", name, flags=re.I)
    if not name or _NOT_A_NAME.match(name) or not _NOUN.search(name + " " + noun.group()):
        return ""
    return name


_VERB = re.compile(
    r"\s+(?:takes?|goes|go|runs?|is|are|has|have|gets?|does|do|makes?|shipped|copied|mirrored|lands?|"
    r"moves?|kept)\b",
    re.I,
)
