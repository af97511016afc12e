"""Corrections made mid-sentence: "quarterly we renew... no, yearly, the internal PKI cert".

People type as they think and fix a word on the spot. Read literally, the sentence states the
wrong schedule ("quarterly we renew") and the manual repeats it. The word taken back is the
last one before the break of the same kind as the new one (a schedule word, a number), so
"quarterly we renew... no, yearly, the cert" is stored as "yearly we renew the cert" and
"keep 30... sorry 35 days" as "keep 35 days". When no word of that kind precedes the break,
the sentence is left as it was: guessing what was taken back would store a fact nobody said.
"""

from __future__ import annotations

import re

_BREAK = re.compile(
    r"\s*(?:\.\.\.|…|--|—)\s*(?:no|sorry|wait|i\s+mean|er+m?|uh+|oops)\b[,!:]?\s+"
    r"(?:it'?s\s+|make\s+(?:that|it)\s+)?(?P<new>[\w:.%]+?)(?P<tail>[,;]?\s+|[.!]?$)",
    re.I,
)
_SCHEDULE = re.compile(
    r"^(?:hourly|daily|nightly|weekly|biweekly|fortnightly|monthly|quarterly|yearly|annually)$",
    re.I,
)
_NUMBER = re.compile(r"^\d[\d:.,]*%?$")
_LOOK_BACK = 8  # words before the break a correction may reach


def _kind(word: str) -> str | None:
    bare = word.strip(".,;:()")
    if _SCHEDULE.match(bare):
        return "schedule"
    if _NUMBER.match(bare):
        return "number"
    return None


def self_corrected(text: str) -> str:
    """``text`` with every on-the-spot correction applied; see the module docstring."""
    while True:
        for match in _BREAK.finditer(text):
            kind = _kind(match.group("new"))
            if kind is None:
                continue
            before = text[: match.start()]
            words = before.split(" ")
            for index in range(len(words) - 1, max(len(words) - 1 - _LOOK_BACK, -1), -1):
                if words[index].endswith((".", "!", "?")) and index < len(words) - 1:
                    break  # the previous sentence is out of reach
                if _kind(words[index]) == kind:
                    bare = words[index].strip(".,;:()")
                    words[index] = words[index].replace(bare, match.group("new"), 1)
                    rest = text[match.end() :]
                    joined = " ".join(words)
                    text = f"{joined} {rest}" if rest else joined
                    break
            else:
                continue
            break  # the text changed: look again from the start
        else:
            return text
