"""Record what a real model answers, then replay it through the fake Messages API.

Why: the scripted responder (``tests.llm.realistic``) answers the way we expect a good model
to; realistic interviews need what a real one *does* return for multi-topic, rambling replies.
A cassette holds those answers, one JSON line each, keyed by the call kind (the output schema's
title) and by the part of the request that decides the answer:

- extraction: the fenced ``<reply>``;
- phrasing: the ``<questions>`` block;
- condensing: the fenced fields;
- inferring: the list of slots to propose values for.

Recording wraps the SDK's HTTP transport (``RecordingTransport``), so it works against the real
API (``ANTHROPIC_API_KEY`` set, nothing else changed) or against the fake. Replaying is
``fake.default_responder = Cassette.load(path).responder()``: the bot runs unchanged, through
the real SDK, with the strict fake checking every request. A request with no recorded answer
is answered 500 (not retried) naming the missing key, so the bot falls back and a test that
expects Claude's answers sees it.

    transport = RecordingTransport(httpx2.HTTPTransport(), cassette)
    sdk = anthropic.Anthropic(http_client=httpx2.Client(transport=transport))
    ... run interviews ...
    cassette.save(path)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from tests.fakes.anthropic_api import Step, http_error, reply_json
from tests.llm.realistic import block

JSON = dict[str, Any]
_ENCODING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_ANCHOR: dict[str, Callable[[str], str]] = {
    "ExtractionOut": lambda user: block(user, "reply"),
    "PhrasedQuestions": lambda user: block(user, "questions"),
    "Condensed": lambda user: user.split("Fields (", 1)[-1],
    "Proposals": lambda user: user.rsplit("Slots to propose values for:", 1)[-1],
}


def _user_text(body: JSON) -> str:
    """The first user message: the turn (a re-ask adds later messages, same key)."""
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    content = users[0].get("content") if users else ""
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict))
    return str(content or "")


def kind_of(body: JSON) -> str:
    fmt = (body.get("output_config") or {}).get("format") or {}
    return str((fmt.get("schema") or {}).get("title"))


def key_of(body: JSON) -> str:
    """(kind, digest of the anchor text, whitespace-normalised)."""
    kind = kind_of(body)
    anchor = _ANCHOR.get(kind, lambda user: user)(_user_text(body))
    digest = hashlib.sha256(" ".join(anchor.split()).encode()).hexdigest()[:16]
    return f"{kind}:{digest}"


@dataclass
class Cassette:
    answers: dict[str, JSON] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Cassette:
        answers = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                answers[entry["key"]] = entry["answer"]
        return cls(answers)

    def save(self, path: Path) -> None:
        lines = [
            json.dumps({"key": k, "answer": v}, sort_keys=True) for k, v in self.answers.items()
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def record(self, body: JSON, message: JSON) -> None:
        """Keep a 200 answer that ended normally (a truncated or refused one is no fixture)."""
        if message.get("stop_reason") != "end_turn":
            return
        text = "".join(
            b.get("text", "") for b in message.get("content") or [] if b.get("type") == "text"
        )
        try:
            self.answers[key_of(body)] = json.loads(text)
        except ValueError:
            return

    def responder(self) -> Callable[[JSON], Step]:
        def answer(body: JSON) -> Step:
            key = key_of(body)
            if key not in self.answers:
                self.missed.append(key)
                return http_error(500, message=f"no recorded answer for {key}", should_retry=False)
            return reply_json(self.answers[key])

        return answer


class RecordingTransport(httpx2.BaseTransport):
    """An httpx2 transport that passes requests on and records Messages API answers."""

    def __init__(self, inner: httpx2.BaseTransport, cassette: Cassette) -> None:
        self._inner = inner
        self._cassette = cassette

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self._inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/v1/messages"):
            content = response.read()
            if response.status_code == 200:
                self._cassette.record(json.loads(request.content), json.loads(content))
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in _ENCODING_HEADERS  # the body is already decoded
            ]
            return httpx2.Response(
                response.status_code, headers=headers, content=content, request=request
            )
        return response

    def close(self) -> None:
        self._inner.close()
