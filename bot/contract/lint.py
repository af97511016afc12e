"""The single definition of "a finished operations manual".

The renderer (before it hands a manual over), the test-suite and ``opsmanual lint FILE.md`` all
call :func:`lint_manual`, so the rules cannot drift apart. It is a pure function of the text:
standard library plus :mod:`bot.core.outline` (headings, table columns) and
:mod:`bot.contract.mdtable` (the fence and cell parsing the renderer shares).

Words: a word is a whitespace-separated token containing at least one letter or digit
(``str.isalnum`` on any character, so every script counts). Markdown punctuation on its own --
``|``, ``#``, ``---``, ``*``, ``-``, ``|---|`` -- is not a word, and ``**Daily**:`` is one word.
Scripts written without spaces (Chinese, Japanese) count one word per space-separated run.

Rule ids: title, header-line, section-order, missing-section, missing-subsection,
subsection-order, extra-section, word-count, placeholder, table, empty-section, code-fence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.contract.mdtable import find_tables, is_separator, scan_fences, split_row, table_problems
from bot.contract.outline_check import Part, check_structure, find_headings, label_at
from bot.core.outline import MAX_WORDS, TITLE_PREFIX

__all__ = ["LintReport", "Violation", "count_words", "find_placeholders", "lint_manual"]

_HEADER = re.compile(r"^\*(?!\*)(?P<body>.*?)(?<!\*)\*$")
_VERSION = re.compile(r"Version \d+(?:\.\d+)?")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_HUMAN_DATES = ("%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%b %d %Y", "%B %Y")
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a"})
# Curly placeholders are braces around prose ({Component 1}, {service_name}, {Daily/Weekly}).
# Quotes, colons, dots and a leading "$" never qualify, so JSON and ${VAR} pass; a brace right
# after "/" is a path parameter (`DELETE /users/{id}`), not a template gap.
_PLACEHOLDER = re.compile(
    r"(?<![{$%#@\\/])\{[ \t]*[^\W\d_][\w \t/&()'-]{0,118}\}(?!\})"
    r"|(?i:<\s*(?:placeholder|insert|your|tbd|todo)(?:[\s_-][^<>\n]*)?>)"
    r"|(?i:\[\s*insert\b[^\]\n]*\])"
    r"|\b(?:TODO|XXX)\b"
    r"|(?i:\b(?:tbd|tbc|fixme)\b)"
    r"|(?i:\blorem\s+ipsum\b)"
    r"|\?{3,}"
)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    line: int  # 1-based; 0 when the problem belongs to the whole document
    message: str


@dataclass(frozen=True, slots=True)
class LintReport:
    violations: tuple[Violation, ...]
    word_count: int

    @property
    def ok(self) -> bool:
        return not self.violations

    def format(self, *, path: str | None = None) -> str:
        """Compiler-style ``path:line: [rule] message`` lines so editors can jump to them."""
        name = path if path is not None else "manual"
        out = [
            f"{name}:{v.line}: [{v.rule}] {v.message}"
            if v.line
            else f"{name}: [{v.rule}] {v.message}"
            for v in self.violations
        ]
        if self.ok:
            return f"OK: {self.word_count} words"
        noun = "problem" if len(self.violations) == 1 else "problems"
        return "\n".join([*out, f"FAILED: {len(self.violations)} {noun}, {self.word_count} words"])


# ``[^\W_]`` is exactly ``str.isalnum`` (re's \w is isalnum or "_"), so one regex pass finds
# each whitespace-separated token that holds a letter or digit: about 5x faster than a loop.
_WORD_TOKEN = re.compile(r"\S*[^\W_]\S*")


def count_words(markdown: str) -> int:
    """Words as the spec's "≤ 800 words" means them: what a reader reads, not the markup.

    A word is a whitespace-separated token with at least one letter or digit in it
    (``str.isalnum`` on any character). Table pipes, ``#``, ``---``, ``*``, bullets and emoji
    alone are not words; ``**Daily**:`` is one; unspaced CJK text is one word per run.
    """
    return len(_WORD_TOKEN.findall(markdown))


def find_placeholders(text: str) -> list[tuple[int, str]]:
    """Every template leftover in ``text`` as ``(line, matched text)``, in reading order.

    Shared with the renderer so it refuses exactly what the linter would reject. Curly and
    keyword placeholders are searched inside code fences too (the spec's diagnostic commands
    carry ``{service_name}``); "N/A" only counts as a whole table cell, bullet value or line,
    since "NA" inside a sentence is not a gap in the manual.
    """
    lines = text.splitlines()
    in_code = scan_fences(lines).in_code
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        found.extend((number, match.group()) for match in _PLACEHOLDER.finditer(line))
        if not in_code[number - 1]:
            found.extend((number, value) for value in _not_applicable(line))
    return found


def lint_manual(markdown: str, *, max_words: int = MAX_WORDS) -> LintReport:
    """Check ``markdown`` against every rule; no violations means the manual may ship."""
    text = markdown.removeprefix("\ufeff")
    lines = text.splitlines()
    fences = scan_fences(lines)
    headings = find_headings(lines, fences.in_code)
    out = _Found()
    title_line = _check_head(lines, out)
    parts = check_structure(headings, title_line, len(lines), out.add)
    heading_lines = {h.line for h in headings}
    for part in parts:
        body = (lines[n - 1] for n in range(part.line + 1, part.end) if n not in heading_lines)
        if count_words("\n".join(body)) == 0:
            out.add("empty-section", part.line, f"{part.label} has no content under its heading")
    _check_tables(lines, fences.in_code, parts, out)
    for line, found in find_placeholders(text):
        where = f" in {label}" if (label := label_at(parts, line)) else ""
        out.add("placeholder", line, f"placeholder '{found}'{where}; write the real value")
    words = count_words(text)
    if words > max_words:
        cut = f"cut at least {words - max_words}"
        out.add("word-count", 0, f"manual has {words} words, limit is {max_words} ({cut})")
    if fences.unclosed is not None:
        line, opener = fences.unclosed
        out.add("code-fence", line, f"'{opener}' is never closed; all after it renders as code")
    return LintReport(tuple(sorted(out, key=lambda v: v.line)), words)


class _Found(list[Violation]):
    def add(self, rule: str, line: int, message: str) -> None:
        self.append(Violation(rule, line, message))


def _check_head(lines: Sequence[str], out: _Found) -> int:
    """Check title and header line; returns the title's line so it is not an extra heading."""
    filled = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not filled:
        out.add("title", 0, f"document is empty; expected '{TITLE_PREFIX}<name>'")
        return 0
    first_line, first = filled[0]
    if first == "#" or first.startswith("# "):
        if not (first + " ").startswith(TITLE_PREFIX):
            out.add("title", first_line, f"title must start '{TITLE_PREFIX}', not '{_clip(first)}'")
        elif not first[len(TITLE_PREFIX) :].strip(" #"):
            out.add("title", first_line, "title has no project name after 'Operations Manual:'")
        header, title_line = (filled[1] if len(filled) > 1 else None), first_line
    else:
        fenced = " (do not wrap the manual in a code fence)" if first[:3] in ("```", "~~~") else ""
        msg = f"first line must be '{TITLE_PREFIX}<name>', found '{_clip(first)}'{fenced}"
        out.add("title", first_line, msg)
        header, title_line = filled[0], 0
    if header is None:
        out.add("header-line", first_line + 1, "missing '*Version N · date · team*' after title")
        return title_line
    line, text = header
    match = _HEADER.match(text)
    parts = [part.strip() for part in match["body"].split("·")] if match else []
    if len(parts) != 3:
        out.add(
            "header-line",
            line,
            f"expected '*Version 1.0 · YYYY-MM-DD · Team*' here, found '{_clip(text)}'",
        )
        return title_line
    version, when, team = parts
    if not _VERSION.fullmatch(version):
        out.add("header-line", line, f"'{version}' is not 'Version N' or 'Version N.M'")
    if not _is_date(when):
        out.add("header-line", line, f"'{when}' is not a date; use YYYY-MM-DD or '14 March 2025'")
    if not team:
        out.add("header-line", line, "header line has no team name")
    return title_line


def _is_date(text: str) -> bool:
    """ISO dates are validated for real (no 2025-02-30); a few spelled-out forms are accepted."""
    candidates = [("%Y-%m-%d", text)] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else []
    candidates += [(pattern, _ORDINAL.sub(r"\1", text)) for pattern in _HUMAN_DATES]
    for pattern, value in candidates:
        try:
            datetime.strptime(value, pattern)
        except ValueError:
            continue
        return True
    return False


def _check_tables(
    lines: Sequence[str], in_code: Sequence[bool], parts: Sequence[Part], out: _Found
) -> None:
    tables = find_tables(lines, in_code)
    for table in tables:
        label = label_at(parts, table.line)
        where = f"{label}: table" if label else f"table at line {table.line}"
        for line, problem in table_problems(table):
            out.add("table", line, f"{where} {problem}")
    for part in parts:
        if not (columns := part.sub.table_columns):
            continue
        expected = " | ".join(columns)
        first = next((t for t in tables if part.line < t.line < part.end), None)
        if first is None:
            out.add("table", part.line, f"{part.label}: no table; expected columns '{expected}'")
        elif tuple(first.header) != columns:
            found = " | ".join(first.header)
            msg = f"{part.label}: table header is '{found}', expected '{expected}'"
            out.add("table", first.line, msg)
        elif not first.data:
            out.add("table", first.line, f"{part.label}: table has no data rows")


def _not_applicable(line: str) -> list[str]:
    """Whole cells, bullet values or lines saying "N/A": answers nobody gave."""
    stripped = line.strip()
    if stripped.startswith("|"):
        cells = [] if is_separator(stripped) else split_row(stripped)
        return [cell for cell in cells if _is_na(cell)]
    item = _LIST_MARKER.sub("", stripped, count=1)
    candidates = [item, item.split(":", 1)[1]] if ":" in item else [item]
    return [value.strip(" *_`") for value in candidates if _is_na(value)][:1]


def _is_na(value: str) -> bool:
    return value.strip(" *_`").rstrip(".").casefold() in _NOT_APPLICABLE


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
