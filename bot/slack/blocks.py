"""Block Kit for the bot's messages: the root message, question messages, help and lists.

Every builder returns ``(text, blocks)``: ``text`` is the notification and screen-reader
fallback Slack shows where blocks cannot be rendered, so it is always set and says the same.
User-supplied text (a manual's name, an echoed answer) is escaped for mrkdwn here, once; the
Publisher additionally neutralises mentions in everything it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.intake.redact import neutralise_mentions
from bot.interview.commands import HELP_TEXT

Block = dict[str, Any]
Message = tuple[str, list[Block]]

ACTION_SKIP = "opsmanual_skip"
ACTION_DRAFT = "opsmanual_draft"
ACTION_FINISH = "opsmanual_finish"
ACTIONS = (ACTION_SKIP, ACTION_DRAFT, ACTION_FINISH)

SECTION_LIMIT = 2900  # Slack refuses a section text over 3000 characters
MAX_BLOCKS = 45  # of Slack's 50 per message

USAGE = (
    "Usage: `/opsmanual new <service name>` starts an interview in a thread here; "
    "`/opsmanual draft [name]` posts the current draft; `/opsmanual list` shows this channel's "
    "manuals; `/opsmanual help`."
)

SLASH_HELP = (
    f"{USAGE}\n\nIn a manual's thread, answer the questions in your own words (anyone can). "
    f"{HELP_TEXT}\nThe words also work as an @-mention of the bot."
)


def escape(text: str) -> str:
    """Make text inert for mrkdwn: ``& < >`` escaped as Slack asks (so no `<!channel>` or
    `<@U…>` survives as markup). Mentions are neutralised once, by the Publisher, for every
    post (``inert`` is for the listener's own answers, which do not go through it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inert(text: str) -> str:
    """Escaped and mentions neutralised: for ack() answers, sent without the Publisher."""
    return neutralise_mentions(escape(text))


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split on line breaks so each section stays under Slack's limit."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        out.append(current)
    return out or [" "]


def sections(text: str) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _chunks(text)[:MAX_BLOCKS]
    ]


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def root_message(*, name: str, progress_bar: str, done_version: int | None = None) -> Message:
    """The channel message a manual's thread hangs from; updated in place as answers arrive."""
    safe = escape(name)
    if done_version is None:
        head = f"Operations manual for *{safe}*: answer in the thread."
        foot = f"`{progress_bar}`"
    else:
        head = f"Operations manual for *{safe}*: done, version {done_version}."
        foot = (
            f"`{progress_bar}` The manual file is in the thread; "
            "corrections there make a new version."
        )
    return f"{head} {progress_bar}", [
        {"type": "section", "text": {"type": "mrkdwn", "text": head}},
        _context(foot),
    ]


def question_message(*, text: str, draft_id: int, buttons: bool = True) -> Message:
    """The bot's turn in the thread: acknowledgements, progress and the next questions."""
    safe = escape(text)
    blocks = sections(safe)
    if buttons:
        value = str(draft_id)
        blocks.append(
            {
                "type": "actions",
                "block_id": "opsmanual_actions",
                "elements": [
                    _button("Skip", ACTION_SKIP, value),
                    _button("Show draft", ACTION_DRAFT, value),
                    _button("Finish now", ACTION_FINISH, value, style="primary"),
                ],
            }
        )
    return safe, blocks


def _button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def notice_message(text: str) -> Message:
    safe = escape(text)
    return safe, sections(safe)


def draft_list(rows: Sequence[tuple[str, str, str]], *, heading: str) -> str:
    """``rows`` are (name, status, progress bar); plain mrkdwn for an ephemeral answer."""
    if not rows:
        return "No operations manuals in this channel yet. Start one with `/opsmanual new <name>`."
    lines = [heading]
    lines.extend(f"• *{escape(name)}*: {status}, `{bar}`" for name, status, bar in rows)
    return "\n".join(lines)


def upload_comment(summary: str, *, final: bool) -> str:
    """The short comment posted with a manual file (mentions neutralised, mrkdwn escaped)."""
    lead = "Here is the operations manual." if final else "Here is the current draft."
    return escape(f"{lead}\n{summary}")
