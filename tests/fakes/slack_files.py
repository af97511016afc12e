"""FakeSlack's file uploads: the three steps of ``files_upload_v2``, and the shared file.

Step 1 (``files.getUploadURLExternal``) hands out a file id and an upload URL, step 2 POSTs
the raw bytes there, step 3 (``files.completeUploadExternal``) finishes the upload and shares
it. Only a finished upload is visible: it is listed by ``uploaded_files`` and, when shared
to a channel, appears there (or in a thread) as a message carrying the file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_errors import ApiError, require

_Json = dict[str, Any]


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
class _PendingUpload:
    filename: str
    data: bytes | None = None


class Uploads:
    """Mixed into FakeSlack: uploads in progress and finished, under its lock."""

    _lock: threading.RLock
    _seq: int
    _messages: dict[tuple[str, str], _Json]
    bot_user_id: str
    bot_id: str
    team_id: str

    root_url: str
    _next_ts: Callable[[], str]

    def __init__(self) -> None:
        self._uploads: dict[str, _PendingUpload] = {}
        self._uploaded: list[UploadedFile] = []

    def uploaded_files(self) -> list[UploadedFile]:
        with self._lock:
            return list(self._uploaded)

    def manual_files(self) -> list[UploadedFile]:
        """The manuals (and draft previews) uploaded, without their -details.md companions."""
        return [f for f in self.uploaded_files() if not f.filename.endswith("-details.md")]

    def details_files(self) -> list[UploadedFile]:
        return [f for f in self.uploaded_files() if f.filename.endswith("-details.md")]

    def _files_get_upload_url(self, params: dict[str, Any]) -> _Json:
        require(params, "filename", "length")
        if not str(params["length"]).isdigit():
            raise ApiError("invalid_arguments", "[ERROR] length must be an integer")
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
        require(params, "files")
        raw = params["files"]
        try:
            items = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError as exc:
            raise ApiError("invalid_arguments", "[ERROR] files must be a JSON array") from exc
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise ApiError("invalid_arguments", "[ERROR] files must be a non-empty array")
        for item in items:
            pending = self._uploads.get(str(item.get("id")))
            if pending is None or pending.data is None:
                raise ApiError("file_not_found", f"[ERROR] file {item.get('id')} was not uploaded")
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
        if channel_id:  # shared: the file appears in the channel or thread as a message
            self._share(str(channel_id), thread_ts, comment, result)
        return {"files": result}

    def _share(
        self, channel: str, thread_ts: str | None, comment: str | None, files: list[_Json]
    ) -> None:
        message: _Json = {
            "type": "message",
            "text": comment or "",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "ts": self._next_ts(),
            "upload": True,
            "files": [{k: f[k] for k in ("id", "name", "title")} for f in files],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        self._messages[(channel, message["ts"])] = message
