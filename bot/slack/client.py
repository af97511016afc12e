"""The Slack Web API clients and their retry policy: what slack_sdk may repeat on its own.

Two clients over one token. ``make_web_client`` retries what is safe to repeat blindly
(reads, ``chat.update``, the invisible steps of an upload): connection errors, 429 with
``Retry-After`` and any 5xx. ``posting_client`` repeats only a 429 (a rate-limited call did
nothing): after a lost connection or a 5xx a post may have gone out anyway, so the publisher
decides what to do (``is_ambiguous``) after looking in Slack.
"""

from __future__ import annotations

import http.client
import urllib.error

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

SLACK_API_URL = "https://slack.com/api/"
# Failures after which a post or an upload's last step may have happened in Slack anyway.
AMBIGUOUS_ERRORS = (
    urllib.error.URLError,
    ConnectionError,
    TimeoutError,
    http.client.HTTPException,
    SlackRequestError,
)


class AnyServerErrorRetryHandler(ServerErrorRetryHandler):
    """slack_sdk's handler retries only 500 and 503; a 502 or 504 from a proxy is as transient."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code < 600


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        AnyServerErrorRetryHandler(max_retry_count=3),
    ]


def posting_client(client: WebClient) -> WebClient:
    """``client`` without blind retries: only a rate-limited call is repeated by slack_sdk.

    A connection lost or a 5xx after Slack accepted a post looks the same as one before it;
    slack_sdk's handlers would post again, so ``JobPublisher`` retries posts itself.
    """
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )


def is_ambiguous(exc: BaseException) -> bool:
    """Could Slack have done what the failed call asked? (A 5xx, or no answer at all.)"""
    if isinstance(exc, SlackApiError):
        return int(exc.response.status_code) >= 500
    return isinstance(exc, AMBIGUOUS_ERRORS)


def make_web_client(*, token: str, base_url: str | None = None, timeout: int = 30) -> WebClient:
    """A WebClient with retries; ``base_url`` (SLACK_API_URL) must end with a slash."""
    url = base_url or SLACK_API_URL
    if not url.endswith("/"):
        url += "/"
    return WebClient(token=token, base_url=url, timeout=timeout, retry_handlers=retry_handlers())
