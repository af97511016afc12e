"""Tests for the manual linter: one valid manual, then one mutation per rule.

Each mutation asserts the exact rule id and the line it points at, so a rule that stops firing,
fires at the wrong place, or fires on the valid manual fails a test.
"""

from __future__ import annotations

import pytest

from bot.contract.lint import (
    LintReport,
    Violation,
    count_words,
    find_placeholders,
    lint_manual,
)
from bot.contract.mdtable import (
    escape_cell,
    format_row,
    is_separator,
    scan_fences,
    separator_row,
    split_row,
)
from bot.core.outline import MAX_WORDS, OUTLINE

VALID = """\
# Operations Manual: Parcel Tracker
*Version 1.2 · 2025-03-14 · Platform Operations Team*

## 1. System Overview

### 1.1 System Architecture
A Django API behind nginx. Celery workers turn carrier webhooks from RabbitMQ into
tracking events in PostgreSQL 15; Redis caches parcel status.

### 1.2 Key Components
- **tracker-api**: REST API and public tracking page.
- **tracker-worker**: Processes webhooks, sends notifications.
- **tracker-db**: PostgreSQL primary plus one replica.

### 1.3 Dependencies
- **External Services**: DHL and UPS APIs, Twilio.
- **Infrastructure**: AWS eu-west-1, EKS 1.29, RDS, ElastiCache.
- **Third-party Integrations**: Stripe webhooks, Okta SSO.

## 2. Monitoring & Alerting

### 2.1 Key Metrics
| Metric | Threshold | Alert Level | Action Required |
|--------|-----------|-------------|-----------------|
| API p95 latency | > 800 ms | Warning | Scale api pods |
| 5xx error rate | > 2% | Critical | Page on-call, roll back |
| Queue depth | > 5000 | Critical | Scale workers |

### 2.2 Monitoring Tools
- **Application Monitoring**: Datadog APM.
- **Infrastructure Monitoring**: Prometheus and Grafana.
- **Log Management**: Loki, 30 days retention.
- **Alerting System**: PagerDuty, tag `team:tracker`.

### 2.3 Health Checks
- **Endpoint**: `GET /health`
- **Response Format**:
```json
{
  "status": "healthy|degraded|unhealthy",
  "timestamp": "2025-03-14T09:00:00Z",
  "checks": {"database": "ok", "queue": "ok", "cache": "ok"}
}
```

## 3. Operational Procedures

### 3.1 System Startup
1. **Prerequisites Check**
   - Confirm RDS and RabbitMQ are reachable
2. **Startup Sequence**
   - Scale tracker-worker to 4 replicas, then tracker-api to 6
3. **Verification Steps**
   - `GET /health` returns healthy; track parcel TEST-0001

### 3.2 System Shutdown
1. **Graceful Shutdown Process**
   - Enable maintenance mode, drain the queue, stop workers
2. **Emergency Shutdown**
   - Scale all deployments to 0

### 3.3 Backup Procedures
| Component | Frequency | Retention | Location | Verification |
|-----------|-----------|-----------|----------|--------------|
| tracker-db | Daily | 35 days | RDS snapshots | Weekly restore test |
| Config \\| secrets | On change | 90 versions | Vault KV v2 | Monthly diff audit |

## 4. Maintenance Procedures

### 4.1 Regular Maintenance
- **Daily**: Review overnight alerts and failed webhooks.
- **Weekly**: Patch the bastion host.
- **Monthly**: Rotate carrier API keys.
- **Quarterly**: Run a disaster recovery drill.

### 4.2 Database Maintenance
- **Index Optimization**: Monthly `REINDEX CONCURRENTLY`.
- **Statistics Update**: `ANALYZE` after bulk imports.
- **Cleanup Tasks**: Archive events older than 18 months.
- **Performance Tuning**: Review pg_stat_statements monthly.

### 4.3 Application Updates
1. Merging to main deploys to staging.
2. Run the integration suite against staging.
3. Promote with Argo CD behind a 10% canary.
4. Roll back with `argocd app rollback tracker` if errors rise.

## 5. Incident Response

### 5.1 Severity Levels
| Level | Description | Response Time | Escalation |
|-------|-------------|---------------|------------|
| P1 - Critical | Tracking down, data loss | 15 minutes | Immediate |
| P2 - High | Webhooks delayed | 1 hour | 2 hours |
| P3 - Medium | One carrier failing | 4 hours | 24 hours |
| P4 - Low | Cosmetic issues | 24 hours | 72 hours |

### 5.2 Incident Response Process
1. Acknowledge the page, open #inc-tracker.
2. Assess severity, name an incident commander.
3. Mitigate first, then find the root cause.
4. Blameless post-mortem within five days.

### 5.3 Escalation Procedures
- **Level 1**: On-call SRE (PagerDuty primary).
- **Level 2**: Tracker backend lead.
- **Level 3**: Head of Platform.
- **Level 4**: CTO, for P1 over 2 hours.

## 6. Troubleshooting Guide

### 6.1 Common Issues
| Issue | Symptoms | Root Cause | Resolution |
|-------|----------|------------|------------|
| Stale tracking | Status frozen | Poison message | Move it to the DLQ |
| Slow API | p95 over 2 s | Missing index | Add index, run ANALYZE |

### 6.2 Diagnostic Commands
```bash
# Check system status
kubectl -n tracker get pods

# View application logs
kubectl -n tracker logs deploy/tracker-api --since=15m

# Check database connectivity
psql -h tracker-db.internal -U readonly -d tracker -c "SELECT 1;"
```

### 6.3 Log Analysis
- **Error Patterns**: `CarrierTimeout` and `IntegrityError` bursts.
- **Performance Indicators**: request_duration_ms above 800.
- **Security Events**: Repeated 401s from one IP.

## 7. Performance Optimization

### 7.1 Performance Monitoring
- **Key Performance Indicators**: p95 latency, webhook lag.
- **Baseline Metrics**: p95 250 ms, lag under 30 s.
- **Alert Thresholds**: As in 2.1 Key Metrics.

### 7.2 Optimization Strategies
- **Database Optimization**: Replica serves reads.
- **Application Optimization**: Cache carrier responses.
- **Infrastructure Optimization**: Spot instances for workers.

### 7.3 Capacity Planning
- **Growth Projections**: 40% yearly.
- **Resource Requirements**: Double workers before November.
- **Scaling Triggers**: CPU above 70% for 10 minutes.

## 8. Security Operations

### 8.1 Security Monitoring
- **Security Events**: Failed logins, IAM policy changes.
- **Threat Detection**: GuardDuty.
- **Vulnerability Management**: Trivy in CI.

### 8.2 Access Management
- **User Access**: Okta groups, reviewed quarterly.
- **Service Accounts**: IRSA roles, no static keys.
- **Privilege Escalation**: Break-glass role, two approvals.

### 8.3 Compliance
- **Audit Requirements**: Monthly SOC 2 evidence.
- **Data Protection**: KMS at rest, TLS in transit.
- **Regulatory Compliance**: GDPR deletions within 30 days.

## 9. Disaster Recovery

### 9.1 Recovery Procedures
- **RTO (Recovery Time Objective)**: 4 hours.
- **RPO (Recovery Point Objective)**: 15 minutes.
- **Recovery Steps**: Restore RDS in eu-central-1, apply Terraform, switch DNS.

### 9.2 Backup & Restore
- **Backup Verification**: Weekly automated restore to staging.
- **Restore Testing**: Quarterly drill.
- **Data Integrity**: Compare row counts after restore.

## 10. Documentation & Training

### 10.1 Documentation Maintenance
- **Update Schedule**: After every P1.
- **Version Control**: Git, docs/ops.
- **Review Process**: Two SRE approvals.

### 10.2 Team Training
- **New Team Member Onboarding**: Shadow two on-call shifts.
- **Regular Training**: Monthly game day.
- **Knowledge Transfer**: Recorded walkthroughs.
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing ``needle`` (fails if absent or repeated)."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


def mutate(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def block_span(text: str, heading: str) -> tuple[int, int]:
    """0-based [start, end) line span of a heading and its body, up to the next heading of the
    same or a higher level outside code fences (written independently of the linter)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == heading)
    level = len(heading) - len(heading.lstrip("#"))
    in_code = False
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("```"):
            in_code = not in_code
        hashes = len(lines[i]) - len(lines[i].lstrip("#"))
        if not in_code and 0 < hashes <= level and lines[i][hashes] == " ":
            return start, i
    return start, len(lines)


def remove_block(text: str, heading: str) -> str:
    lines = text.splitlines(keepends=True)
    start, end = block_span(text, heading)
    return "".join(lines[:start] + lines[end:])


def swap_blocks(text: str, first: str, second: str) -> str:
    """Swap two adjacent blocks of the same level, ``first`` being the earlier one."""
    lines = text.splitlines(keepends=True)
    a_start, a_end = block_span(text, first)
    b_start, b_end = block_span(text, second)
    assert a_end == b_start
    return "".join(lines[:a_start] + lines[b_start:b_end] + lines[a_start:a_end] + lines[b_end:])


def only(report: LintReport, rule: str) -> Violation:
    """The single violation of a report, which must have the given rule."""
    assert [v.rule for v in report.violations] == [rule], report.format()
    return report.violations[0]


# --- the valid manual ----------------------------------------------------------------------


def test_valid_manual_is_clean():
    report = lint_manual(VALID)
    assert report.ok, report.format()
    assert report.violations == ()
    assert 600 < report.word_count <= MAX_WORDS
    assert report.format() == f"OK: {report.word_count} words"


def test_valid_manual_covers_every_outline_heading():
    lines = VALID.splitlines()
    for section in OUTLINE:
        assert section.heading in lines
        for sub in section.subsections:
            assert sub.heading in lines


def test_json_in_health_block_is_not_a_placeholder():
    assert '"checks": {"database": "ok"' in VALID
    assert find_placeholders(VALID) == []


def test_escaped_pipe_in_cell_is_one_cell():
    assert "Config \\| secrets" in VALID
    assert lint_manual(VALID).ok


def test_bom_and_crlf_are_tolerated():
    assert lint_manual("\ufeff" + VALID.replace("\n", "\r\n")).ok


# --- title and header line -----------------------------------------------------------------


def test_wrong_title():
    text = mutate("# Operations Manual: Parcel Tracker", "# Ops Guide: Parcel Tracker")
    v = only(lint_manual(text), "title")
    assert v.line == 1
    assert "Ops Guide" in v.message


def test_title_without_name():
    text = mutate("# Operations Manual: Parcel Tracker", "# Operations Manual:  ")
    assert only(lint_manual(text), "title").line == 1


def test_title_not_on_first_nonempty_line():
    text = "\n\nIntro paragraph.\n" + VALID
    report = lint_manual(text)
    assert report.violations[0] == Violation("title", 3, report.violations[0].message)
    assert {v.rule for v in report.violations} == {"title", "header-line", "extra-section"}


def test_manual_wrapped_in_code_fence():
    report = lint_manual("```markdown\n" + VALID + "```\n")
    title = next(v for v in report.violations if v.rule == "title")
    assert title.line == 1
    assert "code fence" in title.message


def test_missing_header_line():
    text = mutate("*Version 1.2 · 2025-03-14 · Platform Operations Team*\n", "")
    v = only(lint_manual(text), "header-line")
    assert v.line == line_of(text, "## 1. System Overview")


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("*Version one · 2025-03-14 · Ops*", "Version one"),
        ("*Version 1.0 · 2025-02-30 · Ops*", "2025-02-30"),
        ("*Version 1.0 · soon · Ops*", "soon"),
        ("*Version 1.0 · 2025-03-14 · *", "team"),
        ("*Version 1.0 - 2025-03-14 - Ops*", "found"),
        ("**Version 1.0 · 2025-03-14 · Ops**", "found"),
        ("Version 1.0 · 2025-03-14 · Ops", "found"),
    ],
)
def test_bad_header_line(header, fragment):
    text = mutate("*Version 1.2 · 2025-03-14 · Platform Operations Team*", header)
    v = only(lint_manual(text), "header-line")
    assert v.line == 2
    assert fragment in v.message


@pytest.mark.parametrize(
    "header",
    [
        "*Version 2 · 2025-03-14 · SRE*",
        "*Version 1.0 · 14 March 2025 · Operations Team*",
        "*Version 1.0 · March 14, 2025 · Operations Team*",
        "*Version 3.1 · 1st Mar 2025 · Ops*",
        "*Version 1.0 · March 2025 · Ops*",
    ],
)
def test_accepted_header_lines(header):
    text = mutate("*Version 1.2 · 2025-03-14 · Platform Operations Team*", header)
    assert lint_manual(text).ok, lint_manual(text).format()


def test_template_date_placeholder_is_two_problems():
    text = mutate("2025-03-14 · Platform", "{Current Date} · Platform")
    report = lint_manual(text)
    assert [(v.rule, v.line) for v in report.violations] == [("header-line", 2), ("placeholder", 2)]


# --- sections and subsections --------------------------------------------------------------


def test_missing_section():
    text = remove_block(VALID, "## 5. Incident Response")
    v = only(lint_manual(text), "missing-section")
    assert v.line == 0
    assert "## 5. Incident Response" in v.message


def test_missing_section_heading_points_at_its_orphaned_subsections():
    text = mutate("## 2. Monitoring & Alerting\n\n", "")
    v = only(lint_manual(text), "missing-section")
    assert v.line == line_of(text, "### 2.1 Key Metrics")


def test_misspelled_section_heading():
    text = mutate("## 2. Monitoring & Alerting", "## 2. Monitoring and Alerting")
    v = only(lint_manual(text), "missing-section")
    assert v.line == line_of(text, "## 2. Monitoring and Alerting")
    assert "## 2. Monitoring & Alerting" in v.message


def test_section_heading_without_number():
    text = mutate("## 8. Security Operations", "## Security Operations")
    assert only(lint_manual(text), "missing-section").line == line_of(
        text, "## Security Operations"
    )


def test_sections_swapped():
    text = swap_blocks(VALID, "## 3. Operational Procedures", "## 4. Maintenance Procedures")
    v = only(lint_manual(text), "section-order")
    assert v.line == line_of(text, "## 3. Operational Procedures")
    assert "before '## 4. Maintenance Procedures'" in v.message


def test_last_section_moved_first_reports_only_that_section():
    lines = VALID.splitlines(keepends=True)
    start, end = block_span(VALID, "## 10. Documentation & Training")
    first = block_span(VALID, "## 1. System Overview")[0]
    text = "".join(lines[:first] + lines[start:end] + ["\n"] + lines[first:start])
    v = only(lint_manual(text), "section-order")
    assert v.line == line_of(text, "## 10. Documentation & Training")
    assert "after '## 9. Disaster Recovery'" in v.message


def test_extra_section():
    text = VALID + "\n## 11. Appendix\n\nGlossary of carrier codes.\n"
    v = only(lint_manual(text), "extra-section")
    assert v.line == line_of(text, "## 11. Appendix")


def test_duplicate_section():
    text = VALID + "\n## 9. Disaster Recovery\n\nAgain.\n"
    v = only(lint_manual(text), "extra-section")
    assert v.line == len(text.splitlines()) - 2
    assert f"line {line_of(VALID, '## 9. Disaster Recovery')}" in v.message


def test_extra_subsection():
    text = mutate(
        "### 2.2 Monitoring Tools",
        "### 2.4 Dashboards\nGrafana board 17.\n\n### 2.2 Monitoring Tools",
    )
    v = only(lint_manual(text), "extra-section")
    assert v.line == line_of(text, "### 2.4 Dashboards")


def test_second_level_one_heading():
    text = mutate("## 7. Performance Optimization", "# Appendix\n\n## 7. Performance Optimization")
    v = only(lint_manual(text), "extra-section")
    assert v.line == line_of(text, "# Appendix")


def test_missing_subsection():
    text = remove_block(VALID, "### 6.3 Log Analysis")
    v = only(lint_manual(text), "missing-subsection")
    assert v.line == line_of(text, "## 6. Troubleshooting Guide")
    assert "### 6.3 Log Analysis" in v.message


def test_misspelled_subsection():
    text = mutate("### 8.2 Access Management", "### 8.2 Access Control")
    v = only(lint_manual(text), "missing-subsection")
    assert v.line == line_of(text, "### 8.2 Access Control")


def test_subsections_swapped():
    text = swap_blocks(VALID, "### 7.1 Performance Monitoring", "### 7.2 Optimization Strategies")
    v = only(lint_manual(text), "subsection-order")
    assert v.line == line_of(text, "### 7.1 Performance Monitoring")


def test_subsection_under_wrong_section():
    lines = VALID.splitlines(keepends=True)
    start, end = block_span(VALID, "### 3.3 Backup Procedures")
    moved = lines[:start] + lines[end:]
    at = block_span("".join(moved), "### 4.3 Application Updates")[1]
    text = "".join(moved[:at] + lines[start:end] + moved[at:])
    v = only(lint_manual(text), "subsection-order")
    assert v.line == line_of(text, "### 3.3 Backup Procedures")
    assert "## 3. Operational Procedures" in v.message


def test_bash_comments_are_not_headings():
    assert "# Check system status" in VALID
    text = mutate("```bash\n", "")
    text = mutate(
        'psql -h tracker-db.internal -U readonly -d tracker -c "SELECT 1;"\n```\n', "", text
    )
    report = lint_manual(text)
    assert ("extra-section", line_of(text, "# Check system status")) in [
        (v.rule, v.line) for v in report.violations
    ]


@pytest.mark.parametrize("body", ["", "   \n\t\n", "---\n"])
def test_empty_subsection(body):
    start, end = block_span(VALID, "### 8.3 Compliance")
    lines = VALID.splitlines(keepends=True)
    text = "".join([*lines[: start + 1], body, "\n", *lines[end:]])
    v = only(lint_manual(text), "empty-section")
    assert v.line == line_of(text, "### 8.3 Compliance")


# --- word count ----------------------------------------------------------------------------


def with_words(total: int) -> str:
    missing = total - count_words(VALID)
    assert missing > 0
    return mutate(
        "- **Restore Testing**: Quarterly drill.",
        "- **Restore Testing**: Quarterly drill." + " extra" * missing,
    )


def test_801_words_fail():
    text = with_words(801)
    v = only(lint_manual(text), "word-count")
    assert v.line == 0
    assert "801" in v.message
    assert "800" in v.message


def test_800_words_pass():
    report = lint_manual(with_words(800))
    assert report.ok
    assert report.word_count == 800


def test_custom_word_limit():
    report = lint_manual(VALID, max_words=100)
    assert only(report, "word-count").message.startswith(
        f"manual has {report.word_count} words, limit is 100"
    )


# --- placeholders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("**tracker-worker**", "**{Component 2}**", "{Component 2}"),
        ("Patch the bastion host.", "TODO", "TODO"),
        ("Patch the bastion host.", "Patch hosts (owner tbd).", "tbd"),
        ("Patch the bastion host.", "TBC with security.", "TBC"),
        ("Patch the bastion host.", "FIXME later", "FIXME"),
        ("Patch the bastion host.", "Lorem ipsum dolor.", "Lorem ipsum"),
        ("Patch the bastion host.", "???", "???"),
        ("Patch the bastion host.", "[insert weekly tasks]", "[insert weekly tasks]"),
        ("Patch the bastion host.", "<placeholder>", "<placeholder>"),
        ("Patch the bastion host.", "Ask <YOUR_TEAM_LEAD>", "<YOUR_TEAM_LEAD>"),
        ("Patch the bastion host.", "XXX", "XXX"),
        ("Patch the bastion host.", "N/A", "N/A"),
        ("Patch the bastion host.", "**n/a**", "n/a"),
        ("| Weekly restore test |", "| N/A |", "N/A"),
        ("| 90 versions |", "| NA |", "NA"),
        ("kubectl -n tracker get pods", "systemctl status {service_name}", "{service_name}"),
        ("-U readonly", "-U {user}", "{user}"),
        ("| Daily | 35 days |", "| {Daily/Weekly} | 35 days |", "{Daily/Weekly}"),
    ],
)
def test_placeholder(old, new, found):
    text = mutate(old, new)
    v = only(lint_manual(text), "placeholder")
    assert v.line == line_of(text, new)
    assert f"'{found}'" in v.message


def test_placeholder_message_names_the_subsection():
    text = mutate("Patch the bastion host.", "TODO")
    assert "in 4.1 Regular Maintenance" in only(lint_manual(text), "placeholder").message


@pytest.mark.parametrize(
    "text",
    [
        'curl -d \'{"status": "ok"}\' localhost',
        "export PATH=${HOME}/bin:$PATH",
        "Todoist and todos are app names; todo in Spanish is all.",
        "NASA, DNA and national banks are not N/A.",
        "The NA region has 3 AZs.",
        "Markdown escapes \\{like this}.",
        "Tables use {} braces and {0} indexes; {{ jinja }} is not ours.",
        "Is it down?? Check.",
        "<br> and <details> are HTML.",
        "XXXL shirts, xxx lowercase.",
        "Rotate keys for sk-live-123.",
    ],
)
def test_not_placeholders(text):
    assert find_placeholders(text) == []


def test_find_placeholders_reports_every_hit_in_order():
    text = "ok\n- **A**: {Thing one} and TODO\n| N/A | x |\n"
    assert find_placeholders(text) == [(2, "{Thing one}"), (2, "TODO"), (3, "N/A")]


def test_na_inside_code_fence_is_code():
    assert find_placeholders("```\nN/A\n| N/A |\n```\n") == []


# --- tables --------------------------------------------------------------------------------


def test_row_with_too_few_cells():
    text = mutate(
        "| Queue depth | > 5000 | Critical | Scale workers |",
        "| Queue depth | > 5000 | Scale workers |",
    )
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| Queue depth |")
    assert v.message == "2.1 Key Metrics: table row 3 has 3 cells, header has 4"


def test_unescaped_pipe_adds_a_cell():
    text = mutate("Config \\| secrets", "Config | secrets")
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| Config | secrets |")
    assert "row 2 has 6 cells, header has 5" in v.message


def test_missing_separator_row():
    text = mutate("|-------|-------------|---------------|------------|\n", "")
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| P1 - Critical |")
    assert "separator" in v.message


def test_separator_with_wrong_width():
    text = mutate("|-------|-------------|---------------|------------|", "|---|---|---|")
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "|---|---|---|")


def test_wrong_table_columns():
    text = mutate(
        "| Issue | Symptoms | Root Cause | Resolution |", "| Issue | Symptom | Cause | Fix |"
    )
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| Issue | Symptom |")
    assert "Issue | Symptoms | Root Cause | Resolution" in v.message


def test_table_without_data_rows():
    start, end = block_span(VALID, "### 6.1 Common Issues")
    lines = VALID.splitlines(keepends=True)
    text = "".join([*lines[: start + 3], "\n", *lines[end:]])
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| Issue | Symptoms |")
    assert "no data rows" in v.message


def test_required_table_replaced_by_bullets():
    start, end = block_span(VALID, "### 5.1 Severity Levels")
    lines = VALID.splitlines(keepends=True)
    text = "".join([*lines[: start + 1], "- **P1**: Everything is down.\n\n", *lines[end:]])
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "### 5.1 Severity Levels")
    assert "no table" in v.message


def test_free_table_outside_outline_columns_is_checked_for_shape():
    text = mutate(
        "- **Scaling Triggers**",
        "| Pods | CPU |\n|---|---|\n| 6 | 70% | extra |\n\n- **Scaling Triggers**",
    )
    v = only(lint_manual(text), "table")
    assert v.line == line_of(text, "| 6 | 70% | extra |")
    assert v.message.startswith("7.3 Capacity Planning: table row 1 has 3 cells")


def test_aligned_separator_is_fine():
    text = mutate(
        "|-------|-------------|---------------|------------|",
        "|:------|:-----------:|--------------:|---|",
    )
    assert lint_manual(text).ok


# --- code fences ---------------------------------------------------------------------------


def test_unclosed_code_fence():
    text = mutate('"SELECT 1;"\n```\n', '"SELECT 1;"\n')
    report = lint_manual(text)
    fence = [v for v in report.violations if v.rule == "code-fence"]
    assert [v.line for v in fence] == [line_of(text, "```bash")]
    # Everything after the fence is code, which is why the later sections go missing too.
    assert {v.rule for v in report.violations} == {
        "code-fence",
        "missing-section",
        "missing-subsection",
    }


def test_longer_fence_is_closed_only_by_a_long_enough_one():
    fences = scan_fences(["````", "```", "````"])
    assert fences.in_code == (True, True, True)
    assert fences.unclosed is None
    assert scan_fences(["~~~", "```", "x"]).unclosed == (1, "~~~")


# --- report formatting ---------------------------------------------------------------------


def test_format_with_path():
    text = mutate("Patch the bastion host.", "TODO")
    report = lint_manual(remove_block(text, "## 5. Incident Response"))
    line = line_of(text, "- **Weekly**: TODO")
    assert report.format(path="ops.md").splitlines() == [
        "ops.md: [missing-section] missing '## 5. Incident Response'",
        f"ops.md:{line}: [placeholder] placeholder 'TODO' in 4.1 Regular Maintenance;"
        " write the real value",
        f"FAILED: 2 problems, {report.word_count} words",
    ]


def test_empty_document():
    report = lint_manual("")
    assert report.violations[0] == Violation("title", 0, report.violations[0].message)
    assert not report.ok


# --- count_words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("| Metric | Threshold |", 2),
        ("|---|---|", 0),
        ("## 2. Monitoring & Alerting", 3),
        ("# ## ### ---", 0),
        ("- * + -", 0),
        ("- **Daily**: Review alerts.", 3),
        ("**Daily**:", 1),
        ("deploy 🚀 now", 2),
        ("🚀 🔥", 0),
        ("שלום עולם", 2),
        ("مرحبا بالعالم", 2),
        ("運用マニュアル です", 2),
        ("p95 > 800 ms", 3),
        ("café\u00a0naïve", 2),
        ("`GET /health`", 2),
    ],
)
def test_count_words(text, words):
    assert count_words(text) == words


# --- mdtable -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "cells"),
    [
        ("| a | b |", ["a", "b"]),
        ("a | b", ["a", "b"]),
        ("| a \\| b | c |", ["a | b", "c"]),
        ("| `x|y` |", ["`x", "y`"]),
        ("|  | b |", ["", "b"]),
        ("| a | b \\|", ["a", "b |"]),
    ],
)
def test_split_row(row, cells):
    assert split_row(row) == cells


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("|---|---|", True),
        ("| :--- | ---: | :-: |", True),
        ("---|---", True),
        ("---", False),
        ("| a | b |", False),
        ("| | |", False),
        ("|-- x --|", False),
    ],
)
def test_is_separator(line, expected):
    assert is_separator(line) is expected


@pytest.mark.parametrize(
    "text",
    ["plain", "a | b", "C:\\ path", "ends with \\|", "| leading", "x \\| y"],
)
def test_escape_cell_round_trips(text):
    assert split_row(format_row([text, "next"])) == [text, "next"]


def test_escape_cell_flattens_lines():
    assert escape_cell("one\ntwo\n\nthree | four") == "one two three \\| four"
    assert escape_cell("one\ntwo", line_break="<br>") == "one<br>two"


def test_separator_row():
    assert separator_row(3) == "|---|---|---|"
    assert is_separator(separator_row(3))
