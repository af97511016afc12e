"""Cutting a Slack reply into placeable pieces (``segment``).

Why: the router can only place what the segmenter hands it. A paragraph that covers three
topics must become three pieces, a list must keep the line that introduced it, a pasted block
must stay one piece with its command, and a label ("backups:", "SEV2 =") must be read as a label
and never as content, while a time ("02:00") or a URL is never a label.
"""

from __future__ import annotations

from bot.extraction.offline.segment import Segment, segments, split_head


def texts(reply: str, **kw: str) -> list[str]:
    return [s.text for s in segments(reply, **kw)]


def test_a_rambling_paragraph_is_cut_into_sentences_with_their_label() -> None:
    reply = (
        "morning all 👋 so this is Atlas Search. logs: ES + app logs go via filebeat into "
        "Graylog, 14 days retention. health: haproxy checks /actuator/health on atlas-query"
    )
    found = segments(reply)
    assert [(s.head, s.text) for s in found] == [
        ("", "this is Atlas Search."),
        ("logs", "ES + app logs go via filebeat into Graylog, 14 days retention."),
        ("health", "haproxy checks /actuator/health on atlas-query"),
    ]


def test_numbered_items_on_one_line_keep_the_line_that_introduced_them() -> None:
    reply = (
        "DR: RTO 4 hours. steps: 1) build a new cluster in ber1 2) restore the latest "
        "snapshot 3) flip DNS search.internal"
    )
    found = segments(reply)
    items = [s for s in found if s.item]
    assert [s.text for s in items] == [
        "build a new cluster in ber1",
        "restore the latest snapshot",
        "flip DNS search.internal",
    ]
    assert all("steps:" in s.intro for s in items)
    assert "steps:" not in [s.text for s in found]  # the intro is no fact of its own


def test_a_pasted_block_stays_one_piece_with_its_json_body() -> None:
    reply = (
        "once status is yellow re-enable allocation:\n```\nPUT _cluster/settings\n"
        '{"persistent": {"cluster.routing.allocation.enable": "all"}}\n```\nthen start atlas-query'
    )
    code = [s for s in segments(reply) if s.code]
    assert len(code) == 1
    assert code[0].text.startswith("PUT _cluster/settings\n{")
    assert code[0].intro.startswith("once status is yellow")


def test_a_short_line_that_only_introduces_a_list_is_no_segment() -> None:
    reply = "alerts we actually care about:\n- disk > 80% → warning\n- p99 > 800ms → critical"
    found = segments(reply)
    assert [s.text for s in found] == ["disk > 80% → warning", "p99 > 800ms → critical"]
    assert all(s.intro == "alerts we actually care about:" for s in found)


def test_an_emoji_ends_a_thought() -> None:
    reply = "that's the real pw 😅 normal numbers btw: ~6,000 jobs/day, median job 11 min"
    found = segments(reply)
    assert found[0].text == "that's the real pw 😅"
    assert (found[1].head, found[1].text) == (
        "normal numbers",  # "btw" says nothing about the topic
        "~6,000 jobs/day, median job 11 min",
    )


def test_an_em_dash_starts_a_new_piece() -> None:
    reply = (
        "breakglass is the elastic user with the pw in CyberArk — and yes the one i pasted gets "
        "rotated"
    )
    assert texts(reply) == [
        "breakglass is the elastic user with the pw in CyberArk",
        "and yes the one i pasted gets rotated",
    ]


def test_the_systems_own_name_is_no_label() -> None:
    reply = "Reel Transcode = the farm that turns mezzanine files into HLS ladders"
    assert segments(reply)[0].head == "Reel Transcode"
    assert segments(reply, name="reel transcode")[0].head == ""


def test_labels_and_what_is_not_a_label() -> None:
    assert split_head("SEV2 = a major feature down") == ("SEV2", "a major feature down")
    assert split_head("graceful stop - drain the pool") == ("graceful stop", "drain the pool")
    assert split_head("startup after a full outage (happened once, in 2022): masters first") == (
        "startup after a full outage (happened once, in 2022)",
        "masters first",
    )
    # a time, a URL and a sentence that ends in a colon are no labels
    assert split_head("maintenance window is sunday 02:00-06:00 UTC")[0] == ""
    assert split_head("https://status.example.com is the status page")[0] == ""
    assert split_head("alerts are in Datadog: disk, cpu")[0] == ""


def test_a_label_carries_over_to_the_next_sentence_of_its_line_as_inherited() -> None:
    reply = "security: xpack security on. audit logging is on for auth failures"
    first, second = segments(reply)
    assert (first.head, first.inherited) == ("security", False)
    assert (second.head, second.inherited) == ("security", True)


def test_a_greeting_line_gives_nothing() -> None:
    assert segments("hey o/ 👋") == []
    assert segments("morning all!\nbackups: nightly") == [
        Segment("nightly", head="backups", block=2)
    ]


def test_a_command_ends_where_the_prose_picks_up_again() -> None:
    """ "…--desired-count 4, then watch /healthz" once became one command, so a responder
    pasting it would hand the shell "then watch /healthz" as arguments."""
    found = segments(
        "to start it you just set desired count: aws ecs update-service --cluster lumen "
        "--service notify --desired-count 4, then watch /healthz."
    )
    assert [(s.text, s.code) for s in found] == [
        ("to start it you just set desired count", False),
        ("aws ecs update-service --cluster lumen --service notify --desired-count 4", True),
        ("watch /healthz.", False),
    ]


def test_commands_listed_with_commas_are_steps_of_their_own() -> None:
    found = segments(
        "to run it by hand: ssh bill-01, sudo -u harbor /opt/harbor/bin/run-batch.sh --date "
        "2026-12-05, then tail -f /var/log/harbor/batch.log until you see COMPLETED"
    )
    assert [(s.text, s.code) for s in found][1:3] == [
        ("ssh bill-01", True),
        ("sudo -u harbor /opt/harbor/bin/run-batch.sh --date 2026-12-05", True),
    ]
