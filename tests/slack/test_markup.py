"""Slack's markup becomes readable Markdown before it reaches the manual (issue 7, point 7).

Payloads here are shaped as Slack sends them: the `text` field HTML-escaped with `<…>`
constructs, and `rich_text` blocks with typed elements, as real clients deliver both.
"""

from __future__ import annotations

import pytest

from bot.slack.markup import from_blocks, message_text, readable, to_markdown

NAMES = {"U024BE7LH": "dana", "U0G9QF9C6": "raj"}


@pytest.mark.parametrize(
    ("slack", "markdown"),
    [
        (
            "see <https://wiki.example/atlas|the runbook>",
            "see [the runbook](https://wiki.example/atlas)",
        ),
        ("dash at <https://grafana.example/d/atlas>", "dash at https://grafana.example/d/atlas"),
        ("ask <@U024BE7LH> first", "ask @dana first"),
        ("incidents go to <#C0123ABC|inc-search>", "incidents go to #inc-search"),
        ("<!here> heads up", "@here heads up"),
        ("page <!subteam^S0614TZR7|@search-oncall>", "page @search-oncall"),
        (
            "R&amp;D lab, p99 &gt; 800ms &amp;&amp; errors &lt; 1%",
            "R&D lab, p99 > 800ms && errors < 1%",
        ),
        (
            "a literal &amp;lt;b&amp;gt; stays escaped once",
            "a literal &lt;b&gt; stays escaped once",
        ),
        ("mail <mailto:ops@example.com|ops@example.com>", "mail ops@example.com"),
        (":rotating_light: queue age &gt; 10 min", ":rotating_light: queue age > 10 min"),
    ],
)
def test_slack_text_format_becomes_markdown(slack: str, markdown: str) -> None:
    assert to_markdown(slack, person=NAMES.get) == markdown


def test_an_unknown_user_keeps_its_label_or_id() -> None:
    assert to_markdown("cc <@U999|sam>") == "cc @sam"
    assert to_markdown("cc <@U999>") == "cc @U999"


RICH = [
    {
        "type": "rich_text",
        "elements": [
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "emoji", "name": "rotating_light"},
                    {"type": "text", "text": " alerts: heap > 85% → "},
                    {"type": "text", "text": "warning", "style": {"bold": True}},
                    {"type": "text", "text": ", ask "},
                    {"type": "user", "user_id": "U024BE7LH"},
                    {"type": "text", "text": ", runbook "},
                    {"type": "link", "url": "https://wiki.example/atlas", "text": "here"},
                    {"type": "text", "text": "\nuseful cmds:\n"},
                ],
            },
            {
                "type": "rich_text_list",
                "style": "bullet",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {
                                "type": "text",
                                "text": "curl -s localhost:9200/_cat/nodes",
                                "style": {"code": True},
                            }
                        ],
                    },
                    {
                        "type": "rich_text_section",
                        "elements": [{"type": "text", "text": "R&D checks"}],
                    },
                ],
            },
            {
                "type": "rich_text_preformatted",
                "elements": [{"type": "text", "text": 'PUT _cluster/settings\n{"a": 1}'}],
            },
        ],
    }
]


def test_rich_text_blocks_give_the_clean_parts() -> None:
    text = from_blocks(RICH)
    assert text is not None
    assert text.startswith(":rotating_light: alerts: heap > 85% → warning, ask <@U024BE7LH>")
    assert "[here](https://wiki.example/atlas)" in text
    assert "- `curl -s localhost:9200/_cat/nodes`" in text
    assert "- R&D checks" in text  # nothing in blocks is escaped, so nothing is decoded twice
    assert '```\nPUT _cluster/settings\n{"a": 1}\n```' in text


def test_message_text_prefers_blocks_and_resolves_mentions_later() -> None:
    event = {"text": "ignored &amp; escaped", "blocks": RICH}
    text, rebuilt = message_text(event)
    assert rebuilt
    shown = readable(text, rebuilt=rebuilt, person=NAMES.get)
    assert "ask @dana" in shown
    assert "<@" not in shown


def test_without_blocks_the_text_field_is_converted() -> None:
    text, rebuilt = message_text({"text": "see <https://x.io|docs> &amp; <@U0G9QF9C6>"})
    assert not rebuilt
    assert readable(text, rebuilt=rebuilt, person=NAMES.get) == "see [docs](https://x.io) & @raj"
