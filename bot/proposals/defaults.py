"""Proposals for every slot the interview did not fill, built from what the draft already says.

Slots with ``ask=False`` are never asked, and ``finish`` may end an interview early, yet the
manual must still be complete, specific and free of placeholders. So every slot gets a proposal
written for *this* system: its database's own maintenance commands, its platform's diagnostic
commands with the real slug, its alerting tool in the escalation path. Each proposal is terse:
the template's own headings and labels take ~300 of the manual's 800 words, so a draft that
knows only its name must still fit with every slot defaulted (about 470 words of defaults).

A proposal is ``Op.INFERRED`` when the engineer should check it: every asked slot (the answer was
expected from a human) and any default that used a fact from the draft. What stays ``Op.DEFAULT``
is generic best practice, recognised as equal to what a draft knowing only its name would get.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import cast

from bot.core.draft import Draft, Op
from bot.core.slots import SLOT_BY_ID, SLOTS, Row, Slot, SlotKind, Value
from bot.core.values import normalise, validate
from bot.proposals.context import Context, Ops, build_context

__all__ = ["Context", "build_context", "propose_defaults"]


def _join(parts: list[str] | tuple[str, ...]) -> str:
    """Join the non-empty parts as "A, B and C", so unknown facts drop out of a sentence."""
    items = [p for p in parts if p]
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


def _table(slot_id: str, lines: list[str] | tuple[str, ...]) -> list[Row]:
    """Rows written as Markdown-like "a | b | c" lines, keyed by the slot's own columns.

    Reads like the table it renders to, and ``strict`` zip means a row can never miss or add a
    column. Names from the draft cannot inject a separator: the context strips ``|`` from them.
    """
    columns = SLOT_BY_ID[slot_id].columns
    return [dict(zip(columns, line.split(" | "), strict=True)) for line in lines]


# The spec's own 5.1 table: it has real values, so the manual reuses them verbatim.
SEVERITY_LEVELS = (
    "P1 - Critical | System down, data loss | 15 minutes | Immediate",
    "P2 - High | Major functionality affected | 1 hour | 2 hours",
    "P3 - Medium | Minor functionality affected | 4 hours | 24 hours",
    "P4 - Low | Cosmetic issues | 24 hours | 72 hours",
)


def _overview(c: Context, o: Ops) -> dict[str, Value]:
    where = f" on {c.platform}" if c.platform else ""
    cloud = f" in {c.cloud}" if c.cloud else ""
    data = _join([c.database, c.cache if c.cache != c.database else ""])
    state = f"state in {data}" if data else "one database"
    components = [
        "API | HTTPS requests",
        "Worker | Background jobs",
        f"{c.database or 'Database'} | Persistent data",
    ]
    if c.cache and c.cache != c.database:
        components.append(f"{c.cache} | Cache")
    if c.queue:
        components.append(f"{c.queue} | Async work")
    tools = _join([c.cloud, c.monitoring, c.pager])
    return {
        "architecture": f"{_join(c.components[:3]) or 'Stateless services'}{where}{cloud} "
        f"behind a load balancer, {state}.",
        "components": _table("components", components),
        "external_services": f"{tools}." if tools else "Hosting provider only.",
        "infrastructure": f"{c.platform or 'Containers'}{' on ' + c.cloud if c.cloud else ''}; "
        f"{_join(c.stores) or 'a managed database'}.",
        "integrations": f"HTTPS API clients{'; events via ' + c.queue if c.queue else ''}.",
    }


def _monitoring(c: Context, o: Ops) -> dict[str, Value]:
    metrics = [
        "5xx rate | > 1% for 5 min | Critical | Roll back",
        "p95 latency | > 500 ms | Warning | Check slow queries",
        "CPU | > 80% for 10 min | Warning | Scale out",
    ]
    if c.database:
        metrics.append(f"{c.database} connections | > 80% of max | Warning | Find leaks")
    kube = c.platform_kind == "kubernetes"
    checks = [c.database or "Database", c.cache, c.queue]
    return {
        "metrics": _table("metrics", metrics),
        "app_monitoring": f"{c.monitoring or 'APM'}: rate, errors, p95 latency.",
        "infra_monitoring": f"{c.monitoring or 'Dashboards'}: CPU, memory, "
        f"{'pod restarts' if kube else 'disk'}.",
        "log_management": f"{c.logging or 'Central JSON logs'}, 30 days.",
        "alerting": f"{c.pager or 'On-call'} pages Critical; Warning to Slack.",
        # Rendered as the keys of the /health JSON, so these are names of dependency checks.
        "health_endpoint": "`GET /health`",
        "health_details": "Load balancer probes it; failing instances leave rotation.",
        "health_checks": list(dict.fromkeys(check for check in checks if check)),
    }


def _health_request(team: str) -> str:
    """The team's own endpoint: a proposed `GET /health` beside their real `/healthz` sends a
    responder to a URL that does not exist."""
    request = team.replace("`", "").strip()
    if not request or len(request.split()) > 3:
        return "`GET /health`" if not request else "the health endpoint (2.3)"
    return f"`{'GET ' + request if request.startswith('/') else request}`"


def _operations(c: Context, o: Ops) -> dict[str, Value]:
    where = c.terms.storage
    backups = [
        f"{c.database or 'Database'} | {c.engine.backup} | 35 days | {where} | Restore drill"
    ]
    return {
        "startup_steps": [
            f"Check {_join(c.stores) or 'database'} connectivity",
            o.start,
            o.started,
        ],
        "startup_checks": f"Smoke test {_health_request(c.health)}.",
        "graceful_shutdown": f"Drain 30 s, then {o.stop}.",
        "emergency_shutdown": f"{o.kill}; check data consistency.",
        "backups": _table("backups", backups),
    }


def _maintenance(c: Context, o: Ops) -> dict[str, Value]:
    images = " and images" if c.platform_kind in ("kubernetes", "ecs", "docker") else ""
    return {
        "maint_daily": f"Review {c.monitoring or 'overnight'} alerts and backup status.",
        "maint_weekly": f"Patch dependencies{images} via staging.",
        "maint_monthly": "Capacity and cost review.",
        "maint_quarterly": "Failover drill and access review.",
        "db_indexes": c.engine.indexes,
        "db_statistics": c.engine.statistics,
        "db_cleanup": c.engine.cleanup,
        "db_tuning": c.engine.tuning,
        "deploy_process": "CI, staging tests, then production"
        f"{' on ' + c.platform if c.platform else ''}.",
        "rollback": f"{o.rollback}.",
    }


def _incidents(c: Context, o: Ops) -> dict[str, Value]:
    issues = [
        "Bad release | 5xx after deploy | Regression | Roll back",
        f"{c.database or 'Database'} connections exhausted | Timeouts | Pool leak | Cap pool size",
    ]
    if c.cache:
        issues.append(f"{c.cache} evictions | Slow reads | Memory full | Scale node")
    if c.queue:
        issues.append(f"{c.queue} backlog | Delayed jobs | Stuck consumers | Scale consumers")
    issues.append("Memory leak | OOM kills | Unbounded cache | Restart; profile heap")
    checks = [o.status, o.logs, c.engine.check]
    if c.cache == "Redis" and c.engine_key != "redis":
        checks.append('`redis-cli -h "$REDIS_HOST" ping`')
    return {
        "severity_levels": _table("severity_levels", SEVERITY_LEVELS),
        "incident_channel": "Slack incident channel"
        + (f"; page via {c.pager}" if c.pager else "")
        + "; updates every 30 minutes.",
        "escalation": [
            f"On-call engineer via {c.pager or 'paging'}",
            f"{c.team + ' team' if c.team else c.name} tech lead after 30 minutes",
            "Engineering manager after 1 hour",
            "VP Engineering or CTO for P1",
        ],
        "common_issues": _table("common_issues", issues[:3]),
        "diagnostic_commands": checks,
        "log_errors": f"ERROR/FATAL, 5xx, {c.db} timeouts, OOM kills.",
        "log_performance": "Requests > 500 ms, queries > 200 ms.",
        "log_security": f"Failed logins, 401/403 bursts{', ' + c.terms.audit if c.cloud else ''}.",
    }


def _performance(c: Context, o: Ops) -> dict[str, Value]:
    return {
        "kpis": f"RPS, p95 latency, error rate{', ' + c.queue + ' lag' if c.queue else ''}.",
        "baseline": "Errors < 0.1%, p95 < 300 ms, CPU 30–50%.",
        "perf_alerts": "p95 > 500 ms warns; errors > 1% page.",
        "opt_database": c.engine.optimisation,
        "opt_application": f"Cache hot reads{' in ' + c.cache if c.cache else ''}; batch calls.",
        "opt_infrastructure": o.rightsize,
        "growth": "Assume 15% per quarter; review monthly.",
        "resources": "Keep 30% CPU, memory and storage headroom.",
        "scaling_triggers": f"{o.scale} at CPU > 70% for 10 min.",
    }


def _security(c: Context, o: Ops) -> dict[str, Value]:
    t = c.terms
    kms = f" ({t.kms})" if c.cloud else ""
    return {
        "security_events": f"Failed logins, privilege changes{', ' + t.audit if c.cloud else ''}.",
        "threat_detection": f"{t.threats} findings to {c.pager or 'on-call'}.",
        "vuln_management": "Critical CVEs patched within 7 days.",
        "user_access": "SSO; tech lead approves; quarterly review.",
        "service_accounts": f"{t.identity}; secrets in {t.secrets}.",
        "privileged_access": "Time-limited, approved; break-glass audited.",
        "audit": "Logs kept one year; quarterly review.",
        "data_protection": f"TLS in transit; encrypted at rest{kms}.",
        "regulatory": "GDPR for EU personal data.",
    }


def _recovery(c: Context, o: Ops) -> dict[str, Value]:
    return {
        "rto": "4 hours",
        "rpo": c.rpo or "1 hour",
        "recovery_steps": [
            "Declare P1; freeze deploys",
            f"Promote a replica or restore the {c.db} backup",
            f"Repoint and restart: {o.restart}",
            "Verify `GET /health` and row counts",
        ],
        "backup_verification": "Daily automated check; alerts on failure.",
        "restore_testing": f"Quarterly {c.db} restore into staging.",
        "data_integrity": c.engine.integrity,
    }


def _documentation(c: Context, o: Ops) -> dict[str, Value]:
    return {
        "doc_schedule": "Quarterly and after P1/P2 post-mortems.",
        "doc_versioning": f"Markdown in the {c.slug} repository.",
        "doc_review": "Tech lead approves changes.",
        "onboarding": "Read this manual; shadow on-call.",
        "training": "Quarterly failover game day.",
        "knowledge_transfer": "Handover notes each on-call rotation.",
    }


_SECTIONS: tuple[Callable[[Context, Ops], dict[str, Value]], ...] = (
    _overview,
    _monitoring,
    _operations,
    _maintenance,
    _incidents,
    _performance,
    _security,
    _recovery,
    _documentation,
)


def _all(c: Context) -> dict[str, Value]:
    ops = c.ops
    out: dict[str, Value] = {}
    for build in _SECTIONS:
        out.update(build(c, ops))
    return out


def _safe(value: Value) -> Value:
    """Defence in depth: names come from user text, and must not break tables or headings."""
    if isinstance(value, str):
        return " ".join(value.replace("|", "/").split()).lstrip("#").strip()
    return [
        _safe(v) if isinstance(v, str) else {k: str(_safe(x)) for k, x in v.items()} for v in value
    ]  # type: ignore[return-value]


def _entry_ok(slot_def: Slot, entry: str | Row) -> bool:
    """Whether one list entry would be acceptable on its own (row checks, not row counts)."""
    single = replace(slot_def, min_items=1, exact_items=None)
    return not validate(single, cast(Value, [entry]))


def _complete(slot_def: Slot, current: Value | None, proposal: Value) -> Value:
    """Keep the valid part of a half-answered list, and top it up from the proposal.

    ``apply_machine_values`` stores the whole value, so dropping two metrics the engineer did
    give would lose their answer; only the missing entries are added.
    """
    if slot_def.kind not in (SlotKind.ITEMS, SlotKind.TABLE) or not isinstance(current, list):
        return proposal
    kept: list[str | Row] = [v for v in current if _entry_ok(slot_def, v)]
    extras: list[str | Row] = list(proposal) if isinstance(proposal, list) else []
    if not kept:
        return proposal
    if slot_def.exact_items is not None:
        return cast(Value, (kept + extras[len(kept) :])[: slot_def.exact_items])
    first = slot_def.columns[0] if slot_def.columns else ""
    seen = {(v if isinstance(v, str) else v.get(first, "")).lower() for v in kept}
    for extra in extras:
        if not validate(slot_def, cast(Value, kept)):
            break
        key = (extra if isinstance(extra, str) else extra.get(first, "")).lower()
        if key not in seen:
            kept.append(extra)
            seen.add(key)
    return cast(Value, kept)


def propose_defaults(draft: Draft) -> list[tuple[str, Value, Op]]:
    """A value and its provenance for every slot the draft has not filled, in catalogue order.

    Pure and deterministic: the same draft always yields the same proposals, so a re-run job or
    a re-rendered manual never changes wording by itself.
    """
    context = build_context(draft)
    proposals = _all(context)
    generic = _all(context.baseline())
    out: list[tuple[str, Value, Op]] = []
    for slot_def in SLOTS:
        if draft.filled(slot_def.id):
            continue
        value = _complete(slot_def, draft.value(slot_def.id), proposals[slot_def.id])
        value = normalise(slot_def, _safe(value))
        specific = slot_def.ask or value != normalise(slot_def, _safe(generic[slot_def.id]))
        out.append((slot_def.id, value, Op.INFERRED if specific else Op.DEFAULT))
    return out


def short_proposals(draft: Draft) -> dict[str, Value]:
    """A terse proposal for every slot, whether filled or not.

    The renderer's last resort: when a draft holds more than even the shortest form of its
    answers can fit in 800 words, the worst parts are swapped for these (marked as proposals,
    the engineers' full text kept in the details file), so a manual is always published.
    """
    context = build_context(draft)
    proposals, generic = _all(context), _all(context.baseline())
    out: dict[str, Value] = {}
    for slot_def in SLOTS:
        value = normalise(slot_def, _safe(proposals[slot_def.id]))
        if validate(slot_def, value):  # built from draft words that cannot stand: go generic
            value = normalise(slot_def, _safe(generic[slot_def.id]))
        out[slot_def.id] = value
    return out
