"""Which parts of the manual may be left out, and only when they say nothing of the team's.

The spec's subsections list suggested bullets (Daily, Weekly, Monthly, Quarterly; Database,
Application, Infrastructure Optimization …). When the engineers filled some of a subsection's
bullets and the bot only proposed the others, the proposals may give way, label and all, to
make room in the 800 words for what the engineers said. A subsection is never left empty
(``bot.rendering.fit``), and nothing is lost: a proposal is a guess, not a fact.
"""

from __future__ import annotations

# Labelled bullets of bulleted subsections, and the last ("Verify") step of 3.1.
OMITTABLE = frozenset(
    {
        "external_services", "infrastructure", "integrations",
        "app_monitoring", "infra_monitoring", "log_management", "alerting",
        "health_details", "startup_checks",
        "maint_daily", "maint_weekly", "maint_monthly", "maint_quarterly",
        "db_indexes", "db_statistics", "db_cleanup", "db_tuning",
        "log_errors", "log_performance", "log_security",
        "kpis", "baseline", "perf_alerts",
        "opt_database", "opt_application", "opt_infrastructure",
        "growth", "resources", "scaling_triggers",
        "security_events", "threat_detection", "vuln_management",
        "user_access", "service_accounts", "privileged_access",
        "audit", "data_protection", "regulatory",
        "backup_verification", "restore_testing", "data_integrity",
        "doc_schedule", "doc_versioning", "doc_review",
        "onboarding", "training", "knowledge_transfer",
    }
)  # fmt: skip
