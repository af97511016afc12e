"""One value's ladder of shorter versions (``shrink``) and what a word is worth (``fact_score``).

Why: the fitter can only give up the cheapest words if the ladder offers them in the right
order: filler and asides before hostnames, commands and thresholds; a proposal before anything
an engineer said. The first rung is the value without filler, in the engineers' own casing, and
every rung must still carry its facts whole.
"""

from __future__ import annotations

from bot.core.slots import SLOT_BY_ID
from bot.rendering.marks import MARK
from bot.rendering.shrink import fact_score, ladder, telegraphic, tidy

EMERGENCY = SLOT_BY_ID["emergency_shutdown"]


def test_facts_outweigh_prose_word_for_word() -> None:
    assert fact_score("systemctl stop atlas-indexer") > fact_score("offsets are committed")
    assert fact_score("flip haproxy to the 'search unavailable' page") > fact_score(
        "flip the thing to the other page"
    )
    assert fact_score("masters first") > fact_score("masters happily")
    assert fact_score("`kubectl get pods`") >= 3.0


def test_the_first_rung_reads_well_and_keeps_every_fact() -> None:
    value = (
        "so basically we stop the indexer first (systemctl stop atlas-indexer) and then we flip "
        "haproxy to the static fallback page"
    )
    first = ladder(EMERGENCY, value)[0].value
    assert first == (
        "stop indexer first (systemctl stop atlas-indexer) and then we flip haproxy to static "
        "fallback page"
    )


def test_each_rung_is_shorter_and_asides_go_before_commands() -> None:
    value = (
        "Stop the indexer first (systemctl stop atlas-indexer, offsets are committed so nothing "
        "is lost) and if ES is really melting we flip haproxy to the static 'search unavailable' "
        "page"
    )
    steps = ladder(EMERGENCY, value)
    assert [s.words for s in steps] == sorted({s.words for s in steps}, reverse=True)
    shorter = [str(s.value) for s in steps[1:]]
    without_aside = next(v for v in shorter if "offsets are committed" not in v)
    assert "systemctl stop atlas-indexer" in without_aside
    assert "search unavailable" in without_aside


def test_a_proposal_keeps_its_mark_on_every_rung() -> None:
    steps = ladder(SLOT_BY_ID["restore_testing"], f"Quarterly restore of the database {MARK}")
    assert all(str(s.value).endswith(MARK) for s in steps)


def test_list_entries_and_table_rows_go_whole_down_to_the_minimum() -> None:
    commands = ["`kubectl get pods`", "`kubectl top nodes`", "`curl -s localhost:9200/_cat/shards`"]
    floor = ladder(SLOT_BY_ID["diagnostic_commands"], commands)[-1].value
    assert isinstance(floor, list)
    assert len(floor) == 1
    assert floor[0] in commands
    rows = [
        {"metric": "disk used", "threshold": "> 80%", "level": "Warning", "action": "clean up"},
        {"metric": "heap", "threshold": "> 92%", "level": "Warning", "action": "hot_threads"},
        {"metric": "p99", "threshold": "> 800ms", "level": "Critical", "action": "page"},
        {"metric": "lag", "threshold": "> 50k msgs", "level": "Warning", "action": ""},
    ]
    last = ladder(SLOT_BY_ID["metrics"], rows)[-1].value
    assert isinstance(last, list)
    assert len(last) == SLOT_BY_ID["metrics"].min_items
    assert all(r["threshold"] in {x["threshold"] for x in rows} for r in last)  # never cut


def test_telegraphic_keeps_quantities_and_inner_we() -> None:
    assert telegraphic("we restore the latest snapshot into the staging cluster") == (
        "restore latest snapshot into staging cluster"
    )
    assert telegraphic("it runs for an hour, which we DON'T own") == (
        "it runs for an hour, which we DON'T own"
    )


def test_tidy_drops_filler_and_keeps_the_casing() -> None:
    assert tidy("so basically we just use opsgenie and graylog") == "we use opsgenie and graylog"


def test_a_sentence_that_lost_its_article_still_starts_with_a_capital() -> None:
    said = "Hub is the integration engine. The engine is Mirth Connect 4.4. There is a cold spare."
    assert (
        telegraphic(said) == "Hub is integration engine. Engine is Mirth Connect 4.4. A cold spare."
    )
    assert telegraphic("we restore the latest dump") == "restore latest dump"


def test_a_tool_after_a_dropped_article_keeps_its_case() -> None:
    said = "The kubectl context is prod-eu. The iOS app talks to the API."
    assert "Kubectl" not in telegraphic(said)
    assert "IOS" not in telegraphic(said)
