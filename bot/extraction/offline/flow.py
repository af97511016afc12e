"""Key components read from a request flow: "the CMS calls tc-api (fastapi) → job row in MySQL 8
→ tc-dispatcher consumes it → the worker encodes …".

Engineers who describe the system as a flow have named its components; asking "what are the
key components?" again, or filling 1.2 with proposals ("API †: HTTPS requests"), tells them the
bot did not listen. Each hop of a flow with three or more arrows that names a part (a
hyphenated service name, a product from the stack list, "the worker") gives one row; the
row's purpose is what the hop says about it. Only an empty components slot is filled.
"""

from __future__ import annotations

import re

from bot.core.slots import Row
from bot.extraction.offline.stack import INFRASTRUCTURE

MIN_HOPS = 3
_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")
_PARENS = re.compile(r"\([^()]*\)")
_SERVICE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w/-])")
_PRODUCT = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(n) for n in INFRASTRUCTURE)
    + r")(?:\s+\d[\d.]*)?(?![\w-])"
)
_ROLE = re.compile(
    r"\bthe\s+(?P<role>workers?|scheduler|dispatcher|consumers?|indexer|renderer|api|gateway|"
    r"frontend|backend|cron|poller)\b",
    re.I,
)


def flow_components(text: str) -> list[Row]:
    """One row per hop of the first flow in ``text`` that names a part; [] for no flow."""
    for line in text.split("\n"):
        hops = [h.strip(" .,;") for h in _ARROW.split(line) if h.strip(" .,;")]
        if len(hops) < MIN_HOPS + 1:
            continue
        rows = [row for row in (_row(hop) for hop in hops) if row]
        names = [r["name"].lower() for r in rows]
        if len(rows) >= MIN_HOPS and len(set(names)) == len(names):
            return rows
    return []


def _row(hop: str) -> Row | None:
    bare = _PARENS.sub(" ", hop)
    found = _SERVICE.search(bare) or _PRODUCT.search(bare) or _ROLE.search(bare)
    if found is None:
        return None
    name = found.group("role") if found.re is _ROLE else found.group()
    at = hop.find(name)
    after = hop[at + len(name) :].strip(" ,.;") if at >= 0 else ""
    inside = re.match(r"\(([^()]*)\)\s*(.*)", after)
    if inside:  # "tc-api (fastapi)", "MySQL 8 (db `transcode` on db01, …)"
        said = [inside.group(1), inside.group(2)]
    else:
        said = [after if len(after.split()) >= 2 else hop]
    purpose = "; ".join(s.strip(" ,.;") for s in said if s.strip(" ,.;"))
    return {"name": name, "purpose": purpose or hop}
