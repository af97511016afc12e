"""Values checked against the reply: a real quote with an invented value is not enough.

And when Claude leaves nothing usable in a reply the offline rules can read, their facts are
used, marked, and counted.
"""

from __future__ import annotations

from prometheus_client import REGISTRY

from bot.core.draft import Op
from bot.extraction.offline.extractor import OfflineExtractor
from bot.llm.extract import RESCUED_NOTE, ClaudeExtractor, to_extraction
from bot.llm.grounding import Sources, numbers_in, ungrounded
from bot.llm.models import ExtractionOut
from tests.fakes.anthropic_api import reply_json
from tests.llm.conftest import given, new_draft


def sources(*texts: str) -> Sources:
    return Sources.of(texts)


def test_numbers_are_read_the_way_people_write_them():
    assert numbers_in("RTO is 4 hours, RPO 15 min") == {"4", "15"}
    assert numbers_in("an hour, twice a day, five minutes") == {"1", "2", "5"}
    assert numbers_in("at 02:00 UTC on 10,000 rows, 99.9% uptime") == {"2", "10000", "99.9"}
    assert "30" in numbers_in("within half an hour")
    assert numbers_in("RPO is zero") == set()  # zero is always backed: "0 minutes"


def test_invented_numbers_and_identifiers_are_caught():
    reply = sources("We fail over with pg_ctl promote on the replica, RTO is about an hour.")
    assert ungrounded("1 hour", reply) == []
    assert ungrounded("Run `pg_ctl promote` on the replica.", reply) == []
    assert ungrounded("RTO 15 minutes", reply) == ["15"]
    assert ungrounded("Run `repmgr standby promote`.", reply) == ["`repmgr standby promote`"]
    assert ungrounded("Use repmgr_standby on the replica.", reply) == ["repmgr_standby"]
    assert ungrounded("Use the standby replica.", reply) == []  # plain words are not checked
    assert ungrounded("Page via PagerDuty.", reply) == ["PagerDuty"]
    assert ungrounded("Failover (read/write) in 1 hour", sources("read and write, an hour")) == []


def ops(*operations):
    return ExtractionOut.model_validate({"operations": list(operations), "unknown": []})


def test_a_real_quote_with_an_invented_value_is_dropped(draft):
    reply = "Our RTO is four hours and we page the payments-primary rotation in PagerDuty."
    out = ops(
        {"slot_id": "rto", "op": "set", "value": "40 hours", "quote": "Our RTO is four hours"},
        {
            "slot_id": "alerting",
            "op": "set",
            "value": "PagerDuty pages payments-primary via OpsGenie",
            "quote": "we page the payments-primary rotation in PagerDuty",
        },
        {"slot_id": "rpo", "op": "set", "value": "4 hours", "quote": "Our RTO is four hours"},
    )
    extraction, dropped = to_extraction(out, reply=reply, asked=["rto"], draft=draft)
    assert [u.slot_id for u in extraction.updates] == ["rpo"]  # quoted and backed (if wrong)
    assert dropped == {"ungrounded": 2}


def test_list_items_and_table_rows_are_checked_one_by_one(draft):
    reply = "Start with `systemctl start pgbouncer`, then `systemctl start api`."
    steps = ["`systemctl start pgbouncer`", "`systemctl start api`", "`kubectl rollout restart`"]
    rows = [["api", "serves REST on :8080"], ["worker", "settles charges on :9090"]]
    out = ops(
        {"slot_id": "startup_steps", "op": "set", "value": steps, "quote": reply},
        {"slot_id": "components", "op": "set", "value": rows, "quote": reply},
    )
    said = reply + " api serves REST on :8080"
    extraction, dropped = to_extraction(out, reply=said, asked=[], draft=draft)
    by_slot = {u.slot_id: u.value for u in extraction.updates}
    assert by_slot["startup_steps"] == steps[:2]
    assert by_slot["components"] == [{"name": "api", "purpose": "serves REST on :8080"}]
    assert dropped == {"ungrounded": 2}


def test_a_correction_may_restate_the_draft_value(draft):
    given(draft, "escalation", ["Alice (on-call)", "Bob", "Carol", "Dana, VP Eng at 555-0100"])
    reply = "Actually the second level is Erin now."
    value = ["Alice (on-call)", "Erin", "Carol", "Dana, VP Eng at 555-0100"]
    out = ops({"slot_id": "escalation", "op": "correct", "value": value, "quote": reply})
    extraction, dropped = to_extraction(out, reply=reply, asked=[], draft=draft)
    assert extraction.updates[0].op is Op.CORRECT
    assert extraction.updates[0].value == value
    assert not dropped


def test_the_name_of_the_system_may_appear_in_a_value(draft):
    reply = "it is a Go service on EKS"
    value = "Payments API is a Go service on EKS."
    out = ops({"slot_id": "architecture", "op": "set", "value": value, "quote": reply})
    extraction, _ = to_extraction(out, reply=reply, asked=[], draft=draft)
    assert extraction.updates[0].value == value


def _count(result: str) -> float:
    labels = {"result": result}
    return REGISTRY.get_sample_value("opsmanual_llm_extractions_total", labels) or 0.0


def test_offline_facts_rescue_a_reply_claude_left_empty_and_say_so(fake, claude, draft):
    extractor = ClaudeExtractor(claude=claude, fallback=OfflineExtractor())
    before = {r: _count(r) for r in ("rescued", "nothing", "facts")}
    fake.script(reply_json({"operations": [], "unknown": []}))
    extraction = extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours.")
    assert [(u.slot_id, u.value) for u in extraction.updates] == [("rto", "4 hours")]
    assert extraction.notes[-1] == RESCUED_NOTE.format(slots="rto")
    assert _count("rescued") == before["rescued"] + 1

    # Claude's only operation is dropped (invented value): the same rescue
    invented = {"slot_id": "rto", "op": "set", "value": "40 hours", "quote": "RTO is 4 hours"}
    fake.script(reply_json({"operations": [invented], "unknown": []}))
    extraction = extractor.extract(draft=draft, asked=["rto"], text="RTO is 4 hours.")
    assert [(u.slot_id, u.value) for u in extraction.updates] == [("rto", "4 hours")]
    assert _count("rescued") == before["rescued"] + 2

    # nothing for either: nothing happens, and that is counted too
    fake.script(reply_json({"operations": [], "unknown": []}))
    extraction = extractor.extract(draft=draft, asked=[], text="thanks!")
    assert extraction.updates == ()
    assert extraction.notes == ()
    assert _count("nothing") == before["nothing"] + 1

    # "don't know" is an answer: the offline rules are not asked to second-guess it
    fake.script(reply_json({"operations": [], "unknown": ["rto"]}))
    extraction = extractor.extract(draft=draft, asked=["rto"], text="no idea, 4 hours maybe")
    assert extraction.unknown == ("rto",)
    assert extraction.updates == ()
    assert _count("facts") == before["facts"] + 1


def test_a_reply_claude_found_empty_is_not_filled_with_the_offline_rules_guesses(fake, claude):
    """Chatter, a credential's preamble and instructions to the bot: Claude says nothing, and
    the rules' guesses (the reply itself as the answer, a sentence routed by a keyword) are not
    taken in its place; a precise fact still is, but only into an empty slot."""
    extractor = ClaudeExtractor(claude=claude, fallback=OfflineExtractor())
    draft = given(new_draft(), "architecture", "Go API on EKS", author="lena")
    chatter = [
        (["startup_steps"], "did anyone see the email about the parking garage next week?"),
        (["escalation"], "paolo!! that goes in the vault, not in slack. rotating it today"),
        (
            ["incident_channel", "escalation"],
            "the env line from player-api if anyone needs it "
            "for local debugging:\n```\nDATABASE_URL=[redacted password]\n```",
        ),
    ]
    before = _count("nothing")
    for asked, text in chatter:
        fake.script(reply_json({"operations": [], "unknown": []}))
        draft.asked = asked
        extraction = extractor.extract(draft=draft, asked=asked, text=text)
        assert extraction.updates == (), text
    assert _count("nothing") == before + len(chatter)

    fake.script(reply_json({"operations": [], "unknown": []}))
    extraction = extractor.extract(
        draft=draft, asked=["rto"], text="architecture is Go on ECS now. RTO is 4 hours."
    )
    assert [u.slot_id for u in extraction.updates] == ["rto"]  # not the filled architecture
