"""Acceptance on the moto server with ``config/local.yaml`` applied (the shared ``applied_local``), run as
real ``ecs-exec`` subprocesses: an S3 transcript written twice, a second stream named after a session, and
an organization-trail ``--events-file`` where IAM user bob assumed the operator role as ``alice``."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from audit_records import ACCOUNT, assume_role, assumed_role, execute_command, iam_user

SID_S3 = "ecs-execute-command-0a1b2c3d4e5f6a701"
SID_LOGS = "ecs-execute-command-0a1b2c3d4e5f6a702"
ORG = "o-exampleorgid"


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _trail_file(root: Path, account: str, region: str, when: datetime, records: list[dict[str, Any]]) -> None:
    folder = root / "AWSLogs" / ORG / account / "CloudTrail" / region / when.strftime("%Y/%m/%d")
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{account}_CloudTrail_{region}_{when:%Y%m%dT%H%MZ}_{len(list(folder.iterdir()))}.json.gz"
    (folder / name).write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))


def _trail(root: Path, start: datetime) -> None:
    bob_as_alice = assumed_role(session="alice", source_identity="alice", access_key="ASIABOBASALICE")
    alice = assumed_role(session="alice", source_identity="alice", access_key="ASIAALICEHONEST")
    sessions = [
        execute_command(bob_as_alice, at=_iso(start), cluster="demo-app", session_id=SID_S3),
        execute_command(
            alice, at=_iso(start + timedelta(minutes=5)), cluster="demo-app", session_id=SID_LOGS
        ),
    ]
    bob = assume_role(iam_user("bob"), access_key="ASIABOBASALICE", source_identity="alice",
                      at=_iso(start - timedelta(minutes=10)))  # fmt: skip
    honest = assume_role(iam_user("alice"), access_key="ASIAALICEHONEST", source_identity="alice",
                         at=_iso(start - timedelta(minutes=5)), region="eu-west-1")  # fmt: skip
    _trail_file(root, ACCOUNT, "us-east-1", start, [*sessions, bob])
    _trail_file(root, ACCOUNT, "eu-west-1", start, [honest])  # STS records count whatever their region
    other = {
        **execute_command(iam_user("eve"), at=_iso(start), cluster="demo-app"),
        "recipientAccountId": "210987654321",
    }
    _trail_file(root, "210987654321", "us-east-1", start, [other])  # another account: not even opened


def _run(applied: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "ecs-exec"), *args],
        capture_output=True, text=True, env={**applied.env(), "PATH": "/usr/bin:/bin"}, timeout=180, check=False,
    )  # fmt: skip


@pytest.fixture()
def open_bucket(applied_local: Any) -> Iterator[None]:
    """The moto server applies a bucket policy's Deny statements to object calls without their Condition
    (``aws:SecureTransport`` = false, the TLS-only statement): over its plain-HTTP endpoint every object
    call is then 403. Lift the rendered policy for this test and put it back."""
    spec = applied_local.spec
    s3 = boto3.client("s3", region_name=spec.region, endpoint_url=applied_local.env()["AWS_ENDPOINT_URL"])
    bucket = spec.s3_bucket_name("demo-app")
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    try:
        yield
    finally:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)


@pytest.mark.slow
@pytest.mark.usefixtures("open_bucket")
def test_overwritten_late_written_and_impersonated_sessions(applied_local: Any, tmp_path: Path) -> None:
    spec = applied_local.spec
    env = applied_local.env()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    s3 = boto3.client("s3", region_name=spec.region, endpoint_url=env["AWS_ENDPOINT_URL"])
    bucket = spec.s3_bucket_name("demo-app")
    key = f"exec-sessions/{SID_S3}.log"
    s3.put_object(Bucket=bucket, Key=key, Body=b"$ cat /run/secrets/db\n")
    s3.put_object(Bucket=bucket, Key=key, Body=b"$ ls\n")  # written again with the task role
    logs = boto3.client("logs", region_name=spec.region, endpoint_url=env["AWS_ENDPOINT_URL"])
    group = spec.exec_log_group_name("demo-app")
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    for stream in (SID_LOGS, f"{SID_LOGS}-2"):  # a harmless second stream named after the session
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(
            logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": now_ms, "message": "$ id"}]
        )
    _trail(tmp_path, start)

    proc = _run(
        applied_local,
        "audit",
        "--env",
        "local",
        "--since",
        "3h",
        "--events-file",
        str(tmp_path),
        "--output",
        "json",
    )
    assert proc.returncode == 3, proc.stderr
    doc = json.loads(proc.stdout)
    rows = {s["session_id"]: s for s in doc["sessions"]}
    assert set(rows) == {SID_S3, SID_LOGS}
    assert rows[SID_S3]["caller"]["user_name"] == "bob" and rows[SID_S3]["caller"]["type"] == "IAMUser"
    assert {"source-identity-mismatch", "transcript-overwritten"} <= set(rows[SID_S3]["flags"])
    assert rows[SID_S3]["transcript"]["s3_versions"] == 2
    assert rows[SID_LOGS]["caller"]["user_name"] == "alice"
    assert "source-identity-mismatch" not in rows[SID_LOGS]["flags"]
    assert "transcript-late-write" in rows[SID_LOGS]["flags"]
    assert rows[SID_LOGS]["transcript"]["log_streams"] == [SID_LOGS, f"{SID_LOGS}-2"]
    assert doc["query"]["events_files"] == {"count": 2, "roots": [str(tmp_path)]}

    table = _run(applied_local, "audit", "--env", "local", "--since", "3h", "--events-file", str(tmp_path))
    line = next(x for x in table.stdout.splitlines() if SID_S3 in x)
    assert " bob " in line and "source-identity-mismatch" in line

    show = _run(
        applied_local,
        "audit",
        "show",
        SID_S3,
        "--env",
        "local",
        "--since",
        "3h",
        "--events-file",
        str(tmp_path),
    )
    assert show.returncode == 0, show.stderr
    assert "FIRST version" in show.stdout and "# caller:     bob" in show.stdout
    assert show.stdout.endswith("$ cat /run/secrets/db\n")
