"""Labels engineers write ("security:", "DR =", "useful cmds:") and the slots they name.

A label names a group of slots ("monitoring", "DR", "security") or a single one by its own
words ("backups", "escalation"). The router weighs a segment's label and the line that
introduced a list by these; the segmenter uses them to tell a label line that introduces a
list ("alerts:") from content.
"""

from __future__ import annotations

import re

from bot.extraction.offline.lexicon import scores

DECIDES = 1.5  # evidence a segment needs to be placed on its own

# Labels that name a section or a group of slots rather than one slot.
# fmt: off
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"secur\w*|sec ops|secops", ("security_events", "threat_detection", "vuln_management",
     "user_access", "service_accounts", "privileged_access", "audit", "data_protection",
     "regulatory")),
    (r"complian\w*|regulat\w*|legal", ("audit", "data_protection", "regulatory")),
    (r"access|auth\w*|permissions|iam", ("user_access", "service_accounts", "privileged_access")),
    (r"capacity|scal\w+|growth", ("growth", "resources", "scaling_triggers")),
    (r"maint\w*|housekeeping|routine", ("maint_daily", "maint_weekly", "maint_monthly",
     "maint_quarterly", "db_indexes", "db_statistics", "db_cleanup", "db_tuning")),
    (r"db maint\w*|database maint\w*|index side", ("db_indexes", "db_statistics", "db_cleanup",
     "db_tuning")),
    (r"incidents?|sev\w*|severity", ("severity_levels", "incident_channel", "escalation")),
    (r"deps?(?: wise)?|dependenc\w+|upstream|downstream", ("external_services", "infrastructure",
     "integrations")),
    (r"monitoring|observability|o11y|dashboards?", ("app_monitoring", "infra_monitoring",
     "log_management", "alerting")),
    (r"alert\w*|alarms?|pages?", ("metrics", "alerting")),
    (r"logs?|logging", ("log_management", "log_errors")),
    (r"health\w*|probes?|liveness|readiness", ("health_details", "health_endpoint")),
    (r"dr|disaster\s+recovery|recovery|failover", ("rto", "rpo", "recovery_steps",
     "backup_verification", "restore_testing", "data_integrity")),
    (r"restore\s+tests?|restore\s+drills?", ("restore_testing", "data_integrity")),
    (r"perf\w*|normal numbers|numbers|baseline|kpis?", ("kpis", "baseline", "perf_alerts")),
    (r"docs?|documentation|runbooks?|training|onboarding|knowledge", ("doc_schedule",
     "doc_versioning", "doc_review", "onboarding", "training", "knowledge_transfer")),
    (r"useful\s+(?:cmds|commands)|commands|cmds|debug\w*|troubleshoot\w*|diagnos\w*",
     ("diagnostic_commands", "log_errors")),
    (r"(?:most\s+)?common\s+(?:issues|problems)|(?:the\s+)?stuff\s+we\s+(?:actually\s+)?hit|known\s+"
     r"issues|gotchas|failure\s+modes|(?:what|things\s+that)\s+(?:usually\s+)?(?:breaks?|goes\s+wrong)"
     r"|(?:usual|typical)\s+(?:suspects|problems|issues)|war\s+stories", ("common_issues",)),
    (r"deploy\w*|releases?|ci/?cd|rollouts?", ("deploy_process", "rollback")),
    (r"start\w*|boot\w*", ("startup_steps", "startup_checks")),
    (r"steps?|procedure|in order|order", ("recovery_steps", "startup_steps")),
    (r"shut\w*|stop\w*|graceful\w*", ("graceful_shutdown", "emergency_shutdown")),
    (r"emergency|kill\s*switch", ("emergency_shutdown",)),
    (r"backups?|snapshots?", ("backups", "backup_verification")),
    (r"escalation|on-?call", ("escalation", "alerting")),
    (r"components?|parts|pieces|services", ("components",)),
    (r"(?:data(?:\s+(?:stores?|layer|side))?|datastores?|storage|databases?)$", ("components",
     "infrastructure")),
    (r"architecture|overview|quick version|tl;?dr|summary|flow|how it works|request path",
     ("architecture", "components", "infrastructure")),
)
# fmt: on
_HEAD_LEAD = re.compile(r"^(?:for|in|on|re|about|as\s+for|and|also|the|our|some)\s+")
_GROUP_RES = tuple((re.compile(rf"^(?:{p})\b", re.I), slots) for p, slots in GROUPS)


def group_slots(head: str) -> tuple[str, ...]:
    """The slots a label names as a group ("security", "DR", "incidents"), nothing else."""
    found: list[str] = []
    text = _HEAD_LEAD.sub("", head.strip().lower())
    for regex, slots in _GROUP_RES:
        if regex.match(text):
            found.extend(slots)
    return tuple(dict.fromkeys(found))


def head_slots(head: str) -> tuple[str, ...]:
    """The slots a label names: a group ("security") or whatever its words score for."""
    found = list(group_slots(head))
    text = _HEAD_LEAD.sub("", head.strip().lower())
    ranked = sorted(scores(text).items(), key=lambda kv: -kv[1])
    found.extend(s for s, v in ranked if v >= DECIDES)
    return tuple(dict.fromkeys(found))
