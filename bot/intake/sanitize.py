"""One sanitize(): what every reply goes through once, at the edge of the core.

Control characters and NUL bytes are dropped, a binary paste is recognised, and secrets are
redacted, before the text is stored, sent to an LLM or echoed. Slack does it in the listener
(so not even the job queue holds a secret) and the terminal just before the interview; the
core then trusts the ``CleanReply`` it is given and never cleans or redacts again.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.intake.clean import clean_reply, is_mostly_junk
from bot.intake.redact import redact_secrets


@dataclass(frozen=True, slots=True)
class CleanReply:
    """Reply text the core may store and echo; ``redacted`` names the kinds removed from it
    (for the notice), ``junk`` says most of what arrived was unreadable bytes."""

    text: str
    redacted: tuple[str, ...] = ()
    junk: bool = False


def sanitize(raw: str) -> CleanReply:
    cleaned = clean_reply(raw)
    redaction = redact_secrets(cleaned)
    return CleanReply(redaction.text, redaction.kinds, is_mostly_junk(raw, cleaned))
