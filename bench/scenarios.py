"""Three scripted interviews and the simulated engineer that answers from them.

Why scripted: the issue's "done when" is measured on a cooperative engineer (at most 25 replies,
at least 90% of the facts they gave end up in the manual). A script makes that measurable and
repeatable, and the same answers drive both ``bench.bench_engine`` and the end-to-end tests.

Each scenario answers every asked slot (``Slot.ask``) the way an engineer types on one line, in
the formats the offline extractor documents (``name: purpose`` rows, ``metric > threshold,
level, action`` rows, ``issue: symptoms / cause / fix`` rows, ``;`` between rows and steps).
Answers stay terse because the whole manual must fit 800 words, ~300 of them template text.
``facts`` are short distinctive strings (numbers, names, commands, thresholds) that the final
manual should contain; each is a substring of one answer, which :meth:`Scenario.problems` checks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.slots import SLOTS
from bot.interview.planner import Question

ASKED_SLOTS: tuple[str, ...] = tuple(s.id for s in SLOTS if s.ask)
DONT_KNOW = "I don't know"


class Asked(Protocol):
    """What the engineer needs from a question: its number in the message and its slot."""

    @property
    def number(self) -> int: ...

    @property
    def slot_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    name: str
    kind: str
    answers: Mapping[str, str]
    facts: tuple[str, ...]

    def problems(self) -> list[str]:
        """Script errors: an asked slot without an answer, or a fact no answer contains."""
        out = [f"{self.key}: no answer for {s}" for s in ASKED_SLOTS if s not in self.answers]
        out += [f"{self.key}: unknown slot {s}" for s in self.answers if s not in ASKED_SLOTS]
        text = "\n".join(self.answers.values())
        out += [f"{self.key}: fact {f!r} is in no answer" for f in self.facts if f not in text]
        return out

    def missing_facts(self, markdown: str) -> list[str]:
        """Facts absent from the manual (a table cell's ``\\|`` counts as a plain ``|``)."""
        plain = " ".join(markdown.replace("\\|", "|").split())
        return [f for f in self.facts if " ".join(f.split()) not in plain]


class SimulatedEngineer:
    """Answers whatever the bot asks, from one scenario, as ONE line per message.

    Several questions get ``1. … 2. … 3. …`` on one line (the terminal reads one reply per
    line); rows and steps inside an answer are already ``;``-separated in the script. A slot
    asked again (the bot saw a problem) gets the same answer up to ``patience`` times, then
    "I don't know", so a parsing failure shows up as extra replies and missing facts instead of
    an endless loop.
    """

    def __init__(self, scenario: Scenario, *, patience: int = 2) -> None:
        self.scenario = scenario
        self.patience = patience
        self.times_asked: Counter[str] = Counter()

    def answer(self, slot_id: str) -> str:
        self.times_asked[slot_id] += 1
        if self.times_asked[slot_id] > self.patience:
            return DONT_KNOW
        return self.scenario.answers.get(slot_id, DONT_KNOW)

    def reply(self, questions: Sequence[Asked]) -> str | None:
        if not questions:
            return None
        if len(questions) == 1:
            return self.answer(questions[0].slot_id)
        return " ".join(f"{q.number}. {self.answer(q.slot_id)}" for q in questions)


_QUESTION_LINE = re.compile(r"^([1-9])\. (.+)$")


_REMINDER = re.compile(r"Still open from my last questions: (.+?)\. Answer any time")


def questions_from_text(text: str, *, name: str) -> list[Question]:
    """The numbered questions in the bot's printed message, mapped back to their slots.

    Used by the end-to-end test, which only sees the terminal output: a question line is
    "N. <the slot's question with {name} filled in>" followed by an optional problem and hint.
    """
    wording = {s.question.replace("{name}", name): s.id for s in SLOTS if s.ask}
    found: list[Question] = []
    reminder = _REMINDER.search(text)
    if reminder:  # the questions are the ones the engineer scrolled past, in the same order
        labels = {s.label: s for s in SLOTS if s.ask}
        for number, label in enumerate(reminder.group(1).split(", "), start=1):
            if label in labels:
                slot = labels[label]
                found.append(Question(number, slot.id, slot.question.replace("{name}", name)))
        return found
    for line in text.splitlines():
        match = _QUESTION_LINE.match(line.strip())
        if not match:
            continue
        for question, slot_id in wording.items():
            if match.group(2).startswith(question):
                found.append(Question(int(match.group(1)), slot_id, question))
                break
    return found


# fmt: off
PAYMENTS = Scenario(
    key="payments",
    name="Payments API",
    kind="Go service on EKS, RDS PostgreSQL + Redis, Stripe, Datadog, PagerDuty",
    answers={
        "architecture": "Go API on EKS behind an ALB; writes to RDS PostgreSQL, caches in Redis",
        "components": "payments-api: REST charge endpoints; ledger-worker: settles charges from "
                      "SQS; webhook-relay: ingests Stripe webhooks; pgbouncer: connection pooling",
        "external_services": "Stripe, Adyen fallback, SendGrid",
        "infrastructure": "EKS 1.29, RDS PostgreSQL 15, Redis 7, eu-west-1",
        "integrations": "Checkout web, mobile app, NetSuite export",
        "metrics": "p99 latency > 800ms, critical, page on-call and check pgbouncer; "
                   "error rate > 2% for 5 minutes, critical, roll back last deploy; "
                   "Redis memory > 85%, warning, raise maxmemory",
        "app_monitoring": "Datadog APM and dashboards",
        "infra_monitoring": "CloudWatch plus Datadog infra agent",
        "log_management": "Datadog Logs, 15 days retention",
        "alerting": "PagerDuty, payments-primary rotation",
        "startup_steps": "scale pgbouncer to 2 replicas; kubectl -n payments scale "
                         "deploy/payments-api --replicas=6; wait until /healthz returns 200",
        "graceful_shutdown": "Drain ALB targets, then scale payments-api to 0",
        "emergency_shutdown": "Set PAYMENTS_KILL_SWITCH=true in LaunchDarkly; API returns 503",
        "backups": "RDS PostgreSQL: hourly snapshots, 35 days, AWS Backup vault, weekly restore "
                   "test; Redis: daily RDB, 7 days, S3 payments-backups, checksum verified",
        "deploy_process": "GitHub Actions builds; Argo CD canary 10% then 100%",
        "rollback": "argocd app rollback payments-api, then watch error rate",
        "incident_channel": "#inc-payments on Slack; Statuspage for merchants",
        "escalation": "on-call SRE -> payments tech lead -> engineering manager -> CTO",
        "common_issues": "DB pool exhaustion: 503s, p99 spikes / max_client_conn hit / raise "
                         "pool size; Stripe timeouts: charge errors rise / Stripe degraded / "
                         "enable Adyen fallback; Stuck settlements: SQS age > 10 min / "
                         "ledger-worker crash loop / restart ledger-worker",
        "diagnostic_commands": "`kubectl -n payments get pods`; `kubectl -n payments logs "
                               "deploy/payments-api --since=15m`; `psql -h payments-db -c "
                               "'select count(*) from pg_stat_activity'`",
        "log_errors": "context deadline exceeded; pq: too many connections",
        "kpis": "Authorizations per second, p99 latency",
        "baseline": "about 350 auth/s, p99 420ms",
        "growth": "15% per quarter",
        "resources": "Two more m6i.xlarge nodes by Q3",
        "scaling_triggers": "HPA on CPU over 70% for 5 minutes, max 20 pods",
        "security_events": "Failed logins, IAM changes via CloudTrail",
        "threat_detection": "GuardDuty plus AWS WAF",
        "vuln_management": "Snyk; criticals patched within 7 days",
        "user_access": "Okta SSO, groups per role",
        "service_accounts": "IRSA roles; secrets in AWS Secrets Manager",
        "privileged_access": "Teleport, approved in #access",
        "audit": "SOC 2 Type II yearly",
        "data_protection": "KMS at rest, TLS 1.2+, card data tokenized",
        "regulatory": "PCI DSS level 1, GDPR",
        "rto": "1 hour",
        "rpo": "5 minutes",
        "recovery_steps": "promote RDS read replica in eu-west-1b; update payments-db CNAME; "
                          "restart payments-api pods; reconcile with Stripe payouts",
        "backup_verification": "AWS Backup restore job with checksums",
        "restore_testing": "Monthly restore into staging",
        "data_integrity": "Ledger balance reconciliation against Stripe",
    },
    facts=(
        "Go API on EKS", "ALB", "ledger-worker", "webhook-relay", "pgbouncer", "Adyen fallback",
        "SendGrid", "EKS 1.29", "RDS PostgreSQL 15", "NetSuite", "800ms", "> 2% for 5 minutes",
        "Redis memory", "raise maxmemory", "Datadog APM", "CloudWatch", "15 days", "PagerDuty",
        "payments-primary", "--replicas=6", "/healthz", "Drain ALB targets",
        "PAYMENTS_KILL_SWITCH=true", "LaunchDarkly", "35 days", "AWS Backup vault",
        "S3 payments-backups", "GitHub Actions", "Argo CD canary 10%",
        "argocd app rollback payments-api", "#inc-payments", "Statuspage", "payments tech lead",
        "max_client_conn", "SQS age > 10 min", "kubectl -n payments get pods", "--since=15m",
        "pg_stat_activity", "context deadline exceeded", "350 auth/s", "420ms", "15% per quarter",
        "m6i.xlarge", "max 20 pods", "CloudTrail", "GuardDuty", "Snyk", "Okta SSO", "IRSA",
        "AWS Secrets Manager", "Teleport", "SOC 2 Type II", "TLS 1.2+", "PCI DSS level 1",
        "1 hour", "5 minutes", "eu-west-1b", "payments-db CNAME", "Monthly restore into staging",
        "Ledger balance reconciliation",
    ),
)

LEDGER = Scenario(
    key="ledger",
    name="Ledger Batch",
    kind="nightly Java/Spring Batch on VMs with systemd, Oracle, cron, Prometheus, Opsgenie",
    answers={
        "architecture": "Spring Batch jobs on two RHEL 9 VMs, started by cron at 01:30, "
                        "writing to Oracle 19c",
        "components": "ledger-import: loads bank CSV files; ledger-post: posts journal entries; "
                      "ledger-report: builds GL extracts; batch-admin: Spring Batch admin UI",
        "external_services": "SWIFT gateway, Bloomberg FX rates",
        "infrastructure": "VMware RHEL 9 VMs, Oracle 19c RAC, NFS",
        "integrations": "SAP GL imports extracts over SFTP",
        "metrics": "job duration > 4 hours, critical, page on-call and check Oracle locks; "
                   "failed steps > 0, critical, rerun from last checkpoint; "
                   "JVM heap > 90%, warning, restart after the run",
        "app_monitoring": "Micrometer via Spring Boot Actuator",
        "infra_monitoring": "Prometheus node_exporter, Grafana",
        "log_management": "Filebeat to Graylog, 90 days",
        "alerting": "Opsgenie, team ledger-ops",
        "startup_steps": "check the Oracle listener with tnsping LEDGERP; systemctl start "
                         "ledger-batch.service; confirm batch-admin shows STARTED",
        "graceful_shutdown": "Wait for the current step, then systemctl stop ledger-batch",
        "emergency_shutdown": "kill -9 the JVM and mark the job FAILED in BATCH_JOB_EXECUTION",
        "backups": "Oracle LEDGERP: nightly RMAN, 30 days, Data Domain, RMAN validate weekly; "
                   "NFS input files: daily, 90 days, NetBackup, monthly restore test",
        "deploy_process": "Jenkins builds the JAR; Ansible deploys it between runs",
        "rollback": "Ansible redeploys the previous JAR from Nexus",
        "incident_channel": "#ledger-incidents; Finance ops notified by email",
        "escalation": "batch on-call -> ledger team lead -> head of finance IT -> CFO",
        "common_issues": "Job overruns: past 06:00 SLA / Oracle lock contention / kill blocking "
                         "session; Missing bank file: import step fails / SFTP delay / rerun "
                         "after file lands; Heap OOM: OutOfMemoryError / oversized chunk / lower "
                         "chunk size",
        "diagnostic_commands": "`systemctl status ledger-batch`; `journalctl -u ledger-batch "
                               "--since today`; `sqlplus -s batch@LEDGERP @job_status.sql`",
        "log_errors": "ORA-00060 deadlock, ORA-01555 snapshot too old",
        "kpis": "Rows posted per minute, total run time",
        "baseline": "about 1.2M rows, 2h40m per run",
        "growth": "20% more rows per year",
        "resources": "8 more vCPU, 16 GB per VM",
        "scaling_triggers": "Run time over 3h30m for a week: add partition threads",
        "security_events": "sudo use, failed Oracle logins",
        "threat_detection": "Wazuh agents on both VMs",
        "vuln_management": "Monthly RHEL patching via Satellite",
        "user_access": "AD groups, CyberArk for servers",
        "service_accounts": "Oracle wallet; HashiCorp Vault for SFTP keys",
        "privileged_access": "CyberArk break-glass, approved by lead",
        "audit": "SOX quarterly access review",
        "data_protection": "Oracle TDE, SFTP only, no PII in logs",
        "regulatory": "SOX and GDPR",
        "rto": "8 hours",
        "rpo": "24 hours",
        "recovery_steps": "fail over to the DC2 standby with Data Guard; start ledger-batch on "
                          "dc2-batch01; rerun jobs from the last checkpoint; reconcile totals "
                          "with SAP",
        "backup_verification": "RMAN validate plus checksum report",
        "restore_testing": "Twice yearly full restore to UAT",
        "data_integrity": "Control totals match the bank file trailer",
    },
    facts=(
        "Spring Batch", "RHEL 9", "cron at 01:30", "Oracle 19c", "ledger-import", "ledger-post",
        "ledger-report", "batch-admin", "SWIFT gateway", "Bloomberg FX", "Oracle 19c RAC",
        "SAP GL", "> 4 hours", "rerun from last checkpoint", "JVM heap", "> 90%", "Micrometer",
        "node_exporter", "Graylog", "90 days", "Opsgenie", "ledger-ops", "tnsping LEDGERP",
        "systemctl start ledger-batch.service", "systemctl stop ledger-batch", "kill -9",
        "BATCH_JOB_EXECUTION", "Oracle LEDGERP", "nightly RMAN", "Data Domain", "NetBackup",
        "Jenkins", "Ansible", "Nexus", "#ledger-incidents", "head of finance IT", "CFO",
        "06:00 SLA", "Oracle lock contention", "OutOfMemoryError", "lower chunk size",
        "systemctl status ledger-batch", "journalctl -u ledger-batch --since today",
        "@job_status.sql", "ORA-00060", "ORA-01555", "1.2M rows", "2h40m", "20% more rows",
        "16 GB", "3h30m", "Wazuh", "Satellite", "CyberArk", "Oracle wallet", "HashiCorp Vault",
        "SOX quarterly access review", "Oracle TDE", "8 hours", "24 hours", "Data Guard",
        "dc2-batch01", "full restore to UAT", "bank file trailer",
    ),
)

EDGE = Scenario(
    key="edge",
    name="Edge Media CDN",
    kind="Rust edge service on bare-metal k3s, MinIO/S3, Kafka, ELK, Alertmanager",
    answers={
        "architecture": "Rust edge-proxy on bare-metal k3s in 12 PoPs; cache misses go to the "
                        "MinIO origin",
        "components": "edge-proxy: serves and caches media; purge-consumer: applies Kafka purge "
                      "events; origin-shield: collapses misses; minio: origin object store",
        "external_services": "Cloudflare DNS, AWS S3 replica",
        "infrastructure": "Hetzner bare metal, k3s, MinIO, Kafka 3.6",
        "integrations": "CMS publishes purges to Kafka",
        "metrics": "cache hit ratio < 90%, warning, check for purge storms; origin 5xx > 1%, "
                   "critical, page on-call and fail over origin; NVMe disk used > 85%, warning, "
                   "evict cold objects",
        "app_monitoring": "OpenTelemetry traces to Tempo",
        "infra_monitoring": "Prometheus with node_exporter per PoP",
        "log_management": "Filebeat to ELK, 14 days",
        "alerting": "Alertmanager, routed by PoP label",
        "startup_steps": "bring up k3s; kubectl -n edge apply -f edge.yaml; edge-warm --top "
                         "5000; announce the PoP in DNS",
        "graceful_shutdown": "Withdraw the PoP from DNS, wait 10 minutes, scale edge-proxy to 0",
        "emergency_shutdown": "birdc disable upstream; the PoP drops out within 30s",
        "backups": "MinIO media: continuous, 30 days, S3 eu-central-1, weekly sample restore; "
                   "k3s etcd: every 6 hours, 7 days, MinIO, quarterly drill",
        "deploy_process": "GitHub Actions builds; Flux rolls out one PoP at a time",
        "rollback": "Revert the image tag; Flux syncs in 2 minutes",
        "incident_channel": "#cdn-incident on Slack; status.example.com for customers",
        "escalation": "edge on-call -> CDN tech lead -> director of infrastructure -> CTO",
        "common_issues": "Purge storm: hit ratio drops / CMS bulk purge / rate-limit "
                         "purge-consumer; Origin overload: origin 5xx rise / cold cache after "
                         "deploy / enable origin-shield; Disk full: writes fail / eviction "
                         "stalled / run edge-evict --force",
        "diagnostic_commands": "`kubectl -n edge get pods -o wide`; `curl -sI "
                               "https://edge.example.com/health`; `kafka-consumer-groups.sh "
                               "--describe --group purge`",
        "log_errors": "upstream timeout, disk quota exceeded",
        "kpis": "Cache hit ratio, p95 TTFB, egress Gbps",
        "baseline": "hit ratio 96%, TTFB 35ms, 40 Gbps",
        "growth": "Egress doubles yearly",
        "resources": "Two new PoPs, 24 NVMe drives",
        "scaling_triggers": "Egress over 70% of port capacity for 15 minutes",
        "security_events": "Token auth failures, WAF blocks",
        "threat_detection": "Suricata IDS; DDoS alerts from Cloudflare",
        "vuln_management": "Trivy image scans, cargo audit weekly",
        "user_access": "Keycloak SSO with team roles",
        "service_accounts": "Kubernetes service accounts; secrets in SOPS",
        "privileged_access": "sudo via Teleport, time-limited",
        "audit": "ISO 27001 annual audit",
        "data_protection": "Signed URLs, TLS 1.3, encrypted disks",
        "regulatory": "GDPR, DMCA takedowns",
        "rto": "30 minutes",
        "rpo": "1 hour",
        "recovery_steps": "drain the lost PoP in Cloudflare DNS; repoint origin to the S3 "
                          "replica; rebuild k3s from the etcd snapshot; rewarm the cache",
        "backup_verification": "Weekly sample restore with sha256 compare",
        "restore_testing": "Quarterly etcd restore drill",
        "data_integrity": "sha256 manifests compared after restore",
    },
    facts=(
        "Rust edge-proxy", "12 PoPs", "purge-consumer", "origin-shield", "MinIO origin",
        "Cloudflare DNS", "AWS S3 replica", "Hetzner", "Kafka 3.6", "CMS publishes purges",
        "< 90%", "origin 5xx", "> 1%", "NVMe disk used", "> 85%", "evict cold objects",
        "OpenTelemetry", "Tempo", "node_exporter per PoP", "ELK", "14 days", "Alertmanager",
        "kubectl -n edge apply -f edge.yaml", "edge-warm --top 5000", "wait 10 minutes",
        "birdc disable upstream", "30s", "S3 eu-central-1", "every 6 hours", "Flux",
        "2 minutes", "#cdn-incident", "status.example.com", "director of infrastructure",
        "CMS bulk purge", "edge-evict --force", "kubectl -n edge get pods -o wide",
        "curl -sI https://edge.example.com/health", "kafka-consumer-groups.sh",
        "disk quota exceeded", "p95 TTFB", "96%", "35ms", "40 Gbps", "24 NVMe drives",
        "70% of port capacity", "Suricata", "Trivy", "cargo audit", "Keycloak", "SOPS",
        "ISO 27001", "TLS 1.3", "DMCA", "30 minutes", "1 hour", "etcd snapshot", "sha256",
    ),
)
# fmt: on

SCENARIOS: tuple[Scenario, ...] = (PAYMENTS, LEDGER, EDGE)
