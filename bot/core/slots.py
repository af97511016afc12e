"""The manual's content model and the slot catalogue the interview is built on.

A *slot* is the unit the interview asks about, the extractor fills and a fact records. Slots are
grouped by spec subsection; the planner asks one subsection's missing slots as one question, so
the catalogue order (priority, then outline order) decides what an engineer is asked first.
Slots marked ``ask=False`` are never asked: they are proposed from context when the interview
completes (``bot.proposals.defaults``), and listed as "inferred, please check".

What a slot may hold (validation, durations, the canonical shape of a value) is in
``bot.core.values``; this module is the catalogue and its lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from bot.core.outline import OUTLINE, subsection

Row: TypeAlias = dict[str, str]
Value: TypeAlias = str | list[str] | list[Row]


class SlotKind(StrEnum):
    TEXT = "text"
    ITEMS = "items"
    TABLE = "table"
    DURATION = "duration"


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    subsection: str
    label: str
    kind: SlotKind
    priority: int
    budget: int
    ask: bool = True
    question: str = ""
    hint: str = ""
    columns: tuple[str, ...] = ()
    min_items: int = 0
    exact_items: int | None = None
    numeric_column: str | None = None
    keywords: tuple[str, ...] = ()

    @property
    def section(self) -> int:
        return int(self.subsection.split(".")[0])


def _s(
    id_: str, sub: str, label: str, kind: SlotKind, priority: int, budget: int, **kw: object
) -> Slot:
    return Slot(id_, sub, label, kind, priority, budget, **kw)  # type: ignore[arg-type]


T, IT, TB, D = SlotKind.TEXT, SlotKind.ITEMS, SlotKind.TABLE, SlotKind.DURATION

# fmt: off
SLOTS: tuple[Slot, ...] = (
    # 1. System Overview
    _s("architecture", "1.1", "Architecture", T, 1, 24,
       question="How is {name} built: what runs where, and how does a request flow through it?",
       keywords=("architecture", "built", "runs on")),
    _s("components", "1.2", "Key components", TB, 1, 30, columns=("name", "purpose"), min_items=3,
       question="What are its main components (at least three), and what does each do?",
       hint="one per line or `;`-separated, as `name: purpose`",
       keywords=("component", "components", "service", "services")),
    _s("external_services", "1.3", "External services", T, 2, 12,
       question="Which external services does it depend on?", keywords=("external", "third-party api")),
    _s("infrastructure", "1.3", "Infrastructure", T, 1, 16,
       question="What infrastructure does it run on (cloud, cluster, database, cache, queues)?",
       keywords=("infrastructure", "infra", "cluster", "hosted")),
    _s("integrations", "1.3", "Third-party integrations", T, 3, 8,
       question="Which other systems call it, or does it call?",
       keywords=("integration", "integrations", "webhook")),
    # 2. Monitoring & Alerting
    _s("metrics", "2.1", "Key metrics", TB, 1, 50,
       columns=("metric", "threshold", "level", "action"), min_items=3, numeric_column="threshold",
       question="Which metrics do you alert on (at least three), at what threshold, how severe, "
                "and what should the responder do?",
       hint="one per line or `;`-separated, as `metric > threshold, critical|warning, action`",
       keywords=("metric", "metrics", "alert on", "threshold")),
    _s("app_monitoring", "2.2", "Application monitoring", T, 2, 8,
       question="What monitors the application (APM, dashboards)?", keywords=("apm", "application monitoring")),
    _s("infra_monitoring", "2.2", "Infrastructure monitoring", T, 2, 8,
       question="What monitors the infrastructure?", keywords=("infrastructure monitoring", "node metrics")),
    _s("log_management", "2.2", "Log management", T, 2, 10,
       question="Where do logs go, and how long are they kept?", keywords=("logs", "logging", "log retention")),
    _s("alerting", "2.2", "Alerting system", T, 2, 8,
       question="Which alerting platform pages people, and how is it routed?", keywords=("alerting", "paging", "alerts go")),
    _s("health_endpoint", "2.3", "Health endpoint", T, 2, 4, ask=False,
       keywords=("health endpoint", "healthz", "/health")),
    _s("health_details", "2.3", "Health check details", T, 3, 10, ask=False,
       keywords=("probe", "liveness", "readiness")),
    _s("health_checks", "2.3", "Health checks", IT, 4, 4, ask=False,
       keywords=("health check", "healthcheck", "/health")),
    # 3. Operational Procedures
    _s("startup_steps", "3.1", "Startup sequence", IT, 2, 30,
       question="How do you start {name}, in order (commands welcome), and how do you know it is up?",
       hint="steps one per line or `;`-separated",
       keywords=("start", "startup", "boot", "bring up")),
    _s("startup_checks", "3.1", "Startup verification", T, 4, 7, ask=False,
       keywords=("smoke test", "verify startup")),
    _s("graceful_shutdown", "3.2", "Graceful shutdown", T, 2, 16,
       question="How do you stop it gracefully?", keywords=("graceful", "drain", "shutdown")),
    _s("emergency_shutdown", "3.2", "Emergency shutdown", T, 2, 15,
       question="What is the emergency stop?", keywords=("emergency", "kill switch")),
    _s("backups", "3.3", "Backups", TB, 1, 32,
       columns=("component", "frequency", "retention", "location", "verification"), min_items=1,
       question="What is backed up, how often, kept how long, where, and how is each backup "
                "verified?",
       hint="one per line, as `component: frequency, retention, location, verification`",
       keywords=("backup", "backups", "snapshot", "snapshots")),
    # 4. Maintenance Procedures
    _s("maint_daily", "4.1", "Daily", T, 5, 6, ask=False, keywords=("daily",)),
    _s("maint_weekly", "4.1", "Weekly", T, 5, 6, ask=False, keywords=("weekly",)),
    _s("maint_monthly", "4.1", "Monthly", T, 5, 6, ask=False, keywords=("monthly",)),
    _s("maint_quarterly", "4.1", "Quarterly", T, 5, 6, ask=False, keywords=("quarterly",)),
    _s("db_indexes", "4.2", "Index optimization", T, 5, 7, ask=False, keywords=("index", "reindex")),
    _s("db_statistics", "4.2", "Statistics update", T, 5, 7, ask=False,
       keywords=("analyze", "statistics")),
    _s("db_cleanup", "4.2", "Cleanup tasks", T, 5, 8, ask=False, keywords=("cleanup", "purge", "vacuum")),
    _s("db_tuning", "4.2", "Performance tuning", T, 5, 7, ask=False, keywords=("tuning", "slow query")),
    _s("deploy_process", "4.3", "Deployment process", T, 2, 12,
       question="How does a new version reach production?", keywords=("deploy", "release", "ci/cd")),
    _s("rollback", "4.3", "Rollback", T, 2, 12,
       question="How do you roll back a bad release?", keywords=("rollback", "roll back", "revert")),
    # 5. Incident Response
    _s("severity_levels", "5.1", "Severity levels", TB, 5, 35, ask=False,
       columns=("level", "description", "response", "escalation"), min_items=4,
       keywords=("severity", "p1", "sev1")),
    _s("incident_channel", "5.2", "Incident coordination", T, 3, 10,
       question="Where are incidents declared and coordinated, and who is notified?",
       keywords=("incident channel", "war room", "status page", "declare")),
    _s("escalation", "5.3", "Escalation", IT, 1, 24, min_items=2,
       question="Who do you escalate to, in order: first responder, then technical, management "
                "and executive levels?",
       hint="in order, e.g. `on-call, then the team lead, then …`",
       keywords=("escalate", "escalation", "on-call", "oncall")),
    # 6. Troubleshooting Guide
    _s("common_issues", "6.1", "Common issues", TB, 1, 45,
       columns=("issue", "symptoms", "cause", "resolution"), min_items=3,
       question="What goes wrong most often (at least three issues): symptoms, root cause, fix?",
       hint="one per line or `;`-separated, as `issue | symptoms | cause | fix`",
       keywords=("issue", "issues", "goes wrong", "outage")),
    _s("diagnostic_commands", "6.2", "Diagnostic commands", IT, 2, 24,
       question="Which commands do you run first when diagnosing it (status, logs, database)?",
       hint="commands in backticks or one per line",
       keywords=("command", "commands", "kubectl", "systemctl", "psql")),
    _s("log_errors", "6.3", "Error patterns", T, 3, 12,
       question="Which log lines or error patterns matter most?",
       keywords=("error pattern", "log line", "stack trace", "exception")),
    _s("log_performance", "6.3", "Performance indicators", T, 5, 6, ask=False,
       keywords=("slow request", "latency log")),
    _s("log_security", "6.3", "Security events", T, 5, 7, ask=False,
       keywords=("auth failure", "login failure")),
    # 7. Performance Optimization
    _s("kpis", "7.1", "Key performance indicators", T, 2, 7,
       question="Which KPIs describe its performance?", keywords=("kpi", "kpis", "throughput")),
    _s("baseline", "7.1", "Baseline", T, 2, 10,
       question="What are their normal values (baseline)?", keywords=("baseline", "normal", "typically")),
    _s("perf_alerts", "7.1", "Performance alert thresholds", T, 5, 7, ask=False,
       keywords=("performance alert",)),
    _s("opt_database", "7.2", "Database optimization", T, 5, 8, ask=False,
       keywords=("query optimization", "connection pool")),
    _s("opt_application", "7.2", "Application optimization", T, 5, 7, ask=False,
       keywords=("caching", "profiling")),
    _s("opt_infrastructure", "7.2", "Infrastructure optimization", T, 5, 9, ask=False,
       keywords=("rightsizing", "autoscaling")),
    _s("growth", "7.3", "Growth projections", T, 3, 6,
       question="How fast is load growing?", keywords=("growth", "growing", "per month")),
    _s("resources", "7.3", "Resource requirements", T, 4, 7,
       question="What resources will that growth need?", keywords=("resources", "capacity")),
    _s("scaling_triggers", "7.3", "Scaling triggers", T, 2, 11,
       question="What triggers scaling (e.g. CPU over 70% for 10 minutes)?", keywords=("scale", "scaling", "autoscale")),
    # 8. Security Operations
    _s("security_events", "8.1", "Security events", T, 3, 7,
       question="Which security events are watched?", keywords=("security event", "siem")),
    _s("threat_detection", "8.1", "Threat detection", T, 3, 6,
       question="How are threats detected?", keywords=("threat", "guardduty", "waf", "ids")),
    _s("vuln_management", "8.1", "Vulnerability management", T, 3, 7,
       question="How are vulnerabilities found and patched?",
       keywords=("vulnerability", "cve", "dependabot", "snyk", "trivy")),
    _s("user_access", "8.2", "User access", T, 3, 6,
       question="How do engineers get access (SSO, roles, approvals)?", keywords=("sso", "access request", "okta")),
    _s("service_accounts", "8.2", "Service accounts", T, 3, 7,
       question="How are service accounts and their secrets managed?",
       keywords=("service account", "vault", "secrets manager", "iam role")),
    _s("privileged_access", "8.2", "Privilege escalation", T, 3, 6,
       question="How is privileged (admin) access granted?", keywords=("privilege", "sudo", "break-glass")),
    _s("audit", "8.3", "Audit requirements", T, 3, 6,
       question="Which audits apply?", keywords=("audit", "soc 2", "soc2")),
    _s("data_protection", "8.3", "Data protection", T, 3, 8,
       question="How is data protected (encryption, PII handling)?", keywords=("encryption", "encrypted", "pii", "tokeniz")),
    _s("regulatory", "8.3", "Regulatory compliance", T, 3, 5,
       question="Which regulations apply (GDPR, PCI DSS, HIPAA)?", keywords=("gdpr", "pci", "hipaa", "regulat")),
    # 9. Disaster Recovery
    _s("rto", "9.1", "RTO", D, 1, 4, question="What is the RTO (recovery time objective)?", keywords=("rto", "recovery time")),
    _s("rpo", "9.1", "RPO", D, 1, 4, question="What is the RPO (acceptable data loss)?", keywords=("rpo", "recovery point", "data loss")),
    _s("recovery_steps", "9.1", "Recovery steps", IT, 1, 32,
       question="What are the recovery steps after losing the primary database or region?",
       keywords=("failover", "recover", "restore from")),
    _s("backup_verification", "9.2", "Backup verification", T, 3, 6,
       question="How are backups verified?", keywords=("backup verification", "checksum")),
    _s("restore_testing", "9.2", "Restore testing", T, 2, 8,
       question="How often is a full restore tested?", keywords=("restore test", "restore drill")),
    _s("data_integrity", "9.2", "Data integrity", T, 3, 8,
       question="How is data integrity checked after a restore?",
       keywords=("integrity", "row count", "reconcil")),
    # 10. Documentation & Training
    _s("doc_schedule", "10.1", "Update schedule", T, 5, 5, ask=False, keywords=("doc review",)),
    _s("doc_versioning", "10.1", "Version control", T, 5, 5, ask=False, keywords=("docs repo",)),
    _s("doc_review", "10.1", "Review process", T, 5, 4, ask=False, keywords=("review",)),
    _s("onboarding", "10.2", "New team member onboarding", T, 5, 5, ask=False,
       keywords=("onboarding", "new joiner")),
    _s("training", "10.2", "Regular training", T, 5, 4, ask=False,
       keywords=("training", "game day", "gameday")),
    _s("knowledge_transfer", "10.2", "Knowledge transfer", T, 5, 5, ask=False,
       keywords=("knowledge transfer", "handover", "shadowing")),
)
# fmt: on

SLOT_BY_ID: dict[str, Slot] = {slot.id: slot for slot in SLOTS}
SLOT_IDS: tuple[str, ...] = tuple(SLOT_BY_ID)


def slot(slot_id: str) -> Slot:
    """Raises KeyError for an id not in the catalogue, so typos fail loudly in tests."""
    return SLOT_BY_ID[slot_id]


def value_texts(value: Value) -> list[str]:
    """Every piece of text in a value (the string, each item, each table cell), for counting
    words or scanning for placeholders the same way wherever a value is checked."""
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value:
        out.extend(item.values() if isinstance(item, dict) else [item])
    return out


def subsection_title(number: str) -> str:
    return subsection(number).title


def outline_check() -> None:
    """Fail fast if a slot names a subsection the spec does not have."""
    known = {sub.number for section in OUTLINE for sub in section.subsections}
    unknown = [s.id for s in SLOTS if s.subsection not in known]
    if unknown:
        raise ValueError(f"slots with unknown subsections: {unknown}")
