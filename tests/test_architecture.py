"""The import rule from ARCHITECTURE.md, checked on the source so a violation fails CI.

The core packages (core, interview, intake, proposals, rendering, contract) import no adapter
and no third-party package but pydantic and jinja2; the adapters (extraction, llm, db, slack)
import the core, never each other. Only the composition roots (bot/runtime.py, bot/cli.py,
bot/chat.py, and bot/slack/server.py, which wires the Slack service) may import across layers.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
CORE = ("core", "interview", "intake", "proposals", "rendering", "contract")
ADAPTERS = ("extraction", "llm", "db", "slack")
LAYERS = CORE + ADAPTERS
COMPOSITION_ROOTS = {"runtime.py", "cli.py", "chat.py", "slack/server.py"}
CORE_THIRD_PARTY = {"pydantic", "jinja2"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2:
        return None
    return parts[1]


def modules(*layers: str) -> list[Path]:
    return sorted(p for layer in layers for p in (BOT / layer).rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    """A new folder under bot/ must be placed in the rule, or it escapes it."""
    folders = {p.name for p in BOT.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == set(LAYERS)


@pytest.mark.parametrize("path", modules(*CORE), ids=lambda p: str(p.relative_to(BOT)))
def test_the_core_imports_only_itself_the_stdlib_pydantic_and_jinja2(path: Path) -> None:
    bad = []
    for module in imports_of(path):
        top = module.split(".")[0]
        if top == "bot":
            if layer_of(module) not in CORE:
                bad.append(module)
        elif top not in sys.stdlib_module_names and top not in CORE_THIRD_PARTY:
            bad.append(module)
    assert not bad, f"{path.relative_to(BOT)} imports {bad}"


@pytest.mark.parametrize("path", modules(*ADAPTERS), ids=lambda p: str(p.relative_to(BOT)))
def test_edge_layers_never_import_each_other(path: Path) -> None:
    own = path.relative_to(BOT).parts[0]
    if str(path.relative_to(BOT)) in COMPOSITION_ROOTS:
        pytest.skip("composition root")
    crossing = {
        module
        for module in imports_of(path)
        if layer_of(module) in ADAPTERS and layer_of(module) != own
    }
    assert not crossing, f"{path.relative_to(BOT)} imports {sorted(crossing)}"


def test_the_rule_itself_catches_a_crossing(tmp_path: Path) -> None:
    """Guard against a checker that can never fail."""
    sample = tmp_path / "x.py"
    sample.write_text("from bot.db.store import SqlStore\nimport requests\n", encoding="utf-8")
    found = imports_of(sample)
    assert layer_of("bot.db.store") == "db"
    assert "bot.db.store" in found
    assert "requests" in found


IMPORT_PROBE = """
import pathlib, sys
import sqlalchemy, sqlalchemy.engine.create, pydantic_settings
built = []
def spy(name, original):
    def wrapper(*a, **k):
        built.append(name)
        return original(*a, **k)
    return wrapper
sqlalchemy.create_engine = spy("engine", sqlalchemy.create_engine)
sqlalchemy.engine.create.create_engine = sqlalchemy.create_engine
original_init = pydantic_settings.BaseSettings.__init__
pydantic_settings.BaseSettings.__init__ = spy("settings", original_init)
bot = pathlib.Path(sys.argv[1])
import importlib
for path in sorted(bot.rglob("*.py")):
    name = ".".join(path.relative_to(bot.parent).with_suffix("").parts).removesuffix(".__init__")
    importlib.import_module(name)
print(",".join(built) or "nothing")
"""


def test_nothing_is_built_at_import_time(tmp_path: Path) -> None:
    """Settings and engines are built at start-up: importing every module builds neither."""
    import subprocess

    env = {
        "PATH": "/usr/bin:/bin",
        "OPSMANUAL_DATA_DIR": str(tmp_path / "data"),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, str(BOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=BOT.parent,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nothing"
    assert not (tmp_path / "data").exists()
