"""The manual's fixed outline, taken from the output spec.

Kept apart from the slot catalogue so that the renderer, the linter and the schema all agree on
one list of headings and table columns: changing a title here changes it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Subsection:
    number: str
    title: str
    table_columns: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"### {self.number} {self.title}"


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    title: str
    subsections: tuple[Subsection, ...]

    @property
    def heading(self) -> str:
        return f"## {self.number}. {self.title}"


METRICS_COLUMNS = ("Metric", "Threshold", "Alert Level", "Action Required")
BACKUP_COLUMNS = ("Component", "Frequency", "Retention", "Location", "Verification")
SEVERITY_COLUMNS = ("Level", "Description", "Response Time", "Escalation")
ISSUE_COLUMNS = ("Issue", "Symptoms", "Root Cause", "Resolution")

OUTLINE: tuple[Section, ...] = (
    Section(
        1,
        "System Overview",
        (
            Subsection("1.1", "System Architecture"),
            Subsection("1.2", "Key Components"),
            Subsection("1.3", "Dependencies"),
        ),
    ),
    Section(
        2,
        "Monitoring & Alerting",
        (
            Subsection("2.1", "Key Metrics", METRICS_COLUMNS),
            Subsection("2.2", "Monitoring Tools"),
            Subsection("2.3", "Health Checks"),
        ),
    ),
    Section(
        3,
        "Operational Procedures",
        (
            Subsection("3.1", "System Startup"),
            Subsection("3.2", "System Shutdown"),
            Subsection("3.3", "Backup Procedures", BACKUP_COLUMNS),
        ),
    ),
    Section(
        4,
        "Maintenance Procedures",
        (
            Subsection("4.1", "Regular Maintenance"),
            Subsection("4.2", "Database Maintenance"),
            Subsection("4.3", "Application Updates"),
        ),
    ),
    Section(
        5,
        "Incident Response",
        (
            Subsection("5.1", "Severity Levels", SEVERITY_COLUMNS),
            Subsection("5.2", "Incident Response Process"),
            Subsection("5.3", "Escalation Procedures"),
        ),
    ),
    Section(
        6,
        "Troubleshooting Guide",
        (
            Subsection("6.1", "Common Issues", ISSUE_COLUMNS),
            Subsection("6.2", "Diagnostic Commands"),
            Subsection("6.3", "Log Analysis"),
        ),
    ),
    Section(
        7,
        "Performance Optimization",
        (
            Subsection("7.1", "Performance Monitoring"),
            Subsection("7.2", "Optimization Strategies"),
            Subsection("7.3", "Capacity Planning"),
        ),
    ),
    Section(
        8,
        "Security Operations",
        (
            Subsection("8.1", "Security Monitoring"),
            Subsection("8.2", "Access Management"),
            Subsection("8.3", "Compliance"),
        ),
    ),
    Section(
        9,
        "Disaster Recovery",
        (
            Subsection("9.1", "Recovery Procedures"),
            Subsection("9.2", "Backup & Restore"),
        ),
    ),
    Section(
        10,
        "Documentation & Training",
        (
            Subsection("10.1", "Documentation Maintenance"),
            Subsection("10.2", "Team Training"),
        ),
    ),
)

MAX_WORDS = 800
TITLE_PREFIX = "# Operations Manual: "


def subsection(number: str) -> Subsection:
    """Look up a subsection by its number ("2.1"); raises KeyError for a number not in the spec."""
    for section in OUTLINE:
        for sub in section.subsections:
            if sub.number == number:
                return sub
    raise KeyError(number)
