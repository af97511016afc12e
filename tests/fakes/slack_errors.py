"""The error FakeSlack answers with ``{"ok": false, "error": ...}`` (HTTP 200, like Slack)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail


def require(params: dict[str, Any], *names: str) -> None:
    missing = [name for name in names if params.get(name) in (None, "")]
    if missing:
        raise ApiError("invalid_arguments", f"[ERROR] missing required field: {missing[0]}")
