"""Sentence splitters inside the offline extractor, measured on the realistic conversations.

The issue asked to choose a well-kept splitter where it helps, by measured placement. This
runs every realistic conversation through the offline interview three times, with our own
splitter (``bot.rendering.clauses.sentences``), pysbd and syntok in its place, and prints the
core facts kept in the manual and placed in the right subsection side by side.

    pip install -e '.[bench]' && python -m bench.bench_splitters
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bot.extraction.offline.segment as segment
from bench.bench_realistic import _offline, run_one
from bench.realistic import load_all

Splitter = Callable[[str], list[str]]


def _pysbd() -> Splitter:
    import pysbd

    splitter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in splitter.segment(text) if s.strip()]


def _syntok() -> Splitter:
    import syntok.segmenter as syntok

    def split(text: str) -> list[str]:
        out = []
        for paragraph in syntok.analyze(text):
            for sentence in paragraph:
                joined = "".join(t.spacing + t.value for t in sentence).strip()
                if joined:
                    out.append(joined)
        return out

    return split


def measure(name: str, splitter: Splitter) -> str:
    segment.sentences = splitter  # type: ignore[assignment]
    tuned, held = [0, 0, 0], [0, 0, 0]
    start = time.perf_counter()
    for conversation in load_all():
        score, _ = run_one(conversation, _offline, Path(tempfile.mkdtemp()), finish=True, tag=name)
        bucket = held if conversation.held_out else tuned
        bucket[0] += score.core_in_manual
        bucket[1] += score.core_in_section
        bucket[2] += score.core
    seconds = time.perf_counter() - start
    return (
        f"{name:<8} {tuned[0] / tuned[2]:>14.1%} {tuned[1] / tuned[2]:>10.1%} "
        f"{held[0] / held[2]:>16.1%} {held[1] / held[2]:>10.1%} {seconds:>8.1f}"
    )


def main() -> int:
    ours = segment.sentences
    candidates: list[tuple[str, Splitter]] = [("ours", ours)]
    for name, build in (("pysbd", _pysbd), ("syntok", _syntok)):
        try:
            candidates.append((name, build()))
        except ImportError:
            print(f"{name} not installed (pip install -e '.[bench]'); skipped", file=sys.stderr)
    print("splitter  tuned: in manual   right  held out: in manual   right   seconds")
    try:
        for name, splitter in candidates:
            print(measure(name, splitter))
    finally:
        segment.sentences = ours
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
