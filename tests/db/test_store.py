"""SqlStore against a real database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.core.draft import Draft, DraftStatus, Fact, Op, Scope
from bot.db.engine import make_engine
from bot.db.models import DraftRow
from bot.db.store import DraftNotFoundError, SqlStore
from bot.interview.ports import Store

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
HERE = Scope("T1", "C-ops")
OTHER_CHANNEL = Scope("T1", "C-other")
OTHER_WORKSPACE = Scope("T2", "C-ops")

COMPONENTS = [{"name": "api", "purpose": "serves requests"}, {"name": "db", "purpose": "stores"}]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "method", [m for m in vars(Store) if not m.startswith("_") and callable(getattr(Store, m))]
)
def test_sql_store_methods_match_the_port(method):
    """Same names, keyword-only parameters and defaults as the Protocol (mypy checks types)."""
    port = inspect.signature(getattr(Store, method))
    ours = inspect.signature(getattr(SqlStore, method))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in port.parameters.values()
    ]


def test_create_and_load_round_trip(store):
    created = store.create_draft(scope=HERE, name="Payments API", owner="U1", now=T0)
    assert created.id is not None
    loaded = store.load_draft(scope=HERE, draft_id=created.id)
    assert loaded == created
    assert loaded.name == "Payments API"
    assert loaded.slug == "payments-api"
    assert loaded.scope == HERE
    assert loaded.owner == "U1"
    assert loaded.status is DraftStatus.INTERVIEWING
    assert (loaded.facts, loaded.asked, loaded.skipped, loaded.version) == ([], [], set(), 0)
    assert loaded.thread_ts is None
    assert loaded.created_at == T0
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_load_missing_draft_is_none(store):
    assert store.load_draft(scope=HERE, draft_id=424242) is None


def _facts(reply_id: int | None) -> list[Fact]:
    return [
        Fact("architecture", "Flask app behind nginx", Op.SET, "U1", reply_id, at(1), "Flask"),
        Fact("on_call", ["alice", "bob"], Op.SET, "U1", reply_id, at(1)),
        Fact("components", COMPONENTS, Op.SET, "U2", None, at(2), quote="api serves"),
        Fact("rto", "4h", Op.DEFAULT, None, None, at(3)),
        Fact("rto", None, Op.CLEAR, "U1", None, at(4)),
    ]


def test_save_draft_round_trips_state_and_every_value_shape(store):
    draft = store.create_draft(scope=HERE, name="Payments API", owner="U1", now=T0)
    reply = store.add_reply(draft=draft, author="U1", text="It is a Flask app", now=at(1))
    draft.facts.extend(_facts(reply.id))
    draft.asked = ["architecture", "components"]
    draft.skipped = {"integrations", "external_services"}
    draft.thread_ts = "1700000000.000100"
    draft.status = DraftStatus.COMPLETE
    draft.updated_at = at(5)

    store.save_draft(draft=draft)

    assert all(f.id is not None for f in draft.facts)
    assert len({f.id for f in draft.facts}) == len(draft.facts)
    loaded = store.load_draft(scope=HERE, draft_id=draft.id)
    assert loaded == draft
    assert [f.id for f in loaded.facts] == sorted(f.id for f in loaded.facts)
    assert loaded.value("components") == COMPONENTS
    assert list(loaded.value("components")[0]) == ["name", "purpose"]  # key order kept
    assert loaded.value("on_call") == ["alice", "bob"]
    assert loaded.value("rto") is None  # cleared, with the default kept as history
    assert loaded.facts[4].value is None
    assert loaded.facts[4].op is Op.CLEAR
    assert loaded.facts[0].reply_id == reply.id
    assert loaded.updated_at == at(5)


def test_saving_twice_does_not_duplicate_facts(store):
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=T0)
    draft.facts.extend(_facts(None))
    store.save_draft(draft=draft)
    store.save_draft(draft=draft)
    draft.facts.append(Fact("architecture", "now on k8s", Op.CORRECT, "U1", None, at(9)))
    store.save_draft(draft=draft)
    loaded = store.load_draft(scope=HERE, draft_id=draft.id)
    assert len(loaded.facts) == 6
    assert loaded.value("architecture") == "now on k8s"


def test_withdrawn_flags_persist_and_only_one_way(store):
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=T0)
    reply = store.add_reply(draft=draft, author="U1", text="arch", now=at(1))
    draft.facts.append(Fact("architecture", "v1", Op.SET, "U1", reply.id, at(1)))
    draft.facts.append(Fact("on_call", ["a"], Op.SET, "U1", None, at(1)))
    store.save_draft(draft=draft)
    stale = store.load_draft(scope=HERE, draft_id=draft.id)

    assert draft.withdraw_reply(reply.id) == ["architecture"]
    draft.facts.append(Fact("owner", "team", Op.SET, "U1", None, at(2), withdrawn=True))
    store.save_draft(draft=draft)
    loaded = store.load_draft(scope=HERE, draft_id=draft.id)
    assert [f.withdrawn for f in loaded.facts] == [True, False, True]
    assert loaded.value("architecture") is None

    store.save_draft(draft=stale)  # an older copy must not resurrect the withdrawn fact
    assert store.load_draft(scope=HERE, draft_id=draft.id).facts[0].withdrawn


def test_versions_are_numbered_per_draft(store):
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=T0)
    other = store.create_draft(scope=HERE, name="y", owner="U1", now=T0)
    assert store.latest_version(draft=draft) is None
    stale = store.load_draft(scope=HERE, draft_id=draft.id)

    first = store.add_version(draft=draft, markdown="# v1", word_count=2, final=False, now=at(1))
    second = store.add_version(draft=draft, markdown="# v2", word_count=3, final=True, now=at(2))
    elsewhere = store.add_version(draft=other, markdown="# y", word_count=2, final=False, now=T0)

    assert (first.version, second.version, elsewhere.version) == (1, 2, 1)
    assert draft.version == 2
    latest = store.latest_version(draft=draft)
    assert latest == second
    assert (latest.markdown, latest.word_count, latest.final, latest.created_at) == (
        "# v2",
        3,
        True,
        at(2),
    )
    store.save_draft(draft=stale)  # a copy loaded before the renders keeps the counter
    assert store.load_draft(scope=HERE, draft_id=draft.id).version == 2
    third = store.add_version(draft=stale, markdown="# v3", word_count=2, final=False, now=at(3))
    assert third.version == 3
    assert stale.version == 3


def test_reply_with_same_source_ref_is_stored_once(store):
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=T0)
    other = store.create_draft(scope=HERE, name="y", owner="U1", now=T0)
    first = store.add_reply(draft=draft, author="U1", text="hi", now=at(1), source_ref="C:1.1")
    retry = store.add_reply(draft=draft, author="U1", text="hi", now=at(2), source_ref="C:1.1")
    assert retry == first
    assert first.created_at == at(1)
    assert store.reply_by_source(draft=draft, source_ref="C:1.1") is None  # facts not saved yet
    store.save_draft(draft=draft)
    assert store.reply_by_source(draft=draft, source_ref="C:1.1") == first
    assert store.reply_by_source(draft=draft, source_ref="C:9.9") is None
    assert store.reply_by_source(draft=other, source_ref="C:1.1") is None
    same_ref_elsewhere = store.add_reply(
        draft=other, author="U1", text="hi", now=at(1), source_ref="C:1.1"
    )
    assert same_ref_elsewhere.id != first.id


def test_replies_without_source_ref_are_never_merged(store):
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=T0)
    a = store.add_reply(draft=draft, author="U1", text="same", now=at(1))
    b = store.add_reply(draft=draft, author="U1", text="same", now=at(1))
    assert a.id != b.id
    assert (b.author, b.text, b.source_ref) == ("U1", "same", None)


@pytest.mark.parametrize("elsewhere", [OTHER_CHANNEL, OTHER_WORKSPACE])
def test_a_draft_is_invisible_from_another_scope(store, elsewhere):
    draft = store.create_draft(scope=HERE, name="Payments API", owner="U1", now=T0)
    store.add_reply(draft=draft, author="U1", text="t", now=T0, source_ref="C:1")
    store.add_version(draft=draft, markdown="# v1", word_count=2, final=False, now=T0)

    assert store.load_draft(scope=elsewhere, draft_id=draft.id) is None
    assert store.find_drafts(scope=elsewhere) == []
    assert store.find_drafts(scope=elsewhere, name="Payments API") == []

    forged = store.load_draft(scope=HERE, draft_id=draft.id)
    forged.scope = elsewhere
    assert store.latest_version(draft=forged) is None
    assert store.reply_by_source(draft=forged, source_ref="C:1") is None
    forged.status = DraftStatus.COMPLETE
    with pytest.raises(DraftNotFoundError):
        store.save_draft(draft=forged)
    with pytest.raises(DraftNotFoundError):
        store.add_reply(draft=forged, author="U9", text="x", now=T0)
    with pytest.raises(DraftNotFoundError):
        store.add_version(draft=forged, markdown="x", word_count=1, final=True, now=T0)
    assert store.load_draft(scope=HERE, draft_id=draft.id).status is DraftStatus.INTERVIEWING


def test_an_unsaved_draft_is_refused(store):
    draft = Draft(name="x", scope=HERE, owner="U1", created_at=T0, updated_at=T0)
    with pytest.raises(DraftNotFoundError):
        store.save_draft(draft=draft)


@pytest.mark.parametrize(
    "query", ["Payments API", "payments api", "  payments api ", "PAYMENTS-API", " payments_api "]
)
def test_find_drafts_by_name_in_any_case_newest_first(store, query):
    old = store.create_draft(scope=HERE, name="Payments API", owner="U1", now=T0)
    new = store.create_draft(scope=HERE, name="payments api", owner="U2", now=at(60))
    store.create_draft(scope=HERE, name="Billing", owner="U1", now=at(30))
    store.create_draft(scope=OTHER_CHANNEL, name="Payments API", owner="U1", now=at(90))
    assert [d.id for d in store.find_drafts(scope=HERE, name=query)] == [new.id, old.id]


def test_find_drafts_without_name_lists_the_scope_newest_first(store):
    a = store.create_draft(scope=HERE, name="a", owner="U1", now=T0)
    b = store.create_draft(scope=HERE, name="b", owner="U1", now=at(1))
    b.facts.append(Fact("architecture", "x", Op.SET, "U1", None, at(1)))
    store.save_draft(draft=b)
    found = store.find_drafts(scope=HERE)
    assert [d.id for d in found] == [b.id, a.id]
    assert found[0].value("architecture") == "x"  # facts come with the drafts


def test_names_without_ascii_letters_are_findable(store):
    draft = store.create_draft(scope=HERE, name="支付 🚀", owner="U1", now=T0)
    assert [d.id for d in store.find_drafts(scope=HERE, name="支付 🚀")] == [draft.id]
    assert store.find_drafts(scope=HERE, name="结算") == []


_LONG = "Payments settlement and reconciliation service for the European card acquiring " + "x" * 30


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Payments 日本", "Payments 中国"),
        ("שירות תשלומים", "שירות תשובות"),
        (_LONG + "a", _LONG + "b"),
    ],
)
def test_names_that_share_a_slug_prefix_are_different_drafts(store, first, second):
    """Regression: lookup was by slug, which dropped non-ASCII and cut at 80 characters."""
    a = store.create_draft(scope=HERE, name=first, owner="U1", now=T0)
    assert store.find_drafts(scope=HERE, name=second) == []
    b = store.create_draft(scope=HERE, name=second, owner="U1", now=at(1))
    assert [d.id for d in store.find_drafts(scope=HERE, name=first)] == [a.id]
    assert [d.id for d in store.find_drafts(scope=HERE, name=second)] == [b.id]
    assert [d.id for d in store.find_drafts(scope=HERE, name=f"  {first.upper()}  ")] == [a.id]
    assert a.slug != b.slug  # and their files have different names
    assert [d.id for d in store.find_drafts(scope=HERE)] == [b.id, a.id]


def test_lookup_ignores_the_stored_slug(store, db_url):
    """Rows written before the fix hold the old lossy slug; the name alone decides."""
    draft = store.create_draft(scope=HERE, name="Payments 日本", owner="U1", now=T0)
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(DraftRow).where(DraftRow.id == draft.id).values(slug="payments")
            )
    finally:
        engine.dispose()
    assert [d.id for d in store.find_drafts(scope=HERE, name="payments 日本")] == [draft.id]
    assert store.find_drafts(scope=HERE, name="Payments") == []
    assert store.load_draft(scope=HERE, draft_id=draft.id).slug == draft.slug


def test_one_thread_holds_one_draft(store):
    first = store.create_draft(scope=HERE, name="a", owner="U1", now=T0)
    second = store.create_draft(scope=HERE, name="b", owner="U1", now=T0)
    elsewhere = store.create_draft(scope=OTHER_CHANNEL, name="a", owner="U1", now=T0)
    first.thread_ts = second.thread_ts = elsewhere.thread_ts = "1700000000.000100"
    store.save_draft(draft=first)
    store.save_draft(draft=elsewhere)  # the same ts in another channel is another thread
    with pytest.raises(IntegrityError):
        store.save_draft(draft=second)
    assert store.load_draft(scope=HERE, draft_id=second.id).thread_ts is None


def test_timestamps_come_back_as_the_same_instant_in_utc(store):
    plus_two = datetime(2026, 3, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    draft = store.create_draft(scope=HERE, name="x", owner="U1", now=plus_two)
    loaded = store.load_draft(scope=HERE, draft_id=draft.id)
    assert loaded.created_at == plus_two
    assert loaded.created_at.tzinfo == UTC


def test_naive_timestamps_are_refused(store):
    with pytest.raises(Exception, match="naive datetime"):
        store.create_draft(scope=HERE, name="x", owner="U1", now=datetime(2026, 3, 1))


def test_admin_lookups_cross_scopes(store):
    a = store.create_draft(scope=HERE, name="a", owner="U1", now=T0)
    b = store.create_draft(scope=OTHER_WORKSPACE, name="b", owner="U1", now=at(1))
    c = store.create_draft(scope=OTHER_CHANNEL, name="c", owner="U1", now=at(2))
    a.updated_at = at(5)
    store.save_draft(draft=a)
    assert [d.id for d in store.admin_list_drafts()] == [a.id, c.id, b.id]
    assert [d.id for d in store.admin_list_drafts(limit=2)] == [a.id, c.id]
    assert store.admin_get_draft(draft_id=b.id).scope == OTHER_WORKSPACE
    assert store.admin_get_draft(draft_id=999_999) is None
