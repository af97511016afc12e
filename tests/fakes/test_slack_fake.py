"""Proof that FakeSlack and slack_signing match what the real slack_sdk / slack_bolt expect.

Why: a fake is only useful if the real clients accept it. Everything here goes through the
genuine ``WebClient``, ``WebhookClient``, ``SignatureVerifier`` and a Bolt ``App`` — no mocks.
"""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Callable, Iterator

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakes import slack_signing
from tests.fakes.slack_api import RESPONSE_URL, UPLOAD_URL, FakeSlack

SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


def test_auth_test_reports_bot_identity(fake: FakeSlack, client: WebClient) -> None:
    response = client.auth_test()
    assert response["user_id"] == "UBOT"
    assert response["bot_id"] == "BBOT"
    assert response["team_id"] == "T0001"
    assert {"team", "user", "url"} <= set(response.data)
    (call,) = fake.calls_to("auth.test")
    assert call.token == "xoxb-test"


def test_post_in_thread_then_update(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="question 1", thread_ts="1699999999.000001")
    second = client.chat_postMessage(channel="C1", text="question 2")
    assert first["channel"] == "C1"
    assert first["message"]["thread_ts"] == "1699999999.000001"
    assert first["message"]["bot_id"] == "BBOT"
    assert "thread_ts" not in second["message"]
    assert float(second["ts"]) > float(first["ts"])

    updated = client.chat_update(channel="C1", ts=first["ts"], text="question 1 (edited)")
    assert updated["ts"] == first["ts"]
    assert updated["message"]["text"] == "question 1 (edited)"
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C1", ts="1.000000", text="nope")
    assert missing.value.response["error"] == "message_not_found"

    call = fake.calls_to("chat.update")[0]
    assert call.params == {"channel": "C1", "ts": first["ts"], "text": "question 1 (edited)"}
    assert call.headers["content-type"].startswith("application/json")


def test_post_message_validates_arguments(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_text, pytest.warns(UserWarning, match="text"):
        client.chat_postMessage(channel="C1", text="")
    assert no_text.value.response["error"] == "no_text"


def test_post_ephemeral(fake: FakeSlack, client: WebClient) -> None:
    response = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert response["message_ts"]
    assert fake.calls_to("chat.postEphemeral")[0].params["user"] == "U1"


def test_files_upload_v2_reaches_the_thread(fake: FakeSlack, client: WebClient) -> None:
    response = client.files_upload_v2(
        channel="C1",
        thread_ts="1699999999.000001",
        content="# md\n\nünïcode body\n",
        filename="x.md",
        initial_comment="Here is the manual",
    )
    (uploaded,) = fake.uploaded_files()
    assert response["file"]["id"] == uploaded.file_id
    assert uploaded.filename == "x.md"
    assert uploaded.title == "x.md"
    assert uploaded.content == "# md\n\nünïcode body\n"
    assert uploaded.channel_id == "C1"
    assert uploaded.thread_ts == "1699999999.000001"
    assert uploaded.initial_comment == "Here is the manual"

    methods = [call.method for call in fake.calls]
    expected = ["files.getUploadURLExternal", UPLOAD_URL, "files.completeUploadExternal"]
    assert methods == expected
    get_url, upload, _ = fake.calls
    assert get_url.params["length"] == str(len("# md\n\nünïcode body\n".encode()))
    # The bytes go to the upload URL raw, without the bot token.
    assert upload.body == "# md\n\nünïcode body\n".encode()
    assert upload.token is None


def test_complete_upload_requires_the_bytes_first(fake: FakeSlack, client: WebClient) -> None:
    issued = client.files_getUploadURLExternal(filename="x.md", length=3)
    with pytest.raises(SlackApiError) as excinfo:
        client.files_completeUploadExternal(files=[{"id": issued["file_id"], "title": "x"}])
    assert excinfo.value.response["error"] == "file_not_found"
    assert fake.uploaded_files() == []


def test_upload_step_failure_surfaces_as_urllib_error(fake: FakeSlack, client: WebClient) -> None:
    """slack_sdk posts step 2 with bare urlopen: no retry handlers, raw HTTPError."""
    fake.fail_next(UPLOAD_URL, status=500)
    with pytest.raises(urllib.error.HTTPError):
        client.files_upload_v2(channel="C1", content="x", filename="x.md")
    assert fake.uploaded_files() == []


def test_rate_limit_is_retried_after_retry_after(fake: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="hello")
    assert response["ok"]
    assert time.monotonic() - started >= 1.0
    first, second = fake.calls_to("chat.postMessage")
    assert second.time - first.time >= 1.0


def test_scripted_failures_without_retry(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"

    fake.fail_next("chat.postMessage", status=200, error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as logical:
            client.chat_postMessage(channel="C1", text="x")
        assert logical.value.response["error"] == "channel_not_found"

    fake.fail_next("chat.postMessage", status=503)
    with pytest.raises(SlackApiError) as server_error:
        client.chat_postMessage(channel="C1", text="x")
    assert server_error.value.response.status_code == 503
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_token_is_checked(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as no_token:
        WebClient(base_url=fake.base_url).chat_postMessage(channel="C1", text="x")
    assert no_token.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as user_token:
        WebClient(token="xoxp-user", base_url=fake.base_url).auth_test()
    assert user_token.value.response["error"] == "invalid_auth"


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("admin.nothing")
    assert excinfo.value.response["error"] == "unknown_method"


def test_response_url_accepts_webhook_posts(fake: FakeSlack) -> None:
    response = WebhookClient(fake.response_url).send(
        text="working on it", response_type="ephemeral"
    )
    assert (response.status_code, response.body) == (200, "ok")
    other = fake.new_response_url()
    assert other != fake.response_url
    assert WebhookClient(other).send(text="second").status_code == 200
    unknown = fake.response_url.rsplit("/", 1)[0] + "/unknown"
    assert WebhookClient(unknown).send(text="lost").status_code == 404
    texts = [call.params["text"] for call in fake.calls_to(RESPONSE_URL)]
    assert texts == ["working on it", "second", "lost"]


def test_wait_for_times_out_with_a_summary(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C9", text="visible in the summary")
    with pytest.raises(AssertionError, match="visible in the summary"):
        fake.wait_for(lambda: False, timeout=0.1)


@pytest.mark.parametrize(
    "build",
    [
        lambda: slack_signing.slash_command(SECRET, text="start"),
        lambda: slack_signing.event_callback(
            SECRET, slack_signing.message_event(channel="C1", user="U1", text="hi"), retry_num=1
        ),
        lambda: slack_signing.block_actions(SECRET, action_id="approve", value="42"),
    ],
    ids=["slash_command", "event_callback", "block_actions"],
)
def test_signature_verifier_accepts_and_rejects(
    build: Callable[[], slack_signing.SignedRequest],
) -> None:
    # Built inside the test, not at collection: the signature is only valid for 5 minutes.
    signed = build()
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(signed.body, signed.headers)
    assert not verifier.is_valid_request(signed.body + "&x=1", signed.headers)
    assert not SignatureVerifier("other-secret").is_valid_request(signed.body, signed.headers)


def test_signature_verifier_rejects_a_six_minute_old_timestamp() -> None:
    stale = slack_signing.slash_command(SECRET, timestamp=int(time.time()) - 6 * 60)
    assert not SignatureVerifier(SECRET).is_valid_request(stale.body, stale.headers)


def test_event_retry_headers() -> None:
    first = slack_signing.event_callback(SECRET, {"type": "app_home_opened"}, event_id="Ev1")
    retry = slack_signing.event_callback(
        SECRET, {"type": "app_home_opened"}, event_id="Ev1", retry_num=2, retry_reason="timeout"
    )
    assert "X-Slack-Retry-Num" not in first.headers
    assert retry.headers["X-Slack-Retry-Num"] == "2"
    assert retry.headers["X-Slack-Retry-Reason"] == "timeout"
    assert retry.to_bolt_request().body["event_id"] == "Ev1"


def test_bolt_app_round_trip(fake: FakeSlack) -> None:
    """Signed requests are accepted by Bolt, and Bolt's own client works against the fake."""
    app = App(
        signing_secret=SECRET,
        token="xoxb-test",
        client=WebClient(token="xoxb-test", base_url=fake.base_url),
    )
    seen: dict[str, object] = {}

    @app.command("/manual")
    def on_command(ack, respond, command) -> None:
        ack()
        respond(f"starting: {command['text']}")

    @app.event("message")
    def on_message(event, client) -> None:
        client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"], text="next?")

    @app.action("approve")
    def on_approve(ack, body) -> None:
        ack()
        seen["value"] = body["actions"][0]["value"]

    url = fake.new_response_url()
    response = app.dispatch(
        slack_signing.slash_command(SECRET, text="db", response_url=url).to_bolt_request()
    )
    assert response.status == 200
    fake.wait_for(lambda: len(fake.calls_to(RESPONSE_URL)) == 1)
    assert fake.calls_to(RESPONSE_URL)[0].params["text"] == "starting: db"

    message = slack_signing.message_event(channel="C1", user="U1", text="answer")
    assert (
        app.dispatch(slack_signing.event_callback(SECRET, message).to_bolt_request()).status == 200
    )
    fake.wait_for(lambda: len(fake.calls_to("chat.postMessage")) == 1)
    assert fake.calls_to("chat.postMessage")[0].params["thread_ts"] == message["ts"]

    click = slack_signing.block_actions(SECRET, action_id="approve", value="42")
    assert app.dispatch(click.to_bolt_request()).status == 200
    fake.wait_for(lambda: seen.get("value") == "42")

    forged = slack_signing.slash_command("wrong-secret", text="db")
    assert app.dispatch(forged.to_bolt_request()).status == 401


# ------------------------------------------------------------- reading conversations back


def test_message_metadata_comes_back_from_the_thread_only_when_asked(
    fake: FakeSlack, client: WebClient
) -> None:
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    metadata = {"event_type": "opsmanual_post", "event_payload": {"job": 7, "effect": "q"}}
    posted = client.chat_postMessage(channel="C1", text="q", thread_ts=root, metadata=metadata)
    client.chat_postMessage(channel="C1", text="elsewhere", thread_ts="1.000001")
    with_metadata = client.conversations_replies(channel="C1", ts=root, include_all_metadata=True)
    assert [m["ts"] for m in with_metadata["messages"]] == [root, posted["ts"]]
    assert with_metadata["messages"][1]["metadata"] == metadata
    plain = client.conversations_replies(channel="C1", ts=root)
    assert "metadata" not in plain["messages"][1]
    (call,) = [c for c in fake.calls_to("conversations.replies") if c.params.get("ts")][:1]
    assert call.params["include_all_metadata"] == "1"  # slack_sdk's GET form of True
    with pytest.raises(SlackApiError) as bad:
        client.chat_postMessage(channel="C1", text="x", metadata={"event_type": "a b"})
    assert bad.value.response["error"] == "invalid_metadata_format"
    with pytest.raises(SlackApiError) as missing:
        client.conversations_replies(channel="C1", ts="9.9")
    assert missing.value.response["error"] == "thread_not_found"


def test_history_is_the_channel_newest_first_and_pages_with_a_cursor(
    fake: FakeSlack, client: WebClient
) -> None:
    posted = [client.chat_postMessage(channel="C1", text=f"m{i}")["ts"] for i in range(5)]
    client.chat_postMessage(channel="C1", text="a reply", thread_ts=posted[0])
    client.chat_postMessage(channel="C2", text="another channel")
    first = client.conversations_history(channel="C1", limit=3)
    assert [m["text"] for m in first["messages"]] == ["m4", "m3", "m2"]
    assert first["has_more"]
    rest = client.conversations_history(
        channel="C1", limit=3, cursor=first["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m1", "m0"]
    assert not rest["has_more"]
    recent = client.conversations_history(channel="C1", oldest=posted[2])
    assert [m["text"] for m in recent["messages"]] == ["m4", "m3"]  # oldest is exclusive


def test_a_shared_upload_is_a_message_with_its_file(fake: FakeSlack, client: WebClient) -> None:
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    done = client.files_upload_v2(
        channel="C1", thread_ts=root, content="# Manual", filename="m.md", initial_comment="v1"
    )
    thread = client.conversations_replies(channel="C1", ts=root)["messages"]
    assert thread[-1]["files"][0]["id"] == done["file"]["id"]
    assert (thread[-1]["text"], thread[-1]["bot_id"]) == ("v1", "BBOT")
    assert fake.messages_in("C1", root) == [thread[-1]]


def test_a_fault_after_accept_loses_the_answer_but_not_the_post(fake: FakeSlack) -> None:
    client = WebClient(token="xoxb-test", base_url=fake.base_url, retry_handlers=[])
    seen: list[str] = []
    fake.fail_after_accept("chat.postMessage", hook=lambda call, answer: seen.append(answer["ts"]))
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.chat_postMessage(channel="C1", text="accepted, answer lost")
    assert [m["ts"] for m in fake.messages_in("C1")] == seen  # it is in the channel
    fake.fail_after_accept("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C1", text="accepted, then a 500")
    assert failed.value.response.status_code == 500
    assert [m["text"] for m in fake.messages_in("C1")] == [
        "accepted, answer lost",
        "accepted, then a 500",
    ]
    client.chat_postMessage(channel="C1", text="normal again")
    assert len(fake.messages_in("C1")) == 3
    # slack_sdk's default client retries a lost answer by itself: the post goes out twice
    fake.fail_after_accept("chat.postMessage")
    WebClient(token="xoxb-test", base_url=fake.base_url).chat_postMessage(channel="C1", text="2x")
    assert [m["text"] for m in fake.messages_in("C1")][-2:] == ["2x", "2x"]
