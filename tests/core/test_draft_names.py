"""Draft names: ``name_key`` decides which names are one draft, ``slugify`` names its files.

Regression: the slug used to be the lookup key too, and it dropped what ASCII cannot spell and
cut long names at 80 characters, so "Payments 中国" resumed "Payments 日本".
"""

from __future__ import annotations

import hashlib
import itertools
import re
from datetime import UTC, datetime

import pytest

from bot.core.draft import Draft, Scope
from bot.core.names import SLUG_MAX_CHARS, name_key, slugify
from bot.extraction.offline.extractor import OfflineExtractor
from bot.interview.outcome import Kind
from bot.interview.service import MAX_NAME_CHARS, Interview

LONG = "Payments settlement and reconciliation service for the European card acquiring platform"
LONG_A = (LONG + " (primary region, Frankfurt)")[:MAX_NAME_CHARS]
LONG_B = (LONG + " (standby region, Dublin)")[:MAX_NAME_CHARS]

#: Pairs that the old slug merged, and that must stay two drafts with two file names.
DIFFERENT = [
    ("Payments 日本", "Payments 中国"),
    ("שירות תשובות", "שירות תשלומים"),
    (LONG + " " + "x" * 21 + "a", LONG + " " + "x" * 21 + "b"),  # 110 characters
    (LONG_A, LONG_B),
    ("支付 🚀", "支付 💳"),
    ("Café", "Cafe"),
    ("???", "!!!"),
]

#: Spellings of one name: one draft, one file name.
SAME = [
    ("Payments API", "  payments api "),
    ("Payments API", "PAYMENTS\tAPI"),
    ("Payments API", "PAYMENTS-API"),
    ("Payments API", " payments_api "),
    ("Payments API", "Ｐａｙｍｅｎｔｓ\u3000ＡＰＩ"),  # full-width letters and space (NFKC)
    ("Payments 日本", " PAYMENTS  日本 "),
    ("Straße", "STRASSE"),  # casefold, not lower
    ("Café", "Cafe\u0301"),  # composed and decomposed accent (NFKC)
]

HEX6 = re.compile(r"[0-9a-f]{6}")


def test_the_long_pair_really_is_over_80_characters_and_differs_only_at_the_end() -> None:
    assert len(LONG_A) > SLUG_MAX_CHARS
    assert len(LONG_B) > SLUG_MAX_CHARS
    assert LONG_A[:SLUG_MAX_CHARS] == LONG_B[:SLUG_MAX_CHARS]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_get_different_keys_and_file_names(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)
    assert slugify(a) != slugify(b)


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spellings_of_one_name_share_key_and_file_name(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)
    assert slugify(a) == slugify(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("  Payments   API ", "payments api"),
        ("PAYMENTS-API", "payments api"),
        ("Payments 日本", "payments 日本"),
        ("Ｐａｙｍｅｎｔｓ", "payments"),
        ("???", "???"),
        ("", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key
    assert name_key(key) == key  # idempotent


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Payments API", "payments-api"),
        ("  payments   api ", "payments-api"),
        ("payments-api", "payments-api"),
        ("Billing v2 (EU)", "billing-v2-eu"),
        ("x" * SLUG_MAX_CHARS, "x" * SLUG_MAX_CHARS),
        ("", "manual"),
    ],
)
def test_ascii_names_keep_their_plain_slug(name: str, slug: str) -> None:
    assert slugify(name) == slug


def _digest(name: str) -> str:
    return hashlib.sha256(name_key(name).encode()).hexdigest()[:6]


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("Payments 日本", "payments"),
        ("Café", "cafe"),
        ("日本 Payments API", "payments-api"),
        ("שירות תשלומים", "manual"),
        ("支付 🚀", "manual"),
        ("???", "manual"),
    ],
)
def test_lossy_slugs_end_in_a_hash_of_the_key(name: str, readable: str) -> None:
    assert slugify(name) == f"{readable}-{_digest(name)}"


def test_long_names_are_cut_and_hashed() -> None:
    slug = slugify(LONG_A)
    head, digest = slug.rsplit("-", 1)
    assert HEX6.fullmatch(digest)
    assert digest == _digest(LONG_A)
    assert len(head) <= SLUG_MAX_CHARS
    assert not head.endswith("-")
    assert head == "-".join(re.findall("[a-z0-9]+", LONG_A.lower()))[:SLUG_MAX_CHARS].rstrip("-")


def test_slugs_are_stable_across_runs() -> None:
    """Pinned values: the hash is SHA-256 of the key, not Python's per-process ``hash()``."""
    assert slugify("Payments 日本") == "payments-dcc805"
    assert slugify("שירות תשלומים") == "manual-29e29b"


def test_slugs_are_file_name_safe_and_fit_the_column() -> None:
    names = [n for pair in DIFFERENT + SAME for n in pair] + ["é" * MAX_NAME_CHARS]
    for name in names:
        slug = slugify(name)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
        assert len(slug) <= 120  # drafts.slug is String(120)


def test_no_two_different_names_share_a_file_name() -> None:
    names = {n for pair in DIFFERENT + SAME for n in pair}
    names |= {"Payments", "Payments API", "payments-api x", "Billing", "C", "日本", "中国"}
    for a, b in itertools.combinations(names, 2):
        assert (name_key(a) == name_key(b)) == (slugify(a) == slugify(b)), (a, b)


def test_a_draft_file_name_uses_the_slug() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert Draft("Payments API", Scope("T", "C"), "U", now, now).slug == "payments-api"
    assert Draft("Payments 日本", Scope("T", "C"), "U", now, now).slug == "payments-dcc805"


# --- through the interview, on SQLite and PostgreSQL --------------------------------------------


@pytest.fixture
def interview(store) -> Interview:
    return Interview(store=store, extractor=OfflineExtractor(), clock=lambda: datetime.now(UTC))


# Names that can never be a manual's title ("???" is a placeholder, "!!!" has no words) are
# refused at start (tests/rendering/test_completion_property.py), so they start no draft.
STARTABLE = [(a, b) for a, b in DIFFERENT if (a, b) != ("???", "!!!")]


@pytest.mark.parametrize(("a", "b"), STARTABLE)
def test_starting_a_different_name_starts_a_new_draft(interview: Interview, a: str, b: str):
    scope = Scope("T1", "C1")
    first = interview.start(scope=scope, name=a, owner="alice")
    second = interview.start(scope=scope, name=b, owner="alice")
    assert (first.kind, second.kind) == (Kind.STARTED, Kind.STARTED)
    assert first.draft.id != second.draft.id
    again = interview.start(scope=scope, name=f"  {a.upper()} ", owner="bob")
    assert again.kind is Kind.EXISTING
    assert again.draft.id == first.draft.id
