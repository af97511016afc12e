"""The system's stack, named in passing: what it runs on and which outside services it uses.

Engineers describe the stack in their first message ("a Node.js app on ECS Fargate behind an
ALB, takes events from SQS, sends SMS via Twilio and email via SendGrid") and then never again,
since they think they already said it. That sentence is placed as the architecture, so without
this pass the bot asks "what infrastructure does it run on?" again and again, and the manual
ends with a proposal where the team's own answer was. The names are read from what the reply
said about the architecture and components, and only fill an empty slot: an answer written for
the slot always wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.draft import Op
from bot.extraction.offline.findings import Findings
from bot.extraction.offline.textparse import sentence_spans

# fmt: off
INFRASTRUCTURE = (
    "AWS", "GCP", "Google Cloud", "Azure", "Hetzner", "DigitalOcean", "OVH", "on-prem",
    "bare metal", "EKS", "GKE", "AKS", "ECS", "Fargate", "Kubernetes", "k8s", "k3s", "OpenShift",
    "Nomad", "EC2", "Lambda", "Cloud Run", "App Engine", "Heroku", "ALB", "NLB", "ELB",
    "CloudFront", "nginx", "HAProxy", "Envoy", "Traefik", "Istio", "PostgreSQL", "Postgres",
    "Aurora", "RDS", "Cloud SQL", "MySQL", "MariaDB", "MongoDB", "DynamoDB", "Cassandra",
    "ScyllaDB", "CockroachDB", "ClickHouse", "TimescaleDB", "InfluxDB", "Redis", "ElastiCache",
    "Memcached", "Elasticsearch", "OpenSearch", "Solr", "Kafka", "MSK", "RabbitMQ", "SQS", "SNS",
    "Kinesis", "Pub/Sub", "NATS", "S3", "GCS", "MinIO", "Ceph", "EFS", "NFS", "Oracle",
    "SQL Server", "VMware", "Proxmox", "OpenStack", "Hyper-V",
)
_EXTERNAL = (
    "Twilio", "SendGrid", "Mailgun", "Postmark", "Mailchimp", "Stripe", "Adyen", "Braintree",
    "PayPal", "Plaid", "Auth0", "Okta", "Cloudflare", "Fastly", "Akamai", "LaunchDarkly",
    "Algolia", "OpenAI", "Mapbox", "Google Maps", "Firebase", "FCM", "APNs",
    "Salesforce", "Zendesk", "HubSpot", "Shopify", "Vonage", "MessageBird", "Snowflake",
    "Avalara", "DocuSign", "Contentful", "OneSignal",
)
# fmt: on
_KINDS = dict.fromkeys(INFRASTRUCTURE, "infrastructure") | dict.fromkeys(
    _EXTERNAL, "external_services"
)
_NAMES = sorted(_KINDS, key=len, reverse=True)
_NAME_RE = re.compile(
    r"(?<![\w/.-])(?:" + "|".join(re.escape(n).replace(r"\ ", r"[\s-]") for n in _NAMES) + r")"
    r"(?![\w-]|/\w)",
    re.I,
)
_BY_LOWER = {n.lower(): n for n in _NAMES}
_REGION = re.compile(
    r"\b(?:us|eu|ap|sa|ca|me|af)-(?:east|west|north|south|central)\w*-\d\b|"
    r"\b[A-Z][a-z]+\s+(?:DC|data\s?cent(?:er|re))\b"
)
_PURPOSE = re.compile(r"\b(?P<what>[\w-]+)\s+(?:via|through|with)\s+$", re.I)
_TICKED = re.compile(r"`[^`\n]*`")
_HEDGE = re.compile(
    r"n't\b|\b(?:not|never|no\s+longer|instead\s+of|used\s+to|migrat\w*\s+(?:off|away|from)|"
    r"plan\w*|evaluat\w*|consider\w*|might|maybe|thinking|want\s+to|would\s+like)\b",
    re.I,
)
MAX_NAMES = 8  # the slots hold a line, not an inventory
MIN_NAMES = 2  # "ingests Stripe webhooks" mentions a service; it does not list the dependencies


def pick_up_stack(
    text: str, open_slot: Callable[[str], bool], result: Findings, *, at_least: int = MIN_NAMES
) -> None:
    """Fill ``infrastructure`` and ``external_services`` from the tools a reply names; the
    system's own description may name a single one ("hands them to Postmark for email")."""
    found: dict[str, dict[str, None]] = {"infrastructure": {}, "external_services": {}}
    quotes: dict[str, list[str]] = {"infrastructure": [], "external_services": []}
    regions: dict[str, None] = {}
    text = _TICKED.sub(" ", text)  # a command's words are arguments, not the stack
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        if not sentence or sentence.endswith("?") or _HEDGE.search(sentence):
            continue
        for slot_id, listed in _names(sentence).items():
            found[slot_id].update(dict.fromkeys(listed))
            quotes[slot_id].append(sentence)
        if found["infrastructure"]:
            regions.update(dict.fromkeys(_REGION.findall(sentence)))
    for slot_id, names in found.items():
        if len(names) < at_least or not open_slot(slot_id):
            continue
        value = ", ".join(list(names)[:MAX_NAMES])
        if slot_id == "infrastructure" and regions:
            value += f" ({', '.join(regions)})"
        result.add(slot_id, Op.SET, value, " ".join(quotes[slot_id]))


def _names(sentence: str) -> dict[str, list[str]]:
    """Names per slot, in order; neighbours of one kind are one name ("ECS Fargate"), and an
    outside service keeps what it is used for ("SMS via Twilio" is "Twilio (SMS)")."""
    out: dict[str, list[str]] = {}
    previous: re.Match[str] | None = None
    for match in _NAME_RE.finditer(sentence):
        display = _BY_LOWER.get(re.sub(r"[\s-]", " ", match.group().lower()), match.group())
        slot_id = _KINDS.get(display, "infrastructure")
        names = out.setdefault(slot_id, [])
        joined = (
            previous is not None
            and names
            and _KINDS.get(names[-1].split()[-1], "") == slot_id
            and not sentence[previous.end() : match.start()].strip()
        )
        if joined:
            names[-1] = f"{names[-1]} {display}"
        else:
            purpose = _PURPOSE.search(sentence[: match.start()])
            if slot_id == "external_services" and purpose and not _KINDS.get(purpose["what"]):
                display = f"{display} ({purpose['what']})"
            if display not in names:
                names.append(display)
        previous = match
    return out
