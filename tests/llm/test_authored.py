"""The cassettes are recordings of the written answers, not hand-edited: a changed answer in
tests/data/claude needs ``python -m tests.llm.record_realistic`` again, and this says so."""

from __future__ import annotations

import json

import pytest

from bench.realistic import FOLDER, load
from tests.llm.authored import CASSETTES, Authored, available
from tests.llm.cassette import Cassette


def _canon(obj: object) -> str:
    return json.dumps(obj, sort_keys=True)


@pytest.mark.parametrize("key", available())
def test_the_cassette_holds_exactly_the_written_answers(key):
    written = Authored.load(key)
    recorded = Cassette.load(CASSETTES / f"{key}.jsonl").answers
    conversation = load(FOLDER / f"{key}.toml")
    assert sorted(written.extract) == list(range(1, len(conversation.replies) + 1))
    by_kind: dict[str, list[dict]] = {}
    for cassette_key, answer in recorded.items():
        by_kind.setdefault(cassette_key.split(":")[0], []).append(answer)
    extractions = {_canon(a) for a in by_kind["ExtractionOut"]}
    assert extractions == {_canon(a) for a in written.extract.values()}
    for answer in by_kind["Condensed"]:
        assert {
            f["slot_id"]: f["text"] for f in answer["fields"]
        }.items() <= written.condense.items()
    for answer in by_kind["Proposals"]:
        assert all(written.infer[p["slot_id"]] == p["value"] for p in answer["proposals"])
    assert by_kind["Condensed"]
    assert by_kind["Proposals"]


def test_every_written_conversation_has_its_cassette():
    assert available() == sorted(p.stem for p in CASSETTES.glob("*.jsonl"))
    for key in available():
        assert Authored.load(key).condense
        assert Authored.load(key).infer
