"""Where prose may be cut (``clauses``): sentences, clauses, asides, phrase ends.

Why: the manual must fit 800 words and what is cut must leave whole. Dropping a clause must
keep its sentence's full stop and commas tidy, an aside in parentheses may go while its host
stays, a clause that only makes sense with the one before ("…, not during backups") never goes
alone, and a phrase cut never ends on "the", "not", ">" or between a number and its unit.
"""

from __future__ import annotations

from bot.rendering.clauses import cut_at_phrase, sentences, words
from bot.rendering.spans import droppable, remove


def options(text: str) -> list[str]:
    return [remove(text, span) for span in droppable(text)]


def test_an_aside_and_one_item_of_it_may_go_alone() -> None:
    text = (
        "Stop the indexer first (systemctl stop atlas-indexer, offsets are committed so nothing "
        "is lost) and if ES is really melting we flip haproxy to the fallback page"
    )
    found = options(text)
    assert (
        "Stop the indexer first (systemctl stop atlas-indexer) and if ES is really melting we "
        "flip haproxy to the fallback page" in found
    )
    assert (
        "Stop the indexer first (systemctl stop atlas-indexer, offsets are committed so "
        "nothing is lost)" in found
    )
    # the first clause carries the subject: it never goes
    assert all(o.startswith("Stop the indexer first") for o in found)


def test_a_dropped_clause_leaves_its_sentence_well_formed() -> None:
    text = (
        "Kafka is the shared platform cluster (kafka01-05) which we DON'T own, that's the data "
        "platform team. upstream is the PIM (Akeneo)."
    )
    found = options(text)
    assert (
        "Kafka is the shared platform cluster (kafka01-05) which we DON'T own. upstream is "
        "the PIM (Akeneo)." in found
    )
    assert all(" ," not in o and ",." not in o and "..." not in o for o in found)


def test_a_later_sentence_goes_whole_never_its_first_clause_alone() -> None:
    text = "flip DNS search.internal to the ber1 haproxy. fallback is a full reindex, takes ~3h"
    found = options(text)
    assert "flip DNS search.internal to the ber1 haproxy." in found
    assert "flip DNS search.internal to the ber1 haproxy. takes ~3h" not in found
    assert ", takes ~3h" not in " ".join(o for o in found if "fallback" not in o)


def test_an_attached_clause_goes_only_with_its_host() -> None:
    text = "restart the consumers, not during the nightly backup, then check the lag"
    assert options(text) == ["restart the consumers, not during the nightly backup"]
    text = "check the lag, restart the consumers, not during the nightly backup"
    assert options(text) == ["check the lag"]


def test_phrase_cuts_end_where_a_phrase_ends() -> None:
    text = "page the on-call when p99 latency is over 800 ms for more than 5 minutes"
    for limit in range(3, 14):
        cut = cut_at_phrase(text, limit)
        last = cut.split()[-1]
        assert last.lower() not in {"the", "is", "over", "when", "for", "than", "more"}
        assert not last.isdigit()  # "800" without its "ms" would change the number's meaning


def test_sentences_do_not_break_at_abbreviations_or_decimals() -> None:
    text = "Use the replica, e.g. db02. Retention is 2.5 days. Done!"
    assert sentences(text) == ["Use the replica, e.g. db02.", "Retention is 2.5 days.", "Done!"]


def test_a_title_does_not_end_a_sentence() -> None:
    """ "St. Brigid's (SBH)" was cut after "St.", and the rest read as a label "Brigid's"."""
    text = "both hospitals, Harbor General (HGH) and St. Brigid's (SBH). Dr. Ana Ruiz is the CMIO."
    assert sentences(text) == [
        "both hospitals, Harbor General (HGH) and St. Brigid's (SBH).",
        "Dr. Ana Ruiz is the CMIO.",
    ]
    assert len(sentences("we have no DR. Backups are nightly.")) == 2
    assert len(sentences("p99 above 800 ms. Then page.")) == 2


def test_words_count_like_the_linter() -> None:
    assert words("p99 > 800ms → page the on-call") == 5


def test_a_passive_verb_keeps_its_complement() -> None:
    """ "incidents are run in a fresh slack channel … created by the incident.io bot" was cut to
    "incidents are run": grammatical, and useless to a responder."""
    from bot.core.slots import SLOT_BY_ID
    from bot.rendering.shrink import ladder

    text = "incidents are run in a fresh slack channel #inc-tw-<n> created by the incident.io bot"
    for limit in range(3, 14):
        cut = cut_at_phrase(text, limit)
        assert cut not in {"incidents are run", "incidents are run in a fresh slack channel"}
        assert not cut.endswith("created")
    for step in ladder(SLOT_BY_ID["incident_channel"], text):
        assert words(str(step.value)) >= 4


def test_a_leading_condition_may_give_way_to_the_orders_after_it() -> None:
    text = "if results go to the wrong patient that's a safety event. Stop the ORU channels now."
    assert "Stop the ORU channels now." in options(text)
    plain = "Tidewater is our pipeline. It runs in eu-west-1."
    assert "It runs in eu-west-1." not in options(plain)  # an opening statement stays
