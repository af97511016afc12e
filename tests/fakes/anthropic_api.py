"""A local fake of the Anthropic Messages API, for tests and benchmarks.

Why a server and not a mock: the bot talks to Claude through the real `anthropic` SDK, whose
retry policy, timeouts, error classes and response parsing are part of what we test. Pointing
a real `anthropic.Anthropic(base_url=fake.base_url)` here exercises all of that, and lets a
test script the failures (429, 529, timeouts, dropped connections) the real API produces only
now and then. Bodies follow what the SDK parses (`types/message.py`, `types/usage.py`, the
`{"type": "error", "error": {...}, "request_id": ...}` error shape, the `request-id` header).

It is strict where the real API is (`anthropic_rules`): a model id the SDK does not list is a
404; thinking and effort are checked per model; output schemas must follow every
structured-output rule. A model that thinks (the 5.x models do by default) answers with a
thinking block first, and its thinking tokens count toward `max_tokens`: a request that leaves
no room for them ends at `max_tokens` with the answer cut, as it would for real. Prompt caching
is accounted per prefix, with `output_config` in the cache key and entries that expire after
their TTL (5 minutes or an hour, on the fake's own clock: `advance()` moves it).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.fakes.anthropic_cache import PromptCache, cache_control_problem, segments, tokens
from tests.fakes.anthropic_rules import (
    Rejection,
    ThinkingPlan,
    check_model,
    schema_problem,
    thinking_plan,
)

JSON = dict[str, Any]
# Thinking tokens the fake model spends at each effort (real models vary; these are typical).
THINKING_TOKENS = {"low": 300, "medium": 1_500, "high": 6_000, "xhigh": 12_000, "max": 24_000}


@dataclass(frozen=True)
class Reply:
    """A 200 message. Usage figures left as None are computed from the request; so are the
    thinking tokens (from the model's rules and the request's thinking and effort)."""

    content: tuple[JSON, ...]
    stop_reason: str = "end_turn"
    stop_details: JSON | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None
    thinking_tokens: int | None = None


@dataclass(frozen=True)
class HttpError:
    """An error response in the API's shape; `should_retry` sets the `x-should-retry` header."""

    status: int
    error_type: str
    message: str
    retry_after: float | None = None
    should_retry: bool | None = None


@dataclass(frozen=True)
class Delay:
    """Answer with `then` after `seconds`, to provoke client-side timeouts."""

    seconds: float
    then: Step


@dataclass(frozen=True)
class Disconnect:
    """Close the connection without any response (the SDK raises APIConnectionError)."""


Step = Reply | HttpError | Delay | Disconnect

_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error"}
_ERROR_TYPES |= {403: "permission_error", 404: "not_found_error", 413: "request_too_large"}
_ERROR_TYPES |= {429: "rate_limit_error", 504: "timeout_error", 529: "overloaded_error"}


def reply_json(
    obj: object,
    *,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    cache_read: int | None = None,
    cache_write: int | None = None,
) -> Reply:
    """The usual extraction answer: one text block holding `json.dumps(obj)`."""
    block = {"type": "text", "text": json.dumps(obj)}
    return Reply((block,), "end_turn", None, input_tokens, output_tokens, cache_read, cache_write)


def reply_text(text: str, stop_reason: str = "end_turn") -> Reply:
    return Reply(({"type": "text", "text": text},), stop_reason)


def truncated(partial_text: str) -> Reply:
    """Output cut off at max_tokens; output_tokens then equals the request's max_tokens."""
    return reply_text(partial_text, "max_tokens")


def refusal(text: str = "", *, category: str | None = None) -> Reply:
    """A safety refusal, with the `stop_details` object that 2.14 parses."""
    content = ({"type": "text", "text": text},) if text else ()
    return Reply(content, "refusal", {"type": "refusal", "category": category, "explanation": None})


def invalid_json() -> Reply:
    """What a model sometimes does despite instructions: prose around half an object."""
    return reply_text('Sure! Here are the facts: {"facts": [')


def http_error(
    status: int,
    *,
    retry_after: float | None = None,
    error_type: str | None = None,
    message: str | None = None,
    should_retry: bool | None = None,
) -> HttpError:
    """The SDK honours `retry_after` > 0; 0 falls back to its own backoff (about 0.5 s)."""
    kind = error_type or _ERROR_TYPES.get(status, "api_error" if status >= 500 else "error")
    return HttpError(status, kind, message or f"fake {kind}", retry_after, should_retry)


def delay(seconds: float, then: Step | None = None) -> Delay:
    return Delay(seconds, then if then is not None else reply_json({}))


def disconnect() -> Disconnect:
    return Disconnect()


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    blocks = content if isinstance(content, list) else []
    return "\n".join(b["text"] for b in blocks if isinstance(b, dict) and b.get("type") == "text")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received; `status` is what the fake answered (None: it hung up)."""

    path: str
    body: JSON
    headers: dict[str, str]  # names lower-cased
    time: float
    status: int | None

    @property
    def model(self) -> str | None:
        model = self.body.get("model")
        return model if isinstance(model, str) else None

    @property
    def system_text(self) -> str:
        """Top-level `system`, then any role "system" messages (2.14 allows those too)."""
        extra = [m for m in self.body.get("messages") or [] if m.get("role") == "system"]
        texts = [_text_of(self.body.get("system"))] + [_text_of(m.get("content")) for m in extra]
        return "\n".join(t for t in texts if t)

    @property
    def user_text(self) -> str:
        users = [m for m in self.body.get("messages") or [] if m.get("role") == "user"]
        return _text_of(users[-1].get("content")) if users else ""

    @property
    def has_cache_control(self) -> bool:
        return "cache_control" in self.body or any(s[2] for s in segments(self.body))

    @property
    def output_schema(self) -> JSON | None:
        fmt = (self.body.get("output_config") or {}).get("format") or {}
        return fmt.get("schema") if fmt.get("type") == "json_schema" else None


def _request_id() -> str:
    return f"req_fake_{uuid.uuid4().hex[:20]}"


def _error_body(error_type: str, message: str, request_id: str) -> JSON:
    error = {"type": error_type, "message": message}
    return {"type": "error", "error": error, "request_id": request_id}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler sleeping in a Delay must never block stop()
    fake: FakeAnthropic

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or hang up are expected in these tests: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive like the real API, so pooled sockets get reused
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log."""

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = None
        self.server.fake._handle(self, self.path.split("?")[0], body)

    def send_json(self, status: int, obj: JSON, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        request_id = str(obj.get("request_id") or _request_id())
        extra = {"request-id": request_id, **(headers or {})}
        for name, value in {"content-type": "application/json", **extra}.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(data)

    def hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FakeAnthropic:
    """The fake API server; use as a context manager and point the SDK at `base_url`.

    `min_cacheable_tokens` mimics the API's minimum cacheable prefix (0 by default, so small
    test prompts cache); `strict_schemas` rejects output schemas the real API rejects;
    `thinking_tokens` is what the model thinks at each effort when it thinks.
    """

    def __init__(self, *, api_key: str = "sk-ant-test-key") -> None:
        self.api_key = api_key
        self.base_url = ""
        self.default_responder: Callable[[JSON], Step] | None = None
        self.strict_schemas = True
        self.thinking_tokens = dict(THINKING_TOKENS)
        self.requests: list[RecordedRequest] = []  # POST /v1/messages, valid or not
        self.count_token_requests: list[RecordedRequest] = []
        self._queue: deque[Step] = deque()
        self._clock_offset = 0.0
        self.cache = PromptCache(clock=self.now)
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakeAnthropic:
        self._stopping.clear()
        self._server = server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a Delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def script(self, *steps: Step) -> None:
        """Queue the answers to the next valid requests, used in order."""
        with self._cond:
            self._queue.extend(steps)

    @property
    def pending_steps(self) -> int:
        """Scripted answers not used yet: lets a test check the client asked as often as planned."""
        with self._cond:
            return len(self._queue)

    @property
    def min_cacheable_tokens(self) -> int:
        """The API's minimum cacheable prefix (0 by default, so small test prompts cache)."""
        return self.cache.min_cacheable_tokens

    @min_cacheable_tokens.setter
    def min_cacheable_tokens(self, value: int) -> None:
        self.cache.min_cacheable_tokens = value

    def now(self) -> float:
        """The fake's clock: monotonic time plus whatever `advance` added."""
        return time.monotonic() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock on, so cached prefixes can expire without waiting."""
        with self._cond:
            self._clock_offset += seconds

    def wait_for_requests(self, n: int, *, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(f"expected {n} requests, got {len(self.requests)}")

    # -- request handling, on the server's handler threads --

    def _handle(self, handler: _Handler, path: str, body: object) -> None:
        if path not in ("/v1/messages", "/v1/messages/count_tokens"):
            error = _error_body("not_found_error", f"{path}: not found", _request_id())
            return handler.send_json(404, error)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        data: JSON = body if isinstance(body, dict) else {}
        # invalid requests are answered here and don't use up the script
        step: Step | None = self._check(path, headers, body)
        if step is None and path == "/v1/messages":
            step = self._next_step(data)
        final = step
        while isinstance(final, Delay):
            final = final.then
        status = None if isinstance(final, Disconnect) else getattr(final, "status", 200)
        with self._cond:
            log = self.requests if path == "/v1/messages" else self.count_token_requests
            log.append(RecordedRequest(path, data, headers, time.time(), status))
            self._cond.notify_all()
        if step is None:  # a valid count_tokens request
            count = tokens(sum(s[1] for s in segments(data)))
            return handler.send_json(200, {"input_tokens": count})
        return self._answer(handler, step, data)

    def _check(self, path: str, headers: dict[str, str], body: object) -> HttpError | None:
        """Reject what the real API rejects, with its status codes and error types."""
        auth = headers.get("authorization", "")  # 2.14 sends api_key as a Bearer token
        key = headers.get("x-api-key") or (auth[7:] if auth.lower().startswith("bearer ") else "")
        if key != self.api_key:
            return http_error(401, message="invalid x-api-key" if key else "no API key given")
        if not headers.get("anthropic-version"):
            return http_error(400, message="anthropic-version: header is required")
        if not isinstance(body, dict):
            return http_error(400, message="The request body is not valid JSON.")
        creating = path == "/v1/messages"
        for name in ("model", "messages", "max_tokens") if creating else ("model", "messages"):
            if name not in body:
                return http_error(400, message=f"{name}: Field required")
        if creating and (not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1):
            return http_error(400, message="max_tokens: must be an integer >= 1")
        if creating and body.get("stream"):
            return http_error(400, message="stream: the fake does not implement streaming")
        if not isinstance(body["messages"], list) or not body["messages"]:
            return http_error(400, message="messages: at least one message is required")
        forced = (body.get("tool_choice") or {}).get("type")
        if forced in ("any", "tool"):
            msg = f"tool_choice: forced tool use (type {forced!r}) is not supported by this model"
            return http_error(400, message=msg + "; use tool_choice auto or output_config.format")
        fmt = (body.get("output_config") or {}).get("format")
        if fmt is not None and (fmt.get("type") != "json_schema" or "schema" not in fmt):
            return http_error(400, message="output_config.format: expected a json_schema format")
        if fmt is not None and self.strict_schemas and (bad := schema_problem(fmt["schema"])):
            return http_error(400, message=f"output_config.format.{bad}")
        if (rejected := check_model(body)) is not None:
            return _as_error(rejected)
        problem = cache_control_problem(body)
        return http_error(400, message=problem) if problem else None

    def _next_step(self, body: JSON) -> Step:
        with self._cond:
            if self._queue:
                return self._queue.popleft()
        if self.default_responder is None:
            return reply_json({})
        try:
            return self.default_responder(body)
        except Exception as exc:  # show responder bugs to the test, and don't let the SDK retry
            msg = f"fake default_responder failed: {exc!r}"
            return http_error(500, message=msg, should_retry=False)

    def _answer(self, handler: _Handler, step: Step, body: JSON) -> None:
        if isinstance(step, Delay):
            if self._stopping.wait(step.seconds):
                return handler.hang_up()
            return self._answer(handler, step.then, body)
        if isinstance(step, Disconnect):
            return handler.hang_up()
        if isinstance(step, Reply):
            return handler.send_json(200, self._message(step, body))
        headers: dict[str, str] = {}
        if step.retry_after is not None:  # the SDK reads retry-after-ms first
            headers["retry-after"] = f"{step.retry_after:g}"
            headers["retry-after-ms"] = str(round(step.retry_after * 1000))
        if step.should_retry is not None:
            headers["x-should-retry"] = str(step.should_retry).lower()
        body_out = _error_body(step.error_type, step.message, _request_id())
        return handler.send_json(step.status, body_out, headers)

    def _message(self, reply: Reply, body: JSON) -> JSON:
        tokens_in, read, write, ttl = self.cache.usage(body)
        content, stop, out = self._think(reply, body, thinking_plan(body))
        write = write if reply.cache_write is None else reply.cache_write
        usage = {
            "input_tokens": tokens_in if reply.input_tokens is None else reply.input_tokens,
            "output_tokens": out if reply.output_tokens is None else reply.output_tokens,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read if reply.cache_read is None else reply.cache_read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": 0 if ttl == "1h" else write,
                "ephemeral_1h_input_tokens": write if ttl == "1h" else 0,
            },
            "service_tier": "standard",
        }
        return {
            "id": f"msg_fake_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "stop_details": reply.stop_details,
            "usage": usage,
        }

    def _think(self, reply: Reply, body: JSON, plan: ThinkingPlan) -> tuple[list[JSON], str, int]:
        """(content, stop_reason, output tokens): thinking first, and within `max_tokens`."""
        content, stop = list(reply.content), reply.stop_reason
        limit = int(body["max_tokens"])
        answer = tokens(sum(len(str(b.get("text", ""))) for b in content)) or 1
        if stop == "max_tokens":  # a scripted truncation: the answer used up the whole budget
            return content, stop, limit
        thinking = reply.thinking_tokens
        if thinking is None:
            thinking = self.thinking_tokens.get(plan.effort, 0) if plan.thinks else 0
            thinking = min(thinking, plan.budget) if plan.budget else thinking
        if not thinking:
            return content, stop, answer
        summary = "" if plan.display == "omitted" else "(the fake model thought about it)"
        block = {"type": "thinking", "thinking": summary, "signature": f"sig_{uuid.uuid4().hex}"}
        if thinking >= limit:
            return [block], "max_tokens", limit
        if thinking + answer > limit:
            room = (limit - thinking) * 4
            cut = [{**b, "text": str(b.get("text", ""))[:room]} for b in content[:1]]
            return [block, *cut], "max_tokens", limit
        return [block, *content], stop, thinking + answer


def _as_error(rejection: Rejection) -> HttpError:
    return HttpError(rejection.status, rejection.error_type, rejection.message)
