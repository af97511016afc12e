"""The `opsmanual` command as a user runs it: help, exit codes, and one clear line per error.

Why subprocesses: exit statuses, what lands on stdout vs stderr, and "no traceback" are
properties of the real console script, not of functions called in-process. The interview the
admin commands read is run in-process (same SQLite file, same store) because how it was
produced is the chat tests' business; these tests only need a finished draft to exist.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.scenarios import PAYMENTS, SimulatedEngineer

SCRIPT = Path(sys.executable).with_name("opsmanual")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot.cli"]
AUTHOR = "alice"


def cli_env(data_dir: Path) -> dict[str, str]:
    drop = ("ANTHROPIC_", "OPSMANUAL_", "SLACK_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["OPSMANUAL_DATA_DIR"] = str(data_dir)
    return env


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=cli_env(data_dir), capture_output=True, text=True, timeout=60
    )


def assert_one_error_line(result: subprocess.CompletedProcess[str], *, says: str) -> None:
    """Exit 2, nothing on stdout, exactly one ``error: …`` line on stderr, no traceback."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert says in lines[0]


@dataclass(frozen=True, slots=True)
class Finished:
    data_dir: Path
    draft_id: int
    manual: Path


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """A completed Payments API interview in the data dir's SQLite file, as `chat` leaves it."""
    from bot.chat import CLI_SCOPE
    from bot.config import load_settings
    from bot.interview.outcome import Kind
    from bot.runtime import build_runtime

    data_dir = tmp_path_factory.mktemp("data")
    runtime = build_runtime(load_settings(database_url=f"sqlite:///{data_dir / 'opsmanual.db'}"))
    try:
        core, engineer = runtime.interview, SimulatedEngineer(PAYMENTS)
        outcome = core.start(scope=CLI_SCOPE, name=PAYMENTS.name, owner=AUTHOR)
        while outcome.kind is not Kind.COMPLETE:
            reply = engineer.reply(outcome.questions)
            assert reply is not None
            outcome = core.handle(
                scope=CLI_SCOPE, draft_id=outcome.draft.id or 0, author=AUTHOR, text=reply
            )
    finally:
        runtime.close()
    assert outcome.manual is not None
    manual = data_dir / "good.md"
    manual.write_text(outcome.manual.markdown, encoding="utf-8")
    return Finished(data_dir, outcome.draft.id or 0, manual)


def test_help_on_the_command_and_every_subcommand(tmp_path: Path) -> None:
    top = run(tmp_path, "--help")
    assert top.returncode == 0, top.stderr
    commands = re.findall(r"^    (\w+)\s{2,}\S", top.stdout, re.MULTILINE)
    assert {"chat", "list", "show", "render", "lint", "migrate"} <= set(commands), top.stdout
    procs = {
        name: subprocess.Popen(
            [*COMMAND, name, "--help"],
            env=cli_env(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in commands
    }
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.startswith(f"usage: opsmanual {name}"), out
        assert "-h, --help" in out
    assert not (tmp_path / "opsmanual.db").exists()  # help never touches the database


def test_lint_passes_a_finished_manual(finished: Finished) -> None:
    result = run(finished.data_dir, "lint", str(finished.manual))
    assert result.returncode == 0, result.stdout
    assert re.fullmatch(r"OK: \d+ words\n", result.stdout)


def test_lint_lists_precise_violations(finished: Finished, tmp_path: Path) -> None:
    lines = finished.manual.read_text(encoding="utf-8").splitlines()
    heading = lines.index("### 6.2 Diagnostic Commands")
    lines[heading] = "### Diagnostic Commands"  # number lost: 6.2 is missing
    lines.insert(5, "Owner: TODO")
    bad = tmp_path / "bad.md"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(tmp_path, "lint", str(bad))
    assert result.returncode == 1, result.stdout
    assert f"{bad}:6: [placeholder]" in result.stdout
    line = heading + 2  # 1-based, and one line was inserted above it
    assert f"{bad}:{line}: [missing-subsection] heading '### Diagnostic Commands'" in result.stdout
    assert re.search(r"^FAILED: \d+ problems?, \d+ words$", result.stdout, re.MULTILINE)


def test_lint_flags_a_manual_over_800_words(finished: Finished, tmp_path: Path) -> None:
    text = finished.manual.read_text(encoding="utf-8")
    long = tmp_path / "long.md"
    long.write_text(text.replace("### 1.2", "word " * 120 + "\n\n### 1.2"), encoding="utf-8")
    result = run(tmp_path, "lint", str(long))
    assert result.returncode == 1
    assert "[word-count]" in result.stdout
    assert "limit is 800" in result.stdout


def test_lint_missing_or_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    assert_one_error_line(run(tmp_path, "lint", str(tmp_path / "nope.md")), says="no such file")
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\xfd")
    assert_one_error_line(run(tmp_path, "lint", str(binary)), says="cannot read as UTF-8")


def test_list_shows_the_finished_interview(finished: Finished) -> None:
    result = run(finished.data_dir, "list")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "Payments API" in line)
    assert row.split()[0] == str(finished.draft_id)
    assert "complete" in row
    assert "[##########] 10/10 sections" in row


def test_show_json_gives_facts_with_provenance(finished: Finished) -> None:
    result = run(finished.data_dir, "show", str(finished.draft_id), "--format", "json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["name"], shown["status"], shown["version"]) == ("Payments API", "complete", 1)
    assert shown["values"]["rto"] == "1 hour"
    facts = shown["facts"]
    answered = [f for f in facts if f["op"] == "set"]
    assert {f["slot"] for f in answered} >= set(PAYMENTS.answers)
    for fact in answered:
        assert fact["author"] == AUTHOR
        assert isinstance(fact["reply_id"], int)
    machine = [f for f in facts if f["op"] in {"default", "inferred"}]
    assert machine, "the never-asked slots should be proposed as default/inferred facts"
    assert all(f["reply_id"] is None for f in machine)
    assert {"health_checks", "severity_levels"} <= {f["slot"] for f in machine}


def test_show_md_and_render_give_the_finished_manual(finished: Finished, tmp_path: Path) -> None:
    expected = finished.manual.read_text(encoding="utf-8")
    shown = run(finished.data_dir, "show", str(finished.draft_id), "--format", "md")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.rstrip("\n") == expected.rstrip("\n")
    target = tmp_path / "rendered.md"
    rendered = run(finished.data_dir, "render", str(finished.draft_id), "-o", str(target))
    assert rendered.returncode == 0, rendered.stderr
    assert f"Wrote {target}" in rendered.stdout
    assert target.read_text(encoding="utf-8") == expected


def test_an_unknown_draft_id_is_a_clear_error(finished: Finished, tmp_path: Path) -> None:
    assert_one_error_line(run(finished.data_dir, "show", "999"), says="no draft with id 999")
    out = tmp_path / "x.md"
    assert_one_error_line(
        run(finished.data_dir, "render", "999", "-o", str(out)), says="no draft with id 999"
    )
    assert not out.exists()


def test_migrate_twice_is_idempotent(tmp_path: Path) -> None:
    for _ in range(2):
        result = run(tmp_path, "migrate")
        assert result.returncode == 0, result.stderr
        assert result.stdout == "Database is at the latest migration.\n"
    assert (tmp_path / "opsmanual.db").is_file()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "cannot use the database"),
        ("notadb://x", "cannot use the database"),
        ("postgresql+psycopg://u:p@127.0.0.1:1/db", "cannot use the database"),
        ("mysql://u@localhost/x", "driver 'MySQLdb' is not installed"),
    ],
)
def test_a_bad_db_url_is_one_clear_line(tmp_path: Path, url: str, says: str) -> None:
    assert_one_error_line(run(tmp_path, "list", "--db", url), says=says)


def test_chat_output_into_an_existing_directory_and_render_into_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "manuals"
    folder.mkdir()
    chat = subprocess.run(
        [*COMMAND, "chat", "Dir Test", "-o", str(folder)],
        input="finish\n",
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert chat.returncode == 0, chat.stderr
    assert (folder / "dir-test-operations-manual.md").is_file()
    target = tmp_path / "new" / "deeper" / "m.md"
    rendered = run(tmp_path, "render", "1", "-o", str(target))
    assert rendered.returncode == 0, rendered.stderr
    assert target.read_text(encoding="utf-8").startswith("# Operations Manual: Dir Test")


def test_render_details_writes_every_fact_beside_the_manual(
    finished: Finished, tmp_path: Path
) -> None:
    """`render --details` writes <slug>-operations-manual-details.md next to the manual, with
    the answers in full and the author of each."""
    target = tmp_path / "out" / "manual.md"
    result = run(
        finished.data_dir, "render", str(finished.draft_id), "-o", str(target), "--details"
    )
    assert result.returncode == 0, result.stderr
    details = target.parent / "payments-api-operations-manual-details.md"
    assert f"Wrote {details}" in result.stdout
    text = details.read_text(encoding="utf-8")
    assert text.startswith("# Details: Payments API")
    assert f"Said by {AUTHOR}" in text
    for answer in (PAYMENTS.answers["rto"], PAYMENTS.answers["incident_channel"]):
        assert answer.split()[0] in text
