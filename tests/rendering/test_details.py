"""The details file: every fact in full under its subsection, with who said it and where.

Why: the manual is capped at 800 words, so it shortens; nothing an engineer said may be lost to
that cap. These tests build a draft the way a thread does (several authors, a correction, a
proposal, a statement nobody could place) and read the details file as a person would.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.draft import Draft, Fact, Op, Reply, Scope, SlotUpdate
from bot.core.merge import apply_machine_values, merge, record_leftovers
from bot.core.names import manual_filename
from bot.rendering.builder import ManualBuilder
from bot.rendering.details import DetailsInput, build_details

NOW = datetime(2026, 12, 6, 15, 30, tzinfo=UTC)
LONG = (
    "Atlas Search is the product search behind the shop: a 9 node Elasticsearch 8.11.3 cluster "
    "on-prem in fra2, 3 dedicated masters es-m01..03 and 6 data nodes es-d01..06, fed from the "
    "PIM through the kafka topic catalog.changes by atlas-indexer, queried by atlas-query on "
    "qry01-04 behind haproxy, which builds the actual ES queries for the website."
)


def thread() -> tuple[Draft, dict[int, Reply]]:
    draft = Draft("Atlas Search", Scope("T1", "C1"), "U1", NOW, NOW, id=7)
    replies = {
        1: Reply(1, "U_DANA", LONG, NOW, source_ref="1733499000.000100"),
        2: Reply(2, "U_RAJ", "heap > 85% warning", NOW, source_ref="1733499060.000200"),
        3: Reply(3, "U_RAJ", "actually 92% not 85", NOW, source_ref="1733499120.000300"),
    }
    merge(
        draft,
        [SlotUpdate("architecture", Op.SET, LONG, LONG)],
        author="U_DANA",
        reply_id=1,
        now=NOW,
    )
    row = {"metric": "JVM heap", "threshold": "> 85%", "level": "Warning", "action": "hot_threads"}
    merge(draft, [SlotUpdate("metrics", Op.SET, [row], "heap > 85% warning")], author="U_RAJ",
          reply_id=2, now=NOW)  # fmt: skip
    fixed = {**row, "threshold": "> 92%"}
    merge(draft, [SlotUpdate("metrics", Op.CORRECT, [fixed], "actually 92% not 85")],
          author="U_RAJ", reply_id=3, now=NOW)  # fmt: skip
    apply_machine_values(draft, [("rto", "4 hours", Op.INFERRED)], now=NOW)
    record_leftovers(
        draft, ["the CDN caches search for 60s"], author="U_KASIA", reply_id=2, now=NOW
    )
    return draft, replies


def details(draft: Draft, replies: dict[int, Reply], **kw: object) -> str:
    data = DetailsInput(
        draft=draft,
        replies=replies,
        manual_filename="atlas-search-operations-manual.md",
        version=1,
        date=NOW,
        link=lambda r: f"https://example.slack.com/archives/C1/p{r.source_ref.replace('.', '')}",
        name={"U_DANA": "dana", "U_RAJ": "raj", "U_KASIA": "kasia"}.get,
        **kw,  # type: ignore[arg-type]
    )
    return build_details(data)


def section_of(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    end = markdown.find("\n### ", start + 1)
    return markdown[start : end if end > 0 else None]


def test_every_fact_is_in_full_under_its_subsection_with_author_time_and_link() -> None:
    draft, replies = thread()
    text = details(draft, replies, shortened=frozenset({"architecture"}))
    overview = section_of(text, "### 1.1 System Architecture")
    assert LONG in overview  # the whole value, not the manual's shortened one
    assert "shortened in the manual" in overview
    assert "Said by dana, 2026-12-06 15:30 UTC" in overview
    assert "https://example.slack.com/archives/C1/p1733499000000100" in overview


def test_a_correction_keeps_the_earlier_value_and_who_corrected_it() -> None:
    draft, replies = thread()
    metrics = section_of(details(draft, replies), "### 2.1 Key Metrics")
    assert "> 92%" in metrics
    assert "Corrected by raj" in metrics
    assert "Earlier value, replaced by a correction" in metrics
    assert "> 85%" in metrics


def test_proposals_are_marked_and_unplaced_statements_are_kept() -> None:
    draft, replies = thread()
    text = details(draft, replies)
    recovery = section_of(text, "### 9.1 Recovery Procedures")
    assert "† proposed by opsmanual" in recovery
    assert "no engineer stated it" in recovery
    assert "## Not placed in a section" in text
    assert "the CDN caches search for 60s (kasia" in text


def test_without_a_link_maker_the_reply_number_says_where() -> None:
    draft, replies = thread()
    data = DetailsInput(draft, replies, "m.md", 1, NOW)
    assert "reply #1" in build_details(data)


def test_a_withdrawn_message_takes_its_facts_out_of_the_details_too() -> None:
    draft, replies = thread()
    draft.withdraw_reply(2)
    text = details(draft, replies)
    assert "the CDN caches search" not in text


def test_finish_returns_the_details_beside_the_manual() -> None:
    draft, replies = thread()
    builder = ManualBuilder()
    manual = builder.finalise(draft, now=NOW)
    text = builder.details(draft, replies=list(replies.values()), manual=manual, now=NOW)
    assert manual.details_filename == manual_filename(draft.slug, "details")
    assert manual.details_filename == "atlas-search-operations-manual-details.md"
    assert text.startswith("# Details: Atlas Search")
    assert "es-d01..06" in text
    facts_in_draft = [f for f in draft.facts if not f.withdrawn and isinstance(f, Fact)]
    assert facts_in_draft
