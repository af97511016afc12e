"""Answers the offline extractor understands, by slot, for driving whole interviews."""

from __future__ import annotations

import re

ANSWERS: dict[str, str] = {
    "architecture": "A Python API on Kubernetes writing to PostgreSQL",
    "components": "api: serves the REST endpoints; worker: settles payments from the queue; "
    "scheduler: runs nightly reconciliation",
    "infrastructure": "AWS EKS and RDS PostgreSQL",
    "external_services": "Stripe and the bank's SEPA gateway",
    "integrations": "Checkout calls it",
    "metrics": "error rate > 2%, critical, page the on-call; p99 latency > 800 ms, warning, "
    "check the database; queue depth > 5000, warning, scale the workers",
    "app_monitoring": "Datadog APM",
    "infra_monitoring": "Prometheus with node exporter",
    "log_management": "Loki, 30 days",
    "alerting": "PagerDuty",
    "startup_steps": "kubectl apply -f deploy/; kubectl rollout status deploy/payments-api; "
    "curl https://payments.internal/health returns ok",
    "graceful_shutdown": "Scale to zero after draining",
    "emergency_shutdown": "Flip the kill switch flag",
    "backups": "postgres: hourly, 30 days, S3 eu-west-1, restore test weekly",
    "deploy_process": "Argo CD canary rollout",
    "rollback": "argocd app rollback payments-api to the previous revision",
    "incident_channel": "#inc-payments",
    "escalation": "on-call engineer; payments tech lead; engineering manager; VP engineering",
    "common_issues": "stuck settlements: queue depth grows / Kafka consumer lag / restart the "
    "worker; slow checkout: p99 over 1 s / missing index / add the index; failed webhooks: 5xx "
    "from Stripe / Stripe outage / replay from the dead letter queue",
    "diagnostic_commands": "`kubectl get pods -n payments`; `kubectl logs deploy/payments-api`; "
    "`psql -c 'select count(*) from pg_stat_activity'`",
    "log_errors": "SettlementTimeout",
    "kpis": "Payments per second",
    "baseline": "About 40 per second",
    "growth": "10% a month",
    "resources": "Two more nodes",
    "scaling_triggers": "CPU over 70% for 10 minutes",
    "security_events": "Failed logins",
    "threat_detection": "GuardDuty",
    "vuln_management": "Trivy scans, patched in 14 days",
    "user_access": "Okta SSO",
    "service_accounts": "Secrets in Vault",
    "privileged_access": "Teleport with approval",
    "audit": "Yearly PCI DSS audit",
    "data_protection": "KMS encryption and TLS",
    "regulatory": "PCI DSS and GDPR",
    "rto": "4 hours",
    "rpo": "15 minutes",
    "recovery_steps": "promote the RDS replica; point the API at it; replay the Kafka topic; "
    "verify balances",
    "backup_verification": "Checksums",
    "restore_testing": "Quarterly",
    "data_integrity": "Ledger reconciliation",
}

_QUESTION = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def answer_for(message_text: str) -> str | None:
    """A numbered answer to the numbered questions in one bot message, or None if none."""
    answered = answers_for(message_text)
    return "\n".join(line for _, line in answered) if answered else None


def answers_for(message_text: str) -> list[tuple[str, str]]:
    """(slot id, "N. answer") for each numbered question in a bot message that we can answer."""
    from bot.core.slots import SLOTS

    parts = []
    for number, question in _QUESTION.findall(message_text):
        slot = _slot_for(question, SLOTS)
        if slot is None:
            continue
        parts.append((slot, f"{number}. {ANSWERS.get(slot, 'I do not know')}"))
    return parts


def _slot_for(question: str, slots) -> str | None:
    for slot in slots:
        text = getattr(slot, "question", "") or ""
        if not text:
            continue
        head = re.escape(text.split("{name}")[0][:40])
        if head and re.match(head, question):
            tail = text.split("{name}")[-1][:30]
            if tail in question:
                return slot.id
    return None
