"""``--events-file`` over an organization trail layout: path pruning (account, day), STS records of any
region, parallel parsing (same result as one process), a bad file named in file order."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from audit_records import ACCOUNT, assume_role, execute_command, iam_user

from reconciler.audit.event_files import EventFileError, load_event_files
from reconciler.audit.trail_layout import trail_place

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _write(root: Path, account: str, region: str, day: str, n: int, records: list[dict[str, Any]]) -> Path:
    folder = root / "AWSLogs" / "o-abc123" / account / "CloudTrail" / region / day
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{account}_CloudTrail_{region}_{n:04d}.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))
    return path


def test_trail_place_reads_org_and_plain_layouts() -> None:
    org = trail_place(f"/x/AWSLogs/o-abc123/{ACCOUNT}/CloudTrail/eu-west-1/2026/11/30/f.json.gz")
    plain = trail_place(f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/29/f.json.gz")
    assert org is not None and (org.account, org.region, str(org.day)) == (ACCOUNT, "eu-west-1", "2026-11-30")
    assert plain is not None and (plain.account, plain.region) == (ACCOUNT, "us-east-1")
    assert trail_place("/tmp/export.json") is None
    assert plain.in_days(START, END) and not plain.in_days(START + timedelta(days=3), END + timedelta(days=3))


@pytest.mark.parametrize("workers", [1, 2])
def test_org_trail_is_pruned_and_sts_kept_in_any_region(tmp_path: Path, workers: int) -> None:
    sts_elsewhere = assume_role(iam_user("bob"), access_key="ASIA1", region="eu-west-1")
    exec_elsewhere = {**execute_command(iam_user("x")), "awsRegion": "eu-west-1"}
    for n in range(40):  # enough files for several worker batches
        _write(tmp_path, ACCOUNT, "us-east-1", "2026/11/30", n, [execute_command(iam_user(f"u{n}"))])
    _write(tmp_path, ACCOUNT, "eu-west-1", "2026/11/30", 0, [sts_elsewhere, exec_elsewhere])
    _write(tmp_path, "210987654321", "us-east-1", "2026/11/30", 0, [execute_command(iam_user("other"))])
    _write(tmp_path, ACCOUNT, "us-east-1", "2026/10/01", 0, [execute_command(iam_user("old"))])
    (
        tmp_path / "AWSLogs" / "o-abc123" / ACCOUNT / "CloudTrail" / "us-east-1" / "2026/10/01" / "bad.json"
    ).write_text("{")
    ev = load_event_files([str(tmp_path)], ACCOUNT, "us-east-1", start=START, end=END, workers=workers)
    assert len(ev.files) == 41 and ev.skipped_files == 3  # other account, and the October day (bad file too)
    assert len(ev.records) == 40 and ev.other_scope == 1
    assert [r["eventID"] for r in ev.issuers] == [sts_elsewhere["eventID"]]
    assert ev.roots == [str(tmp_path)] and ev.read == 42


def test_bad_file_in_a_worker_is_named(tmp_path: Path) -> None:
    for n in range(40):
        _write(tmp_path, ACCOUNT, "us-east-1", "2026/11/30", n, [execute_command(iam_user("u"))])
    bad = tmp_path / "AWSLogs" / "o-abc123" / ACCOUNT / "CloudTrail" / "us-east-1" / "2026/11/30" / "zz.json"
    bad.write_text("{")
    with pytest.raises(EventFileError, match=f"--events-file: {bad}: not JSON"):
        load_event_files([str(tmp_path)], ACCOUNT, "us-east-1", start=START, end=END, workers=2)
