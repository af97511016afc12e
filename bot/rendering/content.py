"""The manual's content as typed models: the shape the template renders and the LLM may read.

Every leaf field carries ``json_schema_extra={"slot": <slot id>}``, so the mapping between the
interview's flat slot values and this nested model is declared once, on the field itself, and
:func:`content_from_values` derives it by walking the models. The descriptions double as the
field documentation an LLM sees in the JSON schema, so they say what a good value looks like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.core.slots import SLOT_BY_ID, SLOT_IDS, Value
from bot.core.values import normalise
from bot.rendering.optional import OMITTABLE


def _f(slot_id: str, description: str, **constraints: Any) -> Any:
    """A field filled from one slot: the tag is what :func:`slot_paths` walks, and tests check it
    against the catalogue, so a renamed slot cannot silently drop out of the manual."""
    return Field(description=description, json_schema_extra={"slot": slot_id}, **constraints)


def _items(slot_id: str, description: str) -> Any:
    """A list field; an empty list is a missing value, never something to render."""
    return _f(slot_id, description, min_length=1)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Row(_Model):
    """A table row; field order is column order, so ``cells()`` lines up with the header."""

    def cells(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, name)) for name in type(self).model_fields)


# ---------------------------------------------------------------- rows


class Component(_Row):
    name: str = Field(description="Short component name, e.g. 'API service' or 'PostgreSQL'.")
    purpose: str = Field(description="What the component does, in one sentence.")


class MetricRow(_Row):
    metric: str = Field(description="The measured signal, e.g. 'p99 latency' or '5xx rate'.")
    threshold: str = Field(description="When it alerts, with a number: '> 800 ms for 5 min'.")
    level: str = Field(description="Alert level: 'Critical' or 'Warning'.")
    action: str = Field(description="What the responder does first when it fires.")


class BackupRow(_Row):
    component: str = Field(description="What is backed up, e.g. 'PostgreSQL'.")
    frequency: str = Field(description="How often: 'Daily', 'Hourly', 'Continuous (WAL)'.")
    retention: str = Field(description="How long backups are kept, e.g. '35 days'.")
    location: str = Field(description="Where backups live (bucket, region, vault).")
    verification: str = Field(description="How a backup is proven restorable.")


class SeverityRow(_Row):
    level: str = Field(description="Severity label, e.g. 'P1 - Critical'.")
    description: str = Field(description="What qualifies for this level.")
    response: str = Field(description="Time to first response, e.g. '15 minutes'.")
    escalation: str = Field(description="When to escalate if unresolved, e.g. 'Immediate'.")


class IssueRow(_Row):
    issue: str = Field(description="Name of a recurring problem.")
    symptoms: str = Field(description="What responders observe (alerts, errors, user reports).")
    cause: str = Field(description="The usual root cause.")
    resolution: str = Field(description="The fix, as concrete steps or commands.")


# ---------------------------------------------------------------- 1. System Overview


class Dependencies(_Model):
    external_services: str = _f("external_services", "External services it depends on.")
    infrastructure: str = _f("infrastructure", "Cloud, cluster, databases, caches and queues.")
    integrations: str = _f("integrations", "Systems that call it or that it calls.")


class SystemOverview(_Model):
    architecture: str = _f("architecture", "How it is built and how a request flows through it.")
    components: list[Component] = _items(
        "components", "At least three components and their purpose."
    )
    dependencies: Dependencies = Field(description="What the system depends on (spec 1.3).")


# ---------------------------------------------------------------- 2. Monitoring & Alerting


class MonitoringTools(_Model):
    application: str = _f("app_monitoring", "APM and dashboards for the application.")
    infrastructure: str = _f("infra_monitoring", "What watches hosts, nodes and managed services.")
    logs: str = _f("log_management", "Where logs go and how long they are kept.")
    alerting: str = _f("alerting", "The paging platform and how alerts are routed.")


class MonitoringAlerting(_Model):
    metrics: list[MetricRow] = _items(
        "metrics", "At least three metrics, each with a numeric threshold."
    )
    tools: MonitoringTools = Field(description="Monitoring tools (spec 2.2).")
    health_endpoint: str = _f(
        "health_endpoint", "The health check request, e.g. 'GET /healthz' or '/_cluster/health'."
    )
    health_details: str = _f(
        "health_details", "What probes the system and what happens when a check fails."
    )
    health_checks: list[str] = _items(
        "health_checks", "What the health check covers, e.g. 'database'."
    )


# ---------------------------------------------------------------- 3. Operational Procedures


class Startup(_Model):
    steps: list[str] = _items("startup_steps", "Startup steps in order; commands welcome.")
    checks: str = _f("startup_checks", "How to verify the system is up after starting it.")


class Shutdown(_Model):
    graceful: str = _f("graceful_shutdown", "How to stop it without losing in-flight work.")
    emergency: str = _f("emergency_shutdown", "The emergency stop, and what to check afterwards.")


class OperationalProcedures(_Model):
    startup: Startup = Field(description="System startup (spec 3.1).")
    shutdown: Shutdown = Field(description="System shutdown (spec 3.2).")
    backups: list[BackupRow] = _items("backups", "Backup schedule, one row per component.")


# ---------------------------------------------------------------- 4. Maintenance Procedures


class RegularMaintenance(_Model):
    daily: str = _f("maint_daily", "Daily maintenance tasks.")
    weekly: str = _f("maint_weekly", "Weekly maintenance tasks.")
    monthly: str = _f("maint_monthly", "Monthly maintenance tasks.")
    quarterly: str = _f("maint_quarterly", "Quarterly maintenance tasks.")


class DatabaseMaintenance(_Model):
    indexes: str = _f("db_indexes", "Index optimisation schedule and procedure.")
    statistics: str = _f("db_statistics", "How and how often planner statistics are updated.")
    cleanup: str = _f("db_cleanup", "Data cleanup and purge procedures.")
    tuning: str = _f("db_tuning", "Database performance tuning procedures.")


class ApplicationUpdates(_Model):
    deploy_process: str = _f(
        "deploy_process", "How a release reaches production (pipeline, approvals)."
    )
    rollback: str = _f("rollback", "How to roll back a bad release.")


class MaintenanceProcedures(_Model):
    regular: RegularMaintenance = Field(description="Recurring maintenance (spec 4.1).")
    database: DatabaseMaintenance = Field(description="Database maintenance (spec 4.2).")
    updates: ApplicationUpdates = Field(description="Application updates (spec 4.3).")


# ---------------------------------------------------------------- 5. Incident Response


class IncidentResponse(_Model):
    severity_levels: list[SeverityRow] = _items(
        "severity_levels", "Levels P1-P4 with response and escalation."
    )
    incident_channel: str = _f("incident_channel", "Where incidents are declared; who is notified.")
    escalation: list[str] = _items(
        "escalation", "Four levels: responder, technical, management, executive."
    )


# ---------------------------------------------------------------- 6. Troubleshooting Guide


class LogAnalysis(_Model):
    error_patterns: str = _f("log_errors", "Log lines and error patterns that matter most.")
    performance: str = _f("log_performance", "Log-based performance signals (slow requests).")
    security: str = _f("log_security", "Security-relevant log entries (auth failures, denials).")


class TroubleshootingGuide(_Model):
    common_issues: list[IssueRow] = _items(
        "common_issues", "At least three problems: symptoms, cause, fix."
    )
    diagnostic_commands: list[str] = _items(
        "diagnostic_commands", "First diagnostic shell commands, one each."
    )
    log_analysis: LogAnalysis = Field(description="Log analysis (spec 6.3).")


# ---------------------------------------------------------------- 7. Performance Optimization


class PerformanceMonitoring(_Model):
    kpis: str = _f("kpis", "Key performance indicators.")
    baseline: str = _f("baseline", "Normal values of those KPIs, with numbers.")
    alert_thresholds: str = _f("perf_alerts", "Performance levels that raise an alert.")


class OptimizationStrategies(_Model):
    database: str = _f("opt_database", "Database tuning approaches.")
    application: str = _f("opt_application", "Code and configuration optimisation.")
    infrastructure: str = _f(
        "opt_infrastructure", "Resource optimisation (rightsizing, autoscaling)."
    )


class CapacityPlanning(_Model):
    growth: str = _f("growth", "Expected load growth.")
    resources: str = _f("resources", "Resources that growth will need.")
    scaling_triggers: str = _f("scaling_triggers", "Conditions that trigger scaling, with numbers.")


class PerformanceOptimization(_Model):
    monitoring: PerformanceMonitoring = Field(description="Performance monitoring (spec 7.1).")
    strategies: OptimizationStrategies = Field(description="Optimisation strategies (spec 7.2).")
    capacity: CapacityPlanning = Field(description="Capacity planning (spec 7.3).")


# ---------------------------------------------------------------- 8. Security Operations


class SecurityMonitoring(_Model):
    events: str = _f("security_events", "Security events that are watched.")
    threat_detection: str = _f("threat_detection", "How threats are detected.")
    vulnerability_management: str = _f(
        "vuln_management", "How vulnerabilities are found and patched."
    )


class AccessManagement(_Model):
    user_access: str = _f("user_access", "How engineers get access (SSO, roles, approvals).")
    service_accounts: str = _f("service_accounts", "How service accounts and secrets are managed.")
    privileged_access: str = _f("privileged_access", "How admin access is granted and revoked.")


class Compliance(_Model):
    audit: str = _f("audit", "Audits that apply.")
    data_protection: str = _f("data_protection", "Encryption and personal-data handling.")
    regulatory: str = _f("regulatory", "Regulations that apply (GDPR, PCI DSS, HIPAA).")


class SecurityOperations(_Model):
    monitoring: SecurityMonitoring = Field(description="Security monitoring (spec 8.1).")
    access: AccessManagement = Field(description="Access management (spec 8.2).")
    compliance: Compliance = Field(description="Compliance (spec 8.3).")


# ---------------------------------------------------------------- 9. Disaster Recovery


class RecoveryProcedures(_Model):
    rto: str = _f("rto", "Recovery time objective, e.g. '1 hour'.")
    rpo: str = _f("rpo", "Recovery point objective (acceptable data loss).")
    steps: list[str] = _items(
        "recovery_steps", "Steps after losing the primary database or region."
    )


class BackupRestore(_Model):
    backup_verification: str = _f("backup_verification", "How backups are tested.")
    restore_testing: str = _f("restore_testing", "How often a full restore is rehearsed, and how.")
    data_integrity: str = _f("data_integrity", "How data integrity is verified after a restore.")


class DisasterRecovery(_Model):
    recovery: RecoveryProcedures = Field(description="Recovery procedures (spec 9.1).")
    backup_restore: BackupRestore = Field(description="Backup and restore (spec 9.2).")


# ---------------------------------------------------------------- 10. Documentation & Training


class DocumentationMaintenance(_Model):
    update_schedule: str = _f("doc_schedule", "How often this manual is reviewed and updated.")
    version_control: str = _f("doc_versioning", "Where the manual is versioned.")
    review_process: str = _f("doc_review", "Who reviews changes to the manual, and how.")


class TeamTraining(_Model):
    onboarding: str = _f("onboarding", "How a new team member learns to operate the system.")
    regular_training: str = _f("training", "Ongoing training schedule (game days, drills).")
    knowledge_transfer: str = _f(
        "knowledge_transfer", "How knowledge is shared (handovers, shadowing)."
    )


class DocumentationTraining(_Model):
    maintenance: DocumentationMaintenance = Field(description="Documentation (spec 10.1).")
    training: TeamTraining = Field(description="Team training (spec 10.2).")


# ---------------------------------------------------------------- the manual


class ManualContent(_Model):
    title: str = Field(min_length=1, description="Project name, shown after 'Operations Manual:'.")
    version: int = Field(ge=1, description="Manual version number, starting at 1.")
    date: dt.date = Field(description="Date this version was rendered.")
    team: str = Field(min_length=1, description="Team that owns the system and this manual.")
    overview: SystemOverview = Field(description="Section 1: System Overview.")
    monitoring: MonitoringAlerting = Field(description="Section 2: Monitoring & Alerting.")
    operations: OperationalProcedures = Field(description="Section 3: Operational Procedures.")
    maintenance: MaintenanceProcedures = Field(description="Section 4: Maintenance Procedures.")
    incidents: IncidentResponse = Field(description="Section 5: Incident Response.")
    troubleshooting: TroubleshootingGuide = Field(description="Section 6: Troubleshooting Guide.")
    performance: PerformanceOptimization = Field(description="Section 7: Performance Optimization.")
    security: SecurityOperations = Field(description="Section 8: Security Operations.")
    disaster_recovery: DisasterRecovery = Field(description="Section 9: Disaster Recovery.")
    documentation: DocumentationTraining = Field(
        description="Section 10: Documentation & Training."
    )


# ---------------------------------------------------------------- slot values -> model


class MissingSlotsError(ValueError):
    """Raised when values lack slots the manual needs; ``missing`` lists their ids."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            f"cannot build the manual: {len(missing)} slot(s) have no value: {', '.join(missing)}"
            " (fill defaults before rendering)"
        )


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "slot" in extra:
            yield str(extra["slot"]), (*prefix, name)
            continue
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _walk(annotation, (*prefix, name))


def slot_field_pairs() -> list[tuple[str, tuple[str, ...]]]:
    """Every (slot id, field path) tag in the model, duplicates included, for consistency tests."""
    return list(_walk(ManualContent, ()))


@lru_cache(maxsize=1)
def slot_paths() -> dict[str, tuple[str, ...]]:
    """Slot id -> attribute path in ManualContent, e.g. ``("overview", "architecture")``."""
    return dict(slot_field_pairs())


def _is_empty(value: Value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return not value


def content_from_values(
    *, name: str, values: dict[str, Value], version: int, date: dt.date, team: str
) -> ManualContent:
    """Map flat slot values onto the model; raises MissingSlotsError naming every absent slot.

    Values are normalised to their slot's kind first (a TEXT slot given a list is joined, an
    ITEMS slot given a string becomes one item), so the template can rely on the shapes.
    Unknown ids are ignored: the draft may hold slots a newer catalogue retired.
    """
    shaped: dict[str, Value] = {}
    for slot_id in SLOT_IDS:
        raw = values.get(slot_id)
        if raw is None:
            continue
        value = normalise(SLOT_BY_ID[slot_id], raw)
        if not _is_empty(value):
            shaped[slot_id] = value
        elif slot_id in OMITTABLE and raw == "":
            shaped[slot_id] = ""  # a proposal the fitter dropped: its bullet is not rendered
    missing = [slot_id for slot_id in SLOT_IDS if slot_id not in shaped]
    if missing:
        raise MissingSlotsError(missing)
    tree: dict[str, Any] = {"title": name, "version": version, "date": date, "team": team}
    for slot_id, path in slot_paths().items():
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = shaped[slot_id]
    return ManualContent.model_validate(tree)
