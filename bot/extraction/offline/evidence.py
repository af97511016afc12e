"""What a piece of text says by its own words: lexicon scores plus the shapes of table rows.

A threshold ("> 80% for 10 min") or a level after an arrow ("→ disaster") names an alert row
whatever the words around it; "SEV2 = …" names a severity level. The router adds the label,
the intro line and the asked questions on top of this (``route``); the form reader uses it
alone to tell whether a numbered answer is about its question (``answers``).
"""

from __future__ import annotations

import re

from bot.extraction.offline.lexicon import scores
from bot.rendering.clauses import top_level

THRESHOLD_BONUS = 3.0
ASIDE_SCALE = 0.3  # a cue only inside brackets is barely evidence
_ONLY_SAID_ALOUD = re.compile(r"maint_|rto$|rpo$")

THRESHOLD = re.compile(
    r"(?:[<>]=?|≥|≤|\b(?:above|over|below|under|exceeds?|more\s+than|less\s+than))\s*\d"
    r"|\d\s*%\s*(?:=|→|->)|=\s*(?:critical|warning)\b|(?:→|->)\s*(?:critical|warning)\b",
    re.I,
)
ARROWS = re.compile(r"→|->|=>|⇒")
ARROW_LEVEL = re.compile(r"(?:→|->|=>)\s*(?:critical|warning|crit|warn|page)\b", re.I)
SEVERITY = re.compile(r"\b(?:p|sev\s?|s)[0-4]\s*(?:=|:|-\s|is\b)", re.I)
# Shapes that name a table on their own: (slot, pattern, bonus, matches needed).
SEVERITY_FIRST = re.compile(r"^\s*(?:p|sev\s?)[0-4]\s*(?:=|:|-\s|is\b)", re.I)  # "SEV1 = …"
# "AG sync state not SYNCHRONIZED → disaster": an alert with its level, whatever its condition.
_ALERT_ARROW = re.compile(
    r"(?:→|->|=>)\s*(?:critical|crit|warning|warn|high|disaster|average|page[sd]?)\b", re.I
)
_SHAPES = (
    ("metrics", THRESHOLD, THRESHOLD_BONUS, 1),
    ("metrics", _ALERT_ARROW, THRESHOLD_BONUS, 1),
    ("severity_levels", SEVERITY, 4.0, 2),
    ("severity_levels", SEVERITY_FIRST, 4.0, 1),
)

# Fields whose facts carry thresholds of their own: a patch deadline, a scaling trigger, a
# brute-force rule, a restore check.
_OWN_THRESHOLDS = frozenset(
    {
        "vuln_management",
        "security_events",
        "threat_detection",
        "scaling_triggers",
        "restore_testing",
        "data_integrity",
        "backup_verification",
        "baseline",
        "kpis",
        "growth",
    }
)


def own_evidence(text: str) -> dict[str, float]:
    """What the words of ``text`` alone say, plus the shape of an alert row (a threshold). A
    threshold in a sentence with no metric word and a strong other topic ("we patch for CVSS
    >= 7 within 14 days") strengthens that topic instead."""
    found = dict(scores(text))
    mask = top_level(text)
    aloud = [slot_id for slot_id in found if _ONLY_SAID_ALOUD.match(slot_id)]
    if aloud:
        # "tw-gdpr-erase (…, runs nightly over the erase queue)" describes a component, and
        # "(…, which is why the RTO only covers new uploads)" is no RTO: said in brackets, a
        # schedule or a recovery target is barely evidence.
        outside = "".join(ch if keep else " " for ch, keep in zip(text, mask, strict=True))
        said = scores(outside, only=aloud)
        for slot_id in [s for s in aloud if s not in said]:
            found[slot_id] *= ASIDE_SCALE
    for slot_id, regex, bonus, least in _SHAPES:
        if sum(1 for m in regex.finditer(text) if mask[m.start()]) >= least:
            target = slot_id
            if slot_id == "metrics" and found.get("metrics", 0.0) < 1.0:
                others = [s for s in found if s in _OWN_THRESHOLDS]
                other = max(others, key=found.__getitem__, default="")
                target = other if other and found[other] >= 2.0 else slot_id
            found[target] = found.get(target, 0.0) + bonus
    return found
