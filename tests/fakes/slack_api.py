"""A local fake of the Slack Web API, for tests that drive the real ``slack_sdk`` clients.

Why a server and not mocks: the bot talks to Slack through ``slack_sdk.WebClient``, and the
bugs worth catching live on the wire — JSON vs form bodies, the three-step
``files_upload_v2`` flow, 429 ``Retry-After`` handling, tokens in headers. This fake speaks
that protocol on 127.0.0.1 (stdlib only), records every request, and can script failures.

Pseudo-methods: POSTs to an upload URL are recorded as ``"upload_url"`` and POSTs to a
slash-command response URL as ``"response_url"``; both can be targeted by ``fail_next``.

Posted messages keep their ``metadata`` and a completed upload shared to a channel becomes a
message carrying its file, so ``conversations.replies``/``history`` (``slack_history``) show
what a bot already posted. ``fail_after_accept`` scripts the one failure a client cannot
tell apart from a lost request: Slack did the work, and the answer never arrived.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes import slack_history
from tests.fakes.slack_errors import ApiError, require
from tests.fakes.slack_faults import FaultScript
from tests.fakes.slack_files import Uploads

UPLOAD_URL = "upload_url"
RESPONSE_URL = "response_url"
_Json = dict[str, Any]


@dataclass(frozen=True)
class RecordedCall:
    """One request as the fake received it. ``headers`` keys are lower-cased because urllib
    sends odd casings such as ``Content-type``; ``params`` merges query, form and JSON."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    token: str | None
    time: float
    body: bytes = b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._handle(self)

    def do_GET(self) -> None:  # slack_sdk reads conversations.* with GET and a query string
        self.server.fake._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep pytest output clean; the recorded calls are the log."""


def _parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise ValueError("JSON body must be an object")
        params.update(loaded)
    elif kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return params


def _metadata(raw: Any) -> _Json:
    """Slack's message metadata: an ``event_type`` name and an ``event_payload`` object."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise ApiError("invalid_metadata_format") from exc
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not value["event_type"].replace("_", "").isalnum()
        or not isinstance(value.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


class FakeSlack(FaultScript, Uploads):
    """In-process fake Slack: ``with FakeSlack() as fake: WebClient(base_url=fake.base_url)``."""

    def __init__(
        self, *, bot_user_id: str = "UBOT", team_id: str = "T0001", bot_id: str = "BBOT"
    ) -> None:
        FaultScript.__init__(self)
        Uploads.__init__(self)
        self.bot_user_id, self.team_id, self.bot_id = bot_user_id, team_id, bot_id
        self._lock = threading.RLock()
        self._calls: list[RecordedCall] = []
        self._messages: dict[tuple[str, str], _Json] = {}
        self._response_ids: set[str] = set()
        self._default_response_id = uuid.uuid4().hex
        self._response_ids.add(self._default_response_id)
        self._seq = 0
        self._last_ts_micros = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._endpoints: dict[str, Callable[[dict[str, Any]], _Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "conversations.info": self._conversations_info,
            "conversations.replies": lambda params: slack_history.replies(self._messages, params),
            "conversations.history": lambda params: slack_history.history(self._messages, params),
            "users.info": self._users_info,
        }

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FakeSlack:
        """Bind an ephemeral port on 127.0.0.1 and serve from a daemon thread."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``; the trailing slash matters (urljoin)."""
        return f"{self.root_url}/api/"

    @property
    def response_url(self) -> str:
        return f"{self.root_url}/response/{self._default_response_id}"

    def new_response_url(self) -> str:
        """A fresh response URL, so tests can tell which slash command a reply belongs to."""
        response_id = uuid.uuid4().hex
        with self._lock:
            self._response_ids.add(response_id)
        return f"{self.root_url}/response/{response_id}"

    # ------------------------------------------------------------ test helpers
    @property
    def calls(self) -> list[RecordedCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def messages_in(self, channel: str, thread_ts: str | None = None) -> list[_Json]:
        """What a person sees: a channel's top-level messages, or one thread, oldest first."""
        with self._lock:
            found = [
                m
                for (ch, ts), m in self._messages.items()
                if ch == channel
                and (
                    m.get("thread_ts") in (None, ts)
                    if thread_ts is None
                    else m.get("thread_ts") == thread_ts and ts != thread_ts
                )
            ]
        return sorted(found, key=lambda m: float(m["ts"]))

    def wait_for(self, predicate: Callable[[], bool], *, timeout: float = 10.0) -> None:
        """Poll until ``predicate()`` holds; for assertions on work done by background threads."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s; {self._summary()}")
            time.sleep(0.02)

    def _summary(self) -> str:
        lines = [
            f"  {i}: {c.method} {json.dumps(c.params, default=str)[:200]}"
            for i, c in enumerate(self.calls)
        ]
        return f"{len(lines)} recorded calls:\n" + "\n".join(lines)

    # ---------------------------------------------------------------- dispatch
    def _handle(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in handler.headers.items()}
        content_type = headers.get("content-type", "")
        kind, _, rest = url.path.lstrip("/").partition("/")
        method = {"api": rest, "upload": UPLOAD_URL, "response": RESPONSE_URL}.get(kind, url.path)
        try:
            # Upload bodies are raw bytes even though urllib labels them form-urlencoded.
            parsed = _parse_params(url.query, content_type, body if kind != "upload" else b"")
        except ValueError:
            parsed = None
        params = parsed if parsed is not None else dict(parse_qsl(url.query))
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("token")
        with self._lock:
            self._calls.append(RecordedCall(method, params, headers, token, time.monotonic(), body))
            failure = self._take_failure(method)
        if failure is not None:
            retry = failure.retry_after
            extra = {"Retry-After": str(retry)} if retry is not None else {}
            self._send(handler, failure.status, {"ok": False, "error": failure.error}, extra)
        elif kind == "api":
            answer = self._api(method, parsed, token)
            fault = self._take_after_accept(method) if answer.get("ok") else None
            if fault is None:
                self._send(handler, 200, answer)
            else:
                if fault.hook is not None:
                    fault.hook(self.calls[-1], answer)
                if fault.status is None:
                    handler.close_connection = True  # no status line: the answer is lost
                else:
                    self._send(handler, fault.status, {"ok": False, "error": "internal_error"})
        elif kind == "upload":
            self._send(handler, *self._receive_upload(rest, content_type, body))
        elif kind == "response":
            known = rest in self._response_ids
            self._send(handler, 200 if known else 404, "ok" if known else "no_service")
        else:
            self._send(handler, 404, "Not Found")

    def _api(self, method: str, params: dict[str, Any] | None, token: str | None) -> _Json:
        endpoint = self._endpoints.get(method)
        try:
            if endpoint is None:
                raise ApiError("unknown_method")
            if params is None:
                raise ApiError("invalid_json")
            if not token:
                raise ApiError("not_authed")
            if not token.startswith("xoxb-"):
                raise ApiError("invalid_auth")
            with self._lock:
                return {"ok": True, **endpoint(params)}
        except ApiError as exc:
            result: _Json = {"ok": False, "error": exc.error}
            if exc.detail:
                result["response_metadata"] = {"messages": [exc.detail]}
            return result

    @staticmethod
    def _send(
        handler: _Handler, status: int, payload: _Json | str, extra: dict[str, str] | None = None
    ) -> None:
        """JSON for API replies; plain text for upload and response URLs, as Slack does."""
        is_json = isinstance(payload, dict)
        data = (json.dumps(payload) if is_json else str(payload)).encode()
        handler.send_response(status)
        handler.send_header(
            "Content-Type", f"{'application/json' if is_json else 'text/plain'}; charset=utf-8"
        )
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    # --------------------------------------------------------------- endpoints
    def _next_ts(self) -> str:
        """Wall-clock and strictly increasing, like Slack's (``oldest`` compares to it)."""
        micros = max(int(time.time() * 1_000_000), self._last_ts_micros + 100)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _auth_test(self, params: dict[str, Any]) -> _Json:
        return {
            "url": "https://fake-workspace.slack.com/",
            "team": "Fake Workspace",
            "user": "opsmanual",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _message(self, params: dict[str, Any], ts: str) -> _Json:
        if not params.get("channel"):
            raise ApiError("channel_not_found")
        if not params.get("text") and not params.get("blocks"):
            raise ApiError("no_text")
        message: _Json = {
            "type": "message",
            "text": params.get("text", ""),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "ts": ts,
        }
        for key in ("blocks", "thread_ts"):
            if params.get(key):
                message[key] = params[key]
        if params.get("metadata"):
            message["metadata"] = _metadata(params["metadata"])
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> _Json:
        message = self._message(params, self._next_ts())
        self._messages[(params["channel"], message["ts"])] = message
        return {"channel": params["channel"], "ts": message["ts"], "message": message}

    def _chat_update(self, params: dict[str, Any]) -> _Json:
        key = (str(params.get("channel", "")), str(params.get("ts", "")))
        if key not in self._messages:
            raise ApiError("message_not_found")
        message = {**self._messages[key], **self._message(params, key[1])}
        self._messages[key] = message
        return {"channel": key[0], "ts": key[1], "text": message["text"], "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> _Json:
        if not params.get("user"):
            raise ApiError("user_not_in_channel")
        return {"message_ts": self._message(params, self._next_ts())["ts"]}

    def _conversations_info(self, params: dict[str, Any]) -> _Json:
        require(params, "channel")
        channel = str(params["channel"])
        return {"channel": {"id": channel, "name": channel.lower(), "is_member": True}}

    def _users_info(self, params: dict[str, Any]) -> _Json:
        require(params, "user")
        user, is_bot = str(params["user"]), params["user"] == self.bot_user_id
        profile = {"display_name": user.lower(), "real_name": user.lower().title()}
        return {"user": {"id": user, "name": user.lower(), "is_bot": is_bot, "profile": profile}}
