"""What the draft already says about the system, boiled down for building defaults.

``bot.proposals.defaults`` must propose values that are specific to *this* system (its database,
platform, tools and names) rather than template filler, so it needs the draft's facts in a
structured form. Detection is keyword based on purpose: it is deterministic, needs no LLM, and
every proposal it feeds is flagged for human review anyway. What each engine, platform and
cloud is called and typed is in ``bot.proposals.wording``; ``Context`` picks the right entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.draft import Draft
from bot.core.names import slugify
from bot.core.slots import SLOT_IDS, Value
from bot.core.values import parse_duration
from bot.proposals.wording import CLOUDS, ENGINES, PLATFORM_OPS, Cloud, Engine

# Slots searched first for each kind of fact; the rest of the draft is the fallback.
_SYSTEM_SLOTS = ("infrastructure", "architecture", "components")
_TOOL_SLOTS = ("app_monitoring", "infra_monitoring", "log_management", "alerting")


# fmt: off
# Detection tables: (display name, regex, extra...). Each is searched in order, so specific names
# ("Aurora PostgreSQL", "EKS") come before the generic ones they contain.
_DATABASES: tuple[tuple[str, str, str], ...] = (
    ("Aurora PostgreSQL", r"aurora[\s-]+postgres(?:ql)?", "postgres"),
    ("Aurora MySQL", r"aurora[\s-]+mysql", "mysql"), ("PostgreSQL", r"postgres(?:ql)?", "postgres"),
    ("MariaDB", r"mariadb", "mysql"), ("MySQL", r"mysql", "mysql"),
    ("DocumentDB", r"documentdb", "mongodb"), ("MongoDB", r"mongo(?:db)?", "mongodb"),
    ("DynamoDB", r"dynamo(?:db)?", "dynamodb"), ("ScyllaDB", r"scylla(?:db)?", "cassandra"),
    ("Cassandra", r"cassandra", "cassandra"),
    ("SQL Server", r"sql\s+server|mssql|azure\s+sql", "sqlserver"),
    ("Oracle", r"oracle(?:\s+database|\s+db)?", "oracle"), ("Cosmos DB", r"cosmos\s*db", "generic"),
    ("Aurora", r"aurora", "generic"), ("Cloud SQL", r"cloud\s+sql", "generic"),
)
_CACHES = (
    ("Redis", r"redis|valkey"), ("Memcached", r"memcached?"), ("ElastiCache", r"elasticache"),
)
_QUEUES = (
    ("Kafka", r"kafka|msk"), ("RabbitMQ", r"rabbit(?:mq)?"), ("SQS", r"sqs"),
    ("Kinesis", r"kinesis"), ("Pub/Sub", r"pub/?sub"), ("Service Bus", r"service\s+bus"),
    ("NATS", r"nats"), ("ActiveMQ", r"activemq|amazon\s+mq"),
)
# (display name, regex, platform kind, cloud it implies)
_PLATFORMS: tuple[tuple[str, str, str, str], ...] = (
    ("EKS", r"eks", "kubernetes", "AWS"), ("GKE", r"gke", "kubernetes", "GCP"),
    ("AKS", r"aks", "kubernetes", "Azure"), ("OpenShift", r"openshift", "kubernetes", ""),
    ("Kubernetes", r"kubernetes|k8s", "kubernetes", ""), ("ECS", r"ecs|fargate", "ecs", "AWS"),
    ("Lambda", r"lambda", "lambda", "AWS"), ("Docker Compose", r"docker[\s-]compose", "docker", ""),
    ("systemd", r"systemd", "systemd", ""), ("EC2", r"ec2", "systemd", "AWS"),
    ("VMs", r"vms?|virtual\s+machines?", "systemd", ""),
)
_CLOUDS = (
    ("AWS", r"aws|amazon\s+web\s+services|rds|s3|cloudwatch"),
    ("GCP", r"gcp|google\s+cloud|bigquery|stackdriver"), ("Azure", r"azure"),
)
_MONITORING = (
    ("Datadog", r"datadog"), ("New Relic", r"new\s*relic"), ("Dynatrace", r"dynatrace"),
    ("AppDynamics", r"appdynamics"), ("Honeycomb", r"honeycomb"), ("Prometheus", r"prometheus"),
    ("Grafana", r"grafana"), ("CloudWatch", r"cloudwatch"), ("Azure Monitor", r"azure\s+monitor"),
    ("Cloud Monitoring", r"cloud\s+monitoring|stackdriver"), ("Sentry", r"sentry"),
    ("Zabbix", r"zabbix"), ("Nagios", r"nagios"),
)
_LOGGING = (
    ("Datadog Logs", r"datadog"), ("Splunk", r"splunk"),
    ("Elasticsearch", r"elk|elastic(?:search)?|kibana|opensearch"), ("Loki", r"loki"),
    ("CloudWatch Logs", r"cloudwatch"), ("Cloud Logging", r"cloud\s+logging|stackdriver"),
    ("Sumo Logic", r"sumo\s*logic"), ("Papertrail", r"papertrail"), ("Graylog", r"graylog"),
)
_PAGERS = (
    ("PagerDuty", r"pager\s*duty"), ("Opsgenie", r"ops\s*genie"),
    ("Splunk On-Call", r"victorops|splunk\s+on-call"), ("incident.io", r"incident\.io"),
    ("Grafana OnCall", r"grafana\s+oncall"),
)
# fmt: on
_TEAM = re.compile(
    r"\b(?:owned by|maintained by|run by|[Tt]he)\s+"
    r"([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2})\s+team\b"
)


@dataclass(frozen=True, slots=True)
class Ops:
    """Platform commands and phrases, so procedures name what an engineer would really type."""

    start: str
    started: str
    status: str
    logs: str
    stop: str
    kill: str
    restart: str
    rollback: str
    scale: str
    rightsize: str


@dataclass(frozen=True, slots=True)
class Context:
    """Facts the defaults are built from; an empty string means "not mentioned"."""

    name: str
    slug: str
    components: tuple[str, ...] = ()
    app: str = ""
    rpo: str = ""
    database: str = ""
    engine_key: str = "generic"
    cache: str = ""
    queue: str = ""
    platform: str = ""
    platform_kind: str = "systemd"
    cloud: str = ""
    monitoring: str = ""
    logging: str = ""
    pager: str = ""
    team: str = ""
    health: str = ""  # the team's own health request, as they wrote it

    @property
    def engine(self) -> Engine:
        return ENGINES[self.engine_key]

    @property
    def terms(self) -> Cloud:
        return CLOUDS[self.cloud]

    @property
    def service(self) -> str:
        """Deployable name used in commands: the first non-datastore component whose name has
        ASCII letters or digits, else the slug."""
        return self.app or self.slug

    @property
    def db(self) -> str:
        """The database's name, or a bare noun that reads well before "queries" or "storage"."""
        return self.database or "database"

    @property
    def stores(self) -> tuple[str, ...]:
        """Known data stores, without repeating Redis when it is both database and cache."""
        found = (self.database, self.cache, self.queue)
        return tuple(s for i, s in enumerate(found) if s and s not in found[:i])

    @property
    def ops(self) -> Ops:
        commands = PLATFORM_OPS[self.platform_kind]
        return Ops(*(c.format(ns=self.slug, app=self.service) for c in commands))

    def baseline(self) -> Context:
        """The same system with nothing known but its name: what a pure default looks like."""
        return Context(self.name, self.slug)


def text_of(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return " ; ".join(v if isinstance(v, str) else " : ".join(v.values()) for v in value)


def _find(table: Sequence[tuple[str, ...]], texts: list[str]) -> tuple[str, ...]:
    """First table entry found, searching the texts in order, then the table in order."""
    for text in texts:
        for entry in table:
            if re.search(rf"\b(?:{entry[1]})\b", text, re.IGNORECASE):
                return entry
    return ("",) * len(table[0])


def _clean(name: str) -> str:
    """Drop characters that would break a Markdown table cell or start a heading."""
    return " ".join(name.replace("|", "/").replace("`", "").lstrip("#").split())


def _command_name(name: str) -> str:
    """``slugify(name)`` when the name has ASCII letters or digits, else "": a Hebrew or emoji
    name slugs to its code points ("manual-5e9-5d9-…"), which no deployment is called."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return slugify(name) if any(c.isalnum() for c in ascii_name) else ""


_CADENCES = (
    (r"continuous|pitr|point[\s-]in[\s-]time|wal|binlogs?|oplog|streaming", 15.0),
    (r"hourly", 60.0),
    (r"daily|nightly", 1440.0),
    (r"weekly", 10080.0),
)


def _rpo(backups: Value | None) -> str:
    """Worst-case data loss implied by the engineer's own backup table, or "" if unknown.

    Each row's cadence is its most frequent backup; the RPO is the slowest row, because losing
    that store loses that much.
    """
    worst = 0.0
    for row in backups if isinstance(backups, list) else []:
        if not isinstance(row, dict):
            continue
        text = row.get("frequency", "")
        found = [m for p, m in _CADENCES if re.search(rf"\b(?:{p})\b", text, re.IGNORECASE)]
        every = re.search(r"every\s+(\d+\s*\w+)", text, re.IGNORECASE)
        parsed = parse_duration(every.group(1)) if every else None
        if parsed:
            found.append(parsed[0])
        worst = max(worst, min(found, default=0.0))
    if not worst:
        return ""
    hours = worst / 60
    return f"{worst:g} minutes" if worst < 60 else f"{hours:g} hour{'' if hours == 1 else 's'}"


def build_context(draft: Draft) -> Context:
    """Read the draft's current values into a Context; pure and deterministic."""
    texts = {slot_id: text_of(draft.value(slot_id)) for slot_id in SLOT_IDS}
    everything = list(texts.values())
    system = [texts[s] for s in _SYSTEM_SLOTS] + everything
    tools = [texts[s] for s in _TOOL_SLOTS] + everything
    rows = draft.value("components")
    names = tuple(
        _clean(row.get("name", ""))
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and _clean(row.get("name", ""))
    )
    database, _, engine_key = _find(_DATABASES, system)
    cache = _find(_CACHES, system)[0]
    if not database and cache == "Redis":
        database, engine_key = "Redis", "redis"
    platform, _, kind, implied = _find(_PLATFORMS, system)
    stores = "|".join(entry[1] for entry in (*_DATABASES, *_CACHES))
    services = [n for n in names if not re.search(rf"\b(?:{stores})\b", n, re.IGNORECASE)]
    team = next((m.group(1) for t in everything for m in _TEAM.finditer(t)), "")
    return Context(
        name=_clean(draft.name) or draft.slug,
        slug=draft.slug,
        components=names,
        app=next((slug for n in services if (slug := _command_name(n))), draft.slug),
        rpo=_rpo(draft.value("backups")) if draft.filled("backups") else "",
        health=texts["health_endpoint"] if draft.filled("health_endpoint") else "",
        database=database,
        engine_key=engine_key or "generic",
        cache=cache,
        queue=_find(_QUEUES, system)[0],
        platform=platform,
        platform_kind=kind or "systemd",
        cloud=implied or _find(_CLOUDS, system)[0],
        monitoring=_find(_MONITORING, tools)[0],
        logging=_find(_LOGGING, [texts["log_management"], *tools])[0],
        pager=_find(_PAGERS, tools)[0],
        team=_clean(team),
    )
