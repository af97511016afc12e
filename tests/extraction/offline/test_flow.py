"""Key components from a request flow (``flow``).

Why: a team that described its system as "a → b → c → d" has named its components; 1.2 filled
with proposals ("API †: HTTPS requests") tells them the bot did not listen.
"""

from __future__ import annotations

from bot.extraction.offline.flow import flow_components
from tests.extraction.offline.support import values

FLOW = (
    "flow: the CMS calls tc-api (fastapi) → job row in MySQL 8 (db `transcode` on db01) → "
    "message on the RabbitMQ quorum queue transcode.jobs (cluster mq01-03) → tc-dispatcher "
    "consumes it and dispatches the nomad job ffmpeg-hls → the worker pulls the mezzanine and "
    "uploads to s3://reel-vod-origin"
)


def test_each_hop_that_names_a_part_is_a_component() -> None:
    rows = flow_components(FLOW)
    assert [r["name"] for r in rows] == ["tc-api", "MySQL 8", "RabbitMQ", "tc-dispatcher", "worker"]
    assert rows[1]["purpose"] == "db `transcode` on db01"
    assert rows[3]["purpose"].startswith("consumes it and dispatches")


def test_a_short_chain_is_no_flow_of_components() -> None:
    assert flow_components("players hit an NLB → envoy → player-api") == []
    assert flow_components("disk > 80% → warning → page") == []


def test_the_interview_fills_key_components_from_the_flow_only_when_empty() -> None:
    got = values(FLOW)
    rows = got["components"]
    assert isinstance(rows, list)
    assert rows[0]["name"] == "tc-api"
    assert "architecture" in got
    from tests.extraction.offline.support import new_draft

    stated = [{"name": "tc-api", "purpose": "REST API for the CMS"}]
    again = values(FLOW, draft=new_draft(components=stated))
    assert "components" not in again  # what the team wrote for 1.2 is never replaced
