"""A local fake of the Slack Web API, for tests that drive the real ``slack_sdk`` clients.

Why a server and not mocks: the bot talks to Slack through ``slack_sdk.WebClient``, and the
bugs worth catching live on the wire — JSON vs form bodies, the three-step
``files_upload_v2`` flow, 429 ``Retry-After`` handling, tokens in headers. This fake speaks
that protocol on 127.0.0.1 (stdlib only), records every request, and can script failures.

Pseudo-methods: POSTs to an upload URL are recorded as ``"upload_url"`` and POSTs to a
slash-command response URL as ``"response_url"``; both can be targeted by ``fail_next``.
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


@dataclass(frozen=True)
class UploadedFile:
    """A file that went through all three upload steps (so it would be visible in Slack)."""

    file_id: str
    filename: str
    title: str
    content: str
    channel_id: str | None
    thread_ts: str | None
    initial_comment: str | None


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    remaining: int
    error: str


@dataclass
class _PendingUpload:
    filename: str
    data: bytes | None = None


class _ApiError(Exception):
    """Becomes Slack's ``{"ok": false, "error": ...}`` (HTTP 200, like the real API)."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
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


def _require(params: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if params.get(name) in (None, "")]
    if missing:
        raise _ApiError("invalid_arguments", f"[ERROR] missing required field: {missing[0]}")


class FakeSlack:
    """In-process fake Slack: ``with FakeSlack() as fake: WebClient(base_url=fake.base_url)``."""

    def __init__(
        self, *, bot_user_id: str = "UBOT", team_id: str = "T0001", bot_id: str = "BBOT"
    ) -> None:
        self.bot_user_id, self.team_id, self.bot_id = bot_user_id, team_id, bot_id
        self._lock = threading.RLock()
        self._calls: list[RecordedCall] = []
        self._failures: dict[str, list[_Failure]] = {}
        self._messages: dict[tuple[str, str], _Json] = {}
        self._uploads: dict[str, _PendingUpload] = {}
        self._uploaded: list[UploadedFile] = []
        self._response_ids: set[str] = set()
        self._default_response_id = uuid.uuid4().hex
        self._response_ids.add(self._default_response_id)
        self._seq = 0
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

    def uploaded_files(self) -> list[UploadedFile]:
        with self._lock:
            return list(self._uploaded)

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Script the next ``times`` calls of ``method`` to fail before normal handling.

        429 always carries ``Retry-After`` (default 1 s, as Slack always sends it) and error
        ``ratelimited``; 5xx defaults to ``internal_error``; status 200 needs ``error`` and
        yields a logical failure such as ``channel_not_found``."""
        if status == 200 and error is None:
            raise ValueError("a status-200 failure needs an error code")
        if times < 1:
            raise ValueError("times must be >= 1")
        default = "ratelimited" if status == 429 else "internal_error"
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(status, retry_after, times, error or default)
        with self._lock:
            self._failures.setdefault(method, []).append(failure)

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
            self._send(handler, 200, self._api(method, parsed, token))
        elif kind == "upload":
            self._send(handler, *self._receive_upload(rest, content_type, body))
        elif kind == "response":
            known = rest in self._response_ids
            self._send(handler, 200 if known else 404, "ok" if known else "no_service")
        else:
            self._send(handler, 404, "Not Found")

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.pop(0)
        return failure

    def _api(self, method: str, params: dict[str, Any] | None, token: str | None) -> _Json:
        endpoint = self._endpoints.get(method)
        try:
            if endpoint is None:
                raise _ApiError("unknown_method")
            if params is None:
                raise _ApiError("invalid_json")
            if not token:
                raise _ApiError("not_authed")
            if not token.startswith("xoxb-"):
                raise _ApiError("invalid_auth")
            with self._lock:
                return {"ok": True, **endpoint(params)}
        except _ApiError as exc:
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
        self._seq += 1
        micros = 1_700_000_000_000_000 + self._seq * 100
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
            raise _ApiError("channel_not_found")
        if not params.get("text") and not params.get("blocks"):
            raise _ApiError("no_text")
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
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> _Json:
        message = self._message(params, self._next_ts())
        self._messages[(params["channel"], message["ts"])] = message
        return {"channel": params["channel"], "ts": message["ts"], "message": message}

    def _chat_update(self, params: dict[str, Any]) -> _Json:
        key = (str(params.get("channel", "")), str(params.get("ts", "")))
        if key not in self._messages:
            raise _ApiError("message_not_found")
        message = {**self._messages[key], **self._message(params, key[1])}
        self._messages[key] = message
        return {"channel": key[0], "ts": key[1], "text": message["text"], "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> _Json:
        if not params.get("user"):
            raise _ApiError("user_not_in_channel")
        return {"message_ts": self._message(params, self._next_ts())["ts"]}

    def _files_get_upload_url(self, params: dict[str, Any]) -> _Json:
        _require(params, "filename", "length")
        if not str(params["length"]).isdigit():
            raise _ApiError("invalid_arguments", "[ERROR] length must be an integer")
        self._seq += 1
        file_id = f"F{self._seq:010d}"
        self._uploads[file_id] = _PendingUpload(str(params["filename"]))
        return {"upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, content_type: str, body: bytes) -> tuple[int, str]:
        """Step 2. slack_sdk POSTs the raw bytes (no multipart), which is all this accepts;
        a multipart body is refused rather than stored with its boundaries as "content"."""
        if content_type.lower().startswith("multipart/"):
            return 400, "multipart uploads are not supported by FakeSlack"
        with self._lock:
            pending = self._uploads.get(file_id)
            if pending is None:
                return 404, "Not Found"
            pending.data = body
        return 200, f"OK - {len(body)}"

    def _files_complete_upload(self, params: dict[str, Any]) -> _Json:
        _require(params, "files")
        raw = params["files"]
        try:
            items = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise _ApiError("invalid_arguments", "[ERROR] files must be a JSON array") from exc
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise _ApiError("invalid_arguments", "[ERROR] files must be a non-empty array")
        for item in items:
            pending = self._uploads.get(str(item.get("id")))
            if pending is None or pending.data is None:
                raise _ApiError("file_not_found", f"[ERROR] file {item.get('id')} was not uploaded")
        channels = str(params.get("channels") or "").split(",")
        channel_id = params.get("channel_id") or channels[0] or None
        thread_ts, comment = params.get("thread_ts") or None, params.get("initial_comment") or None
        result = []
        for item in items:
            file_id, pending = item["id"], self._uploads.pop(item["id"])
            name, data = pending.filename, pending.data or b""
            title = item.get("title") or name
            text = data.decode("utf-8", errors="replace")
            self._uploaded.append(
                UploadedFile(file_id, name, title, text, channel_id, thread_ts, comment)
            )
            result.append({"id": file_id, "title": title, "name": name, "size": len(data)})
        return {"files": result}

    def _conversations_info(self, params: dict[str, Any]) -> _Json:
        _require(params, "channel")
        channel = str(params["channel"])
        return {"channel": {"id": channel, "name": channel.lower(), "is_member": True}}

    def _users_info(self, params: dict[str, Any]) -> _Json:
        _require(params, "user")
        user, is_bot = str(params["user"]), params["user"] == self.bot_user_id
        profile = {"display_name": user.lower(), "real_name": user.lower().title()}
        return {"user": {"id": user, "name": user.lower(), "is_bot": is_bot, "profile": profile}}
