"""Markdown (GFM) pipe-table helpers shared by the renderer and the linter.

The renderer writes table rows and the linter counts their cells; if the two disagreed about
where a cell ends, the renderer could emit a row the linter rejects (or, worse, a row the linter
accepts but GitHub renders with a shifted column). Both therefore use these functions.

GFM splits a row on every ``|`` that is not written as ``\\|`` -- even inside backtick code
spans -- so :func:`escape_cell` escapes every pipe and :func:`split_row` only honours ``\\|``.
It also knows where code fences are, because a ``| a | b |`` or ``# comment`` line inside a
fence is code, not a table or heading. Standard library only: the linter is a pure core.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Fences",
    "Table",
    "escape_cell",
    "find_tables",
    "format_row",
    "is_separator",
    "scan_fences",
    "separator_row",
    "split_row",
    "table_problems",
]

_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CELL_BOUNDARY = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r":?-+:?")


def escape_cell(text: str, *, line_break: str = " ") -> str:
    """Make free text safe to place between two pipes of one table row.

    A row must stay on one physical line, so line breaks (blank lines included) are joined with
    ``line_break`` -- a space by default, ``"<br>"`` where the reader should see separate lines.
    Every ``|`` becomes ``\\|`` so it cannot open an extra column.
    """
    lines = (line.strip() for line in text.strip().splitlines())
    return line_break.join(line for line in lines if line).replace("|", "\\|")


def split_row(line: str) -> list[str]:
    """Cells of one table row, stripped, with ``\\|`` turned back into ``|``.

    One optional leading and one optional trailing pipe are dropped, as GFM does, so
    ``split_row("| a | b |") == split_row("a | b") == ["a", "b"]`` and
    ``split_row(format_row([text])) == [escape_cell(text)]`` unescaped back to the original.
    """
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_BOUNDARY.split(body)]


def is_separator(line: str) -> bool:
    """True for a GFM delimiter row such as ``|---|:--:|`` or ``---|---``.

    At least one pipe is required: a bare ``---`` is a thematic break, not a table row.
    """
    stripped = line.strip()
    if "|" not in stripped:
        return False
    return all(_SEPARATOR_CELL.fullmatch(cell) for cell in split_row(stripped))


def format_row(cells: Sequence[str]) -> str:
    """One table row with every cell escaped, in the ``| a | b |`` style the spec uses."""
    return "| " + " | ".join(escape_cell(cell) for cell in cells) + " |"


def separator_row(columns: int) -> str:
    """The delimiter row for a table of ``columns`` columns."""
    return "|" + "---|" * columns


@dataclass(frozen=True, slots=True)
class Fences:
    in_code: tuple[bool, ...]  # per line (0-based): a fence line or inside a fence
    unclosed: tuple[int, str] | None  # (1-based line, opener) of a fence never closed


def scan_fences(lines: Sequence[str]) -> Fences:
    """Mark fenced code the way CommonMark does: an unclosed fence runs to the end.

    Fences are recognised at any indentation because manuals put them inside list items; a
    fence is closed only by the same character, at least as long, with nothing after it.
    """
    in_code: list[bool] = []
    opener: tuple[int, str, str] | None = None
    for number, line in enumerate(lines, start=1):
        fence = _FENCE.match(line)
        if opener is not None:
            in_code.append(True)
            if (
                fence
                and fence["fence"][0] == opener[1][0]
                and len(fence["fence"]) >= len(opener[1])
                and not fence["info"].strip()
            ):
                opener = None
        elif fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
            in_code.append(True)
            opener = (number, fence["fence"], line.strip())
        else:
            in_code.append(False)
    return Fences(tuple(in_code), None if opener is None else (opener[0], opener[2]))


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[int, str], ...]  # (1-based line, text), header first

    @property
    def line(self) -> int:
        return self.rows[0][0]

    @property
    def header(self) -> list[str]:
        return split_row(self.rows[0][1])

    @property
    def has_separator(self) -> bool:
        return len(self.rows) > 1 and is_separator(self.rows[1][1])

    @property
    def data(self) -> tuple[tuple[int, str], ...]:
        return self.rows[2:] if self.has_separator else self.rows[1:]


def find_tables(lines: Sequence[str], in_code: Sequence[bool]) -> list[Table]:
    """Runs of consecutive lines starting with ``|`` outside code, as the spec writes tables.

    Pipe-less GFM tables are deliberately not recognised: the manual always uses leading pipes,
    so such a table shows up as "no table" instead of silently passing.
    """
    runs: list[list[tuple[int, str]]] = []
    previous = False
    for number, line in enumerate(lines, start=1):
        is_row = not in_code[number - 1] and line.lstrip().startswith("|")
        if is_row and previous:
            runs[-1].append((number, line))
        elif is_row:
            runs.append([(number, line)])
        previous = is_row
    return [Table(tuple(run)) for run in runs]


def table_problems(table: Table) -> list[tuple[int, str]]:
    """``(line, problem)`` for anything that would make GitHub drop or shift the table."""
    problems: list[tuple[int, str]] = []
    width = len(table.header)
    problems.extend(
        (table.line, f"header cell {index} is empty")
        for index, cell in enumerate(table.header, start=1)
        if not cell
    )
    if not table.has_separator:
        line = table.rows[1][0] if len(table.rows) > 1 else table.line
        problems.append((line, "has no '|---|' separator row under its header"))
    elif (cells := len(split_row(table.rows[1][1]))) != width:
        problems.append((table.rows[1][0], f"separator row has {cells} cells, header has {width}"))
    for index, (line, text) in enumerate(table.data, start=1):
        if (cells := len(split_row(text))) != width:
            problems.append((line, f"row {index} has {cells} cells, header has {width}"))
    return problems
