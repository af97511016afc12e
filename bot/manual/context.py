"""What the draft already says about the system, boiled down for building defaults.

``bot.manual.defaults`` must propose values that are specific to *this* system (its database,
platform, tools and names) rather than template filler, so it needs the draft's facts in a
structured form. Detection is keyword based on purpose: it is deterministic, needs no LLM, and
every proposal it feeds is flagged for human review anyway. The engine and cloud wording tables
live here too, so the slot builders stay short and a new engine is one table row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.manual.draft import Draft, slugify
from bot.manual.schema import SLOT_IDS, Value, parse_duration

# Slots searched first for each kind of fact; the rest of the draft is the fallback.
_SYSTEM_SLOTS = ("infrastructure", "architecture", "components")
_TOOL_SLOTS = ("app_monitoring", "infra_monitoring", "log_management", "alerting")


@dataclass(frozen=True, slots=True)
class Engine:
    """Maintenance wording for one database family.

    Terse on purpose: the template alone takes about 300 of the manual's 800 words, so a default
    gets ~4-8 words, and commands and numbers (which the condenser must not cut) carry them.
    """

    indexes: str
    statistics: str
    cleanup: str
    tuning: str
    optimisation: str
    integrity: str
    check: str
    backup: str


# fmt: off
ENGINES: dict[str, Engine] = {
    "postgres": Engine(
        "Weekly: `REINDEX INDEX CONCURRENTLY` bloated indexes (pgstattuple).",
        "Autovacuum; `ANALYZE` after bulk loads.",
        "Nightly batched purge of expired rows; watch autovacuum.",
        "Monthly pg_stat_statements review; tune `work_mem`.",
        "PgBouncer pooling; read replicas for reporting.",
        "`pg_amcheck`, then compare key table row counts.",
        '`psql "$DATABASE_URL" -c "SELECT 1;"`', "Daily snapshot + WAL",
    ),
    "mysql": Engine(
        "Monthly `OPTIMIZE TABLE` on churned tables, off-peak.",
        "`ANALYZE TABLE` weekly and after bulk loads.",
        "Nightly batched purge; binlog retention 7 days.",
        "Monthly slow-log review; size `innodb_buffer_pool_size`.",
        "Connection pooling; read replicas for reporting.",
        "`mysqlcheck --check`, then compare key table row counts.",
        '`mysql -h "$DB_HOST" -u "$DB_USER" -p -e "SELECT 1;"`', "Daily snapshot + binlogs",
    ),
    "mongodb": Engine(
        "Monthly `$indexStats` review; drop unused indexes.",
        "`planCacheClear` after index changes.",
        "TTL indexes expire old documents.",
        "Monthly profiler review of slow operations.",
        "Compound indexes for hot queries; secondary reads.",
        "`validate()` key collections; compare document counts.",
        "`mongosh \"$MONGODB_URI\" --eval \"db.adminCommand('ping')\"`", "Daily snapshot + oplog",
    ),
    "dynamodb": Engine(
        "Monthly: drop unused GSIs, check throttling.",
        "Managed by AWS; review consumed capacity weekly.",
        "TTL attribute expires old items.",
        "Fix hot partitions; review capacity mode.",
        "Spread partition keys; on-demand capacity.",
        "Compare item counts of key tables.",
        "`aws dynamodb list-tables --max-items 5`", "Continuous PITR",
    ),
    "cassandra": Engine(
        "Avoid secondary indexes; watch `nodetool compactionstats`.",
        "Weekly `nodetool tablestats` for tombstones.",
        "TTLs; `nodetool repair -pr` within gc_grace_seconds.",
        "Tune compaction strategy per table.",
        "One table per query; partitions under 100 MB.",
        "`nodetool repair`, then compare row counts.",
        "`nodetool status`", "Daily snapshot + incremental",
    ),
    "sqlserver": Engine(
        "Weekly: rebuild indexes over 30% fragmentation.",
        "Weekly `UPDATE STATISTICS` on volatile tables.",
        "Nightly batched purge of expired rows.",
        "Monthly Query Store regression review.",
        "Connection pooling; readable secondary for reports.",
        "`DBCC CHECKDB`, then compare row counts.",
        '`sqlcmd -S "$DB_HOST" -Q "SELECT 1"`', "Daily full + 15-minute logs",
    ),
    "oracle": Engine(
        "Monthly: rebuild fragmented indexes `ONLINE`.",
        "Nightly `DBMS_STATS` job; rerun after bulk loads.",
        "Drop expired partitions; purge the recycle bin.",
        "Monthly AWR top SQL review.",
        "Session pooling; partition the largest tables.",
        "`RMAN VALIDATE DATABASE`, then compare row counts.",
        '`tnsping "$ORACLE_SID"`', "Daily RMAN + archive logs",
    ),
    "redis": Engine(
        "No indexes; weekly `redis-cli --bigkeys`.",
        "Weekly `INFO memory` for fragmentation.",
        "TTL on every key; review eviction policy.",
        "Watch `SLOWLOG GET 10`; avoid O(N) commands.",
        "Pipelining, pooled connections, small values.",
        "Compare `INFO keyspace` key counts.",
        '`redis-cli -h "$REDIS_HOST" ping`', "Hourly RDB snapshot",
    ),
    "generic": Engine(
        "Monthly: index slow queries, drop unused indexes.",
        "Refresh optimizer statistics weekly.",
        "Nightly batched purge of expired data.",
        "Monthly: fix the top five slow queries.",
        "Connection pooling; read replicas for reporting.",
        "Compare key table row counts and checksums.",
        '`nc -zv "$DB_HOST" "$DB_PORT"`', "Daily full + hourly incremental",
    ),
}
# fmt: on


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
class Cloud:
    """Per-cloud names for storage, keys, audit, threat detection, secrets and identities."""

    storage: str
    kms: str
    audit: str
    threats: str
    secrets: str
    identity: str


# fmt: off
CLOUDS: dict[str, Cloud] = {
    "AWS": Cloud("S3", "AWS KMS", "CloudTrail", "GuardDuty", "AWS Secrets Manager", "IAM roles"),
    "GCP": Cloud("GCS", "Cloud KMS", "Cloud Audit Logs", "Security Command Center",
                 "Secret Manager", "Workload Identity"),
    "Azure": Cloud("Blob Storage", "Key Vault", "Activity Log", "Defender for Cloud", "Key Vault",
                   "managed identities"),
    "": Cloud("Off-site storage", "a KMS", "audit log", "WAF and IDS", "a vault",
              "Dedicated accounts"),
}
# fmt: on


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


# Per platform kind, formatted with the namespace/cluster/unit ({ns}) and main service ({app}).
# fmt: off
_K, _ECS, _FN = "`kubectl -n {ns}", "--cluster {ns} --service {app}", "--function-name {app}`"
_THROTTLE = f"`aws lambda put-function-concurrency {_FN[:-1]} --reserved-concurrent-executions 0`"
PLATFORM_OPS: dict[str, tuple[str, ...]] = {
    "kubernetes": (
        f"{_K} scale deploy --all --replicas=2`", f"{_K} rollout status deploy/{{app}}`",
        f"{_K} get pods`", f"{_K} logs deploy/{{app}} --since=15m`",
        f"{_K} scale deploy --all --replicas=0`",
        f"{_K} delete pods --all --grace-period=0 --force` after scaling to zero",
        f"{_K} rollout restart deploy`", f"{_K} rollout undo deploy/{{app}}`",
        "HPA adds pods", "Right-size pod requests; HPA on CPU.",
    ),
    "ecs": (
        f"`aws ecs update-service {_ECS} --desired-count 2`",
        "`aws ecs wait services-stable --cluster {ns} --services {app}`",
        "`aws ecs describe-services --cluster {ns} --services {app}`",
        "`aws logs tail /ecs/{ns} --since 15m`",
        f"`aws ecs update-service {_ECS} --desired-count 0`",
        f"Deregister targets; `aws ecs update-service {_ECS} --desired-count 0`",
        f"`aws ecs update-service {_ECS} --force-new-deployment`",
        "Redeploy the previous task definition", "Service auto scaling adds tasks",
        "Right-size task CPU and memory; auto scale on CPU.",
    ),
    "lambda": (
        f"`aws lambda delete-function-concurrency {_FN}", "Re-enable event sources",
        f"`aws lambda get-function {_FN}", "`aws logs tail /aws/lambda/{app} --since 15m`",
        _THROTTLE, _THROTTLE, f"`aws lambda delete-function-concurrency {_FN}",
        "Point the live alias at the previous version", "Raise reserved concurrency",
        "Tune memory per function; reserve concurrency.",
    ),
    "docker": (
        "`docker compose up -d`", "`docker compose ps`", "`docker compose ps`",
        "`docker compose logs --since 15m {app}`", "`docker compose stop -t 30`",
        "`docker compose kill`", "`docker compose up -d`",
        "Pin the previous image tag; `docker compose up -d`", "Add a replica",
        "Right-size container limits; add hosts early.",
    ),
    "systemd": (
        "`sudo systemctl start {ns}`", "`systemctl is-active {ns}`", "`systemctl status {ns}`",
        '`journalctl -u {ns} --since "15 min ago"`', "`sudo systemctl stop {ns}`",
        "`sudo systemctl kill -s SIGKILL {ns}`", "`sudo systemctl restart {ns}`",
        "Reinstall the previous release; `sudo systemctl restart {ns}`",
        "Autoscaling adds instances", "Right-size instances quarterly; autoscale on CPU.",
    ),
}
# fmt: on


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

    @property
    def engine(self) -> Engine:
        return ENGINES[self.engine_key]

    @property
    def terms(self) -> Cloud:
        return CLOUDS[self.cloud]

    @property
    def service(self) -> str:
        """Deployable name used in commands: the first non-datastore component, else the slug."""
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
        app=slugify(services[0]) if services else draft.slug,
        rpo=_rpo(draft.value("backups")) if draft.filled("backups") else "",
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
