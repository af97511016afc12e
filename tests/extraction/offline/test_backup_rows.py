"""Backups described as a paragraph become table rows (``backup_rows``).

Why: a backup paragraph mixes several things (the database dump, the binlogs, the archive),
each with its own schedule, retention, place and check, and the responder searches for the
engineers' own words ("14 days local", "vault sf-backup-vault"). Every backup must get its row,
and a clause must never be dropped or filed under the wrong column.
"""

from __future__ import annotations

from bot.extraction.offline.backup_rows import backup_rows


def cells(text: str) -> list[tuple[str, ...]]:
    return [tuple(row.values()) for row in backup_rows([text])]


def test_a_clause_naming_a_backup_starts_a_row_the_others_add_to_it() -> None:
    said = (
        "SLM policy nightly-snap takes a snapshot at 01:30 every night into the MinIO repo "
        "atlas-snapshots. retention 30 days. we verify via the SLM status alert"
    )
    assert cells(said) == [
        (
            "SLM policy nightly-snap",
            "at 01:30, every night",
            "retention 30 days",
            "into the MinIO repo atlas-snapshots",
            "we verify via the SLM status alert",
        )
    ]


def test_several_backups_in_one_paragraph() -> None:
    said = (
        "aurora automated backups with 14 days PITR, AWS Backup takes a weekly snapshot into the "
        "separate backup account (vault sf-backup-vault, vault lock on) kept 90 days. redis "
        "leaderboards get a daily snapshot kept 7 days"
    )
    rows = backup_rows([said])
    assert [r["component"] for r in rows] == [
        "aurora automated backups",
        "AWS Backup",
        "redis leaderboards",
    ]
    assert (
        rows[1]["location"]
        == "into the separate backup account (vault sf-backup-vault, vault lock on)"
    )
    assert rows[1]["retention"] == "kept 90 days"
    assert rows[2]["frequency"] == "daily"


def test_another_schedule_of_the_same_thing_is_a_row_of_its_own() -> None:
    said = "azure SQL PITR 35 days, long-term retention weekly for 12 weeks, monthly for 12 months"
    assert cells(said) == [
        ("azure SQL", "PITR", "35 days", "", ""),
        ("azure SQL", "weekly", "for 12 weeks", "", ""),
        ("azure SQL", "monthly", "for 12 months", "", ""),
    ]


def test_what_is_not_backed_up_is_said_too() -> None:
    rows = backup_rows(["renditions aren't backed up, we can always re-encode"])
    assert rows[0]["component"] == "renditions"
    assert rows[0]["frequency"] == "not backed up"


def test_a_backup_inside_an_identifier_is_no_new_backup() -> None:
    said = (
        "mysql nightly xtrabackup full at 02:00, copied to the AWS bucket reel-db-backups (glacier)"
    )
    rows = backup_rows([said])
    assert len(rows) == 1
    assert rows[0]["component"] == "mysql xtrabackup full"
    assert "reel-db-backups" in rows[0]["location"]


def test_no_backup_words_no_rows() -> None:
    assert backup_rows(["the weather in ams3 was fine"]) == []


def test_a_cell_never_ends_mid_phrase_and_pitr_keeps_its_name() -> None:
    """ "kept 90 days in the same account" once gave retention "kept 90 days in the": an
    article is no place name, and "point-in-time recovery" is the backup, not just its pace."""
    said = (
        "backups: DynamoDB point-in-time recovery on, 35 days, plus a weekly on-demand backup "
        "kept 90 days in the same account, restore tested quarterly into staging"
    )
    assert cells(said) == [
        ("DynamoDB point-in-time recovery", "point-in-time", "35 days", "", ""),
        (
            "on-demand backup",
            "weekly",
            "kept 90 days",
            "in the same account",
            "restore tested quarterly into staging",
        ),
    ]


def test_more_places_and_periods_of_one_backup_stay_in_its_row() -> None:
    """A copy to another region and a Glacier tier once made four rows that repeated the
    backup's name; another schedule still gets a row of its own."""
    said = (
        "AWS Backup snapshots daily kept 90 days in backup vault tw-vault, copied to "
        "eu-central-1, then to Glacier after 180 days"
    )
    assert cells(said) == [
        (
            "AWS Backup snapshots",
            "daily",
            "kept 90 days, 180 days",
            "in backup vault tw-vault, copied to eu-central-1, to Glacier",
            "",
        )
    ]


def test_rman_and_incrementals_are_backups_and_a_place_is_no_name() -> None:
    said = (
        "Oracle RMAN full weekly on sunday + incrementals nightly, 30 days on the backup appliance"
    )
    assert cells(said) == [
        ("Oracle RMAN full", "weekly, on sunday", "", "", ""),
        ("incrementals", "nightly", "30 days", "on the backup appliance", ""),
    ]


def test_counts_tiering_flows_and_a_check_that_names_its_backup() -> None:
    said = (
        "backups: cloud sql automated daily backups, 30 retained, + PITR 7 days. bigtable daily "
        "backup of readings kept 7 days. bigquery has time travel 7 days and we take weekly "
        "table snapshots kept 35 days. and the raw stream goes to GCS through the GCS sink "
        "connector (avro, hourly files) into bucket fp-raw-archive → nearline after 30 days, "
        "archive class after 365, deleted after 5 years. verification: a cloud scheduler job "
        "restores the latest cloud sql backup weekly into fp-registry-restore"
    )
    found = backup_rows([said])
    rows = {r["component"]: r for r in reversed(found)}  # the first row of a name wins
    sql = rows["cloud sql automated backups"]
    assert sql["retention"] == "30 retained"
    assert "fp-registry-restore" in sql["verification"]
    assert rows["table snapshots"]["retention"] == "kept 35 days"
    raw = rows["raw stream"]
    assert raw["retention"] == "deleted after 5 years"  # not the 30 days before nearline
    assert "nearline after 30 days" in raw["location"]
    assert not any(name.startswith("archive class") for name in rows)


def test_a_labelled_bullet_list_asked_for_is_read_as_prose_not_by_position() -> None:
    """Asked for backups, "- Postgres: full every sunday 01:00, diff the other nights, …" was cut
    at its commas into columns: a schedule under Retention, a host under Verification."""
    from tests.extraction.offline.support import values

    said = "\n".join(
        [
            "backups:",
            "- Postgres: pgBackRest full every sunday 01:00, diff the other nights at 01:00, WAL "
            "archived continuously. repo1 is on bkp-hl7-01 in HGH and keeps 4 full backups",
            "- VMs: Veeam nightly at 22:00, 30 days on the Veeam repo, monthly copy to tape kept "
            "7 years",
            "- channels: a CI job does a nightly export of every channel into git",
            "verification: `pgbackrest verify` runs after every backup, and Veeam SureBackup "
            "boots the mirth VMs once a week",
        ]
    )
    rows = values(said, "backups")["backups"]
    assert isinstance(rows, list)
    first = rows[0]
    assert first["component"] == "Postgres: pgBackRest full"
    assert first["frequency"] == "every sunday 01:00"
    assert "pgbackrest verify" in first["verification"]
    assert not any(r["component"].startswith("keeps") for r in rows)
    assert any("keeps 4 full backups" in r["retention"] for r in rows)
    veeam = next(r for r in rows if r["component"] == "VMs: Veeam")
    assert veeam["retention"] == "30 days"
    assert "SureBackup" in veeam["verification"]
    assert any(r["location"] == "into git" for r in rows)
