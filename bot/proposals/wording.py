"""The wording defaults are written in: per database engine, platform kind and cloud.

A default must read like this system's runbook, not a template, so it names the engine's own
maintenance commands, the platform's start/stop/rollback commands and the cloud's services.
Those phrases are data, kept here as one table per axis, so the slot builders in
``bot.proposals.defaults`` stay short and a new engine, platform or cloud is one table row.
``bot.proposals.context`` decides which row applies to a draft.
"""

from __future__ import annotations

from dataclasses import dataclass


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
