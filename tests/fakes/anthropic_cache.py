"""Prompt caching as the Messages API accounts it, for the fake server.

A breakpoint (``cache_control`` on a block, or a top-level one on the last block) stores the
prefix ending there for its TTL (``5m`` or ``1h``; a read refreshes it); a request reads the
longest live prefix ending at, or up to 20 blocks before, one of its breakpoints. The model and
the whole ``output_config`` (schema and effort) are part of the key, as the API's output schema
is part of its prefix. Prefixes below ``min_cacheable_tokens`` are never stored. Tokens are
counted as characters / 4: the fake has no tokenizer.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}


def tokens(chars: int) -> int:
    return max(1, chars // 4) if chars else 0


def segments(body: JSON) -> list[tuple[str, int, Any]]:
    """The prompt in cache order (tools, system, messages) as (identity, chars, cache_control)."""
    out: list[tuple[str, int, Any]] = []
    system, blocks = body.get("system"), [("tool", t) for t in body.get("tools") or []]
    blocks += [("system", b) for b in ([system] if isinstance(system, str) else system or [])]
    for msg in body.get("messages") or []:
        content = msg.get("content") if isinstance(msg, dict) else None
        items = [content] if isinstance(content, str) else content or []
        blocks += [(str(msg.get("role")), b) for b in items]
    for where, raw in blocks:
        block = raw if isinstance(raw, dict) else {"type": "text", "text": str(raw)}
        rest = {k: v for k, v in block.items() if k != "cache_control"}
        ident = json.dumps([where, rest], sort_keys=True)
        size = len(rest["text"]) if isinstance(rest.get("text"), str) else len(ident)
        out.append((ident, size, block.get("cache_control")))
    return out


def ttl_of(control: object) -> str:
    return str((control if isinstance(control, dict) else {}).get("ttl") or "5m")


def cache_control_problem(body: JSON) -> str | None:
    """At most four breakpoints, TTLs of 5m or 1h, and no 1h entry after a 5m one."""
    controls = [s[2] for s in segments(body) if s[2]]
    if isinstance(body.get("cache_control"), dict):
        controls.append(body["cache_control"])
    if len(controls) > 4:
        return "A maximum of 4 blocks with cache_control may be provided"
    ttls = [ttl_of(c) for c in controls]
    if any(t not in TTL_SECONDS for t in ttls):
        return "cache_control.ttl: must be '5m' or '1h'"
    if "1h" in ttls and "5m" in ttls[: len(ttls) - ttls[::-1].index("1h")]:
        return "cache_control: a ttl='1h' entry must not come after a ttl='5m' entry"
    return None


class PromptCache:
    """The cached prefixes of one fake server, on its clock."""

    def __init__(self, *, clock: Callable[[], float]) -> None:
        self.min_cacheable_tokens = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, float]] = {}  # hash -> (expires, ttl seconds)

    def usage(self, body: JSON) -> tuple[int, int, int, str]:
        """(input, cache_read, cache_write, ttl), accounted the way the API does it.

        A breakpoint stores the prefix ending at its block for its TTL (a read refreshes it);
        a request reads the longest live prefix ending at, or up to 20 blocks before, one of its
        breakpoints. A top-level `cache_control` (automatic caching) is a breakpoint on the last
        block. The model and the whole `output_config` (schema and effort) are part of the key.
        """
        segs = segments(body)
        points = [i for i, s in enumerate(segs) if s[2]]
        if isinstance(body.get("cache_control"), dict) and segs:
            points.append(len(segs) - 1)
        total_chars = sum(s[1] for s in segs)
        if not points:
            return tokens(total_chars), 0, 0, "5m"
        seed = json.dumps([body.get("model"), body.get("output_config")], sort_keys=True)
        running, chars, hashes, ends = hashlib.sha256(seed.encode()), 0, [], []
        for ident, size, _ in segs:
            running.update(ident.encode())
            chars += size
            hashes.append(running.hexdigest())
            ends.append(chars)  # prompt chars up to and including this block
        last, floor = max(points), self.min_cacheable_tokens
        ttls = {p: ttl_of(segs[p][2] or body.get("cache_control")) for p in points}
        lookback = {i for p in points for i in range(max(0, p - 19), p + 1)}
        with self._lock:
            now = self._clock()
            live = {h for h, (expires, _) in self._entries.items() if expires > now}
            hits = [i for i in lookback if hashes[i] in live]
            read_chars = ends[max(hits)] if hits else 0
            cached_chars = read_chars
            if hashes[last] not in live and tokens(ends[last]) >= floor:
                cached_chars = ends[last]
            for i in hits:  # a read refreshes the entry's lifetime
                _, seconds = self._entries[hashes[i]]
                self._entries[hashes[i]] = (now + seconds, seconds)
            for p in points:
                if tokens(ends[p]) >= floor and hashes[p] not in live:
                    seconds = TTL_SECONDS[ttls[p]]
                    self._entries[hashes[p]] = (now + seconds, seconds)
        read, cached = tokens(read_chars), tokens(cached_chars)
        return tokens(total_chars - cached_chars), read, cached - read, ttls[last]
