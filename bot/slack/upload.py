"""A file upload in Slack's three steps, split where it becomes visible.

Why not ``WebClient.files_upload_v2``: it runs all three steps in one call, so nothing can be
recorded between them. Steps 1 and 2 (a file id and an upload URL, then the bytes) are
invisible in Slack and safe to repeat; step 3 (``files.completeUploadExternal``) finishes
the upload and shares it, and is the one that must not happen twice. The publisher records
the file id after step 2, so a job that runs again can look for that file in the thread
before uploading a second copy.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.observability import record_slack_error

UPLOAD_ERRORS = (urllib.error.URLError, SlackRequestError, ConnectionError, TimeoutError)


def _api(method: str, client: WebClient, params: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.api_call(method, params={k: v for k, v in params.items() if v})
    except SlackApiError as exc:
        record_slack_error(method=method, error=str(exc.response.get("error", "unknown")))
        raise
    return dict(response.data) if isinstance(response.data, dict) else {}


@retry(
    retry=retry_if_exception_type(UPLOAD_ERRORS),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)
def start_upload(client: WebClient, *, filename: str, content: str) -> str:
    """Steps 1 and 2: the bytes are in Slack, not yet visible anywhere. Returns the file id."""
    data = content.encode("utf-8")
    step1 = _api("files.getUploadURLExternal", client, {"filename": filename, "length": len(data)})
    file_id, url = str(step1.get("file_id") or ""), str(step1.get("upload_url") or "")
    if not file_id or not url.startswith(("https://", "http://")):
        raise SlackRequestError(f"files.getUploadURLExternal gave no upload URL: {step1}")
    # Raw bytes, as slack_sdk sends them; the URL is Slack's, checked to be http(s) above.
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=client.timeout) as answer:  # noqa: S310
            answer.read()
    except UPLOAD_ERRORS as exc:
        record_slack_error(method="upload_url", error=type(exc).__name__)
        raise
    return file_id


def finish_upload(
    client: WebClient,
    *,
    files: list[tuple[str, str]],
    channel: str,
    thread_ts: str | None,
    comment: str,
) -> None:
    """Step 3: the uploads (file id, title) are finished and shared as ONE message, to the
    channel or to the thread: the manual and its details file arrive together."""
    _api(
        "files.completeUploadExternal",
        client,
        {
            "files": json.dumps([{"id": file_id, "title": title} for file_id, title in files]),
            "channel_id": channel,
            "thread_ts": thread_ts,
            "initial_comment": comment,
        },
    )
