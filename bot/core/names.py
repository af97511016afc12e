"""Names: what makes two draft names one draft, and the files a manual is written to.

A draft is found by its name's key, never by its file name; file names are derived from the
name once, here, so the terminal, `opsmanual render` and the Slack upload always agree on
`<slug>-operations-manual.md`, its `-draft.md` preview and its `-details.md` companion.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Literal

FileKind = Literal["manual", "draft", "details"]
_SUFFIX = {"manual": "", "draft": "-draft", "details": "-details"}


def manual_filename(slug: str, kind: FileKind = "manual") -> str:
    """ "payments-api" -> "payments-api-operations-manual.md" (or its -draft / -details)."""
    return f"{slug}-operations-manual{_SUFFIX[kind]}.md"


SLUG_MAX_CHARS = 80


def name_key(name: str) -> str:
    """What makes two draft names one draft: NFKC, casefolded, whitespace collapsed and stripped.

    ASCII punctuation counts as a space, as it always has ("PAYMENTS-API", " payments_api " and
    "Payments API" are one draft), but every other character counts: "Payments 日本" and
    "Payments 中国" are two drafts. A name of nothing but ASCII punctuation keeps it ("???").
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    words = "".join(" " if c.isascii() and not c.isalnum() else c for c in folded).split()
    return " ".join(words) if words else " ".join(folded.split())


def slugify(name: str) -> str:
    """The file-name form of a draft name ("Payments API" -> "payments-api"); drafts are found
    by ``name_key``, never by slug.

    When the readable ASCII part cannot tell two names apart (it dropped characters outside
    ASCII, or was cut at ``SLUG_MAX_CHARS``), 6 hex digits of the key's SHA-256 follow it, so two
    drafts never share a file name: "Payments 日本" -> "payments-<hash>", and a name with no ASCII
    letter or digit -> "manual-<hash>".
    """
    key = name_key(name)
    if not key:
        return "manual"
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    readable = "-".join("".join(c.lower() if c.isalnum() else " " for c in ascii_key).split())
    if readable.replace("-", " ") == key and len(readable) <= SLUG_MAX_CHARS:
        return readable
    digest = hashlib.sha256(key.encode()).hexdigest()[:6]
    return f"{readable[:SLUG_MAX_CHARS].rstrip('-') or 'manual'}-{digest}"
