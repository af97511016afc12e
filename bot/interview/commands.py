"""In-thread command words, recognised only when they are the whole message.

Slash commands do not work inside Slack threads, so `draft`, `status`, `skip`, `finish`, `help`
are plain words. Matching the whole message (not a prefix) keeps an answer such as "skip the
cache warm-up on restart" from being taken as the `skip` command.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Command(StrEnum):
    DRAFT = "draft"
    STATUS = "status"
    SKIP = "skip"
    FINISH = "finish"
    HELP = "help"


_WORDS: dict[str, Command] = {
    "draft": Command.DRAFT,
    "show draft": Command.DRAFT,
    "preview": Command.DRAFT,
    "status": Command.STATUS,
    "progress": Command.STATUS,
    "skip": Command.SKIP,
    "next": Command.SKIP,
    "pass": Command.SKIP,
    "finish": Command.FINISH,
    "finish now": Command.FINISH,
    "done": Command.FINISH,
    "help": Command.HELP,
    "commands": Command.HELP,
    "?": Command.HELP,
}

HELP_TEXT = (
    "Answer the questions in your own words; anyone can answer, and corrections such as "
    '"actually RTO is 2 hours, not 4" replace what I had.\n'
    "Words I understand on their own: `draft` (show the current draft and what is missing), "
    "`status` (progress), `skip` (skip these questions; I propose something at the end), "
    "`finish` or `done` (fill the gaps from context and produce the manual), `help`.\n"
    '"I don\'t know" is a fine answer: I will propose a value for you to check.'
)

# "/frobnicate", or a "command" that was a pasted secret and is now "/[redacted slack-token]".
_UNKNOWN = re.compile(r"^[/!](?:[a-z][\w-]*|\[redacted [a-z0-9-]+\])$", re.IGNORECASE)


def parse_command(text: str) -> Command | None:
    """The command a whole message names, ignoring case, surrounding space and punctuation."""
    words = " ".join(text.strip().lower().strip(" .!").split())
    if words.startswith("/") and words[1:] in _WORDS:
        words = words[1:]
    return _WORDS.get(words)


def looks_like_unknown_command(text: str) -> bool:
    """A lone `/word` or `!word` is a command attempt, not an answer worth storing."""
    return bool(_UNKNOWN.match(text.strip()))
