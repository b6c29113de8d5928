"""``ecs-exec audit --events-file``: the README recipe on ``config/local.yaml`` with the sample file, no
CloudTrail call, filters, stdin, ``audit show``, and bad files (exit 4 before any AWS call)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import CallRecorder
from audit_records import execute_command, iam_user, page
from audit_seed import put_stream
from click.testing import CliRunner

from ecs_exec.aws import ClientFactory
from ecs_exec.cli import audit as audit_cmd
from ecs_exec.cli import main
from generator.loader import load_config

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cloudtrail-exec-sample.json"
NOW = "2026-11-30T12:00:00Z"
SINCE = "2026-11-01T00:00:00Z"
# The sample's sessions (see docs/examples/cloudtrail-exec-sample.json).
SID_ALICE = "ecs-execute-command-0a7c1e5f3b9d24681"
SID_BOB = "ecs-execute-command-0d2b8f4a6c1e35792"
SID_SSM = "botocore-session-1793613600-0e4a9c2f7b1d58364"
RECIPE = ["audit", "--env", "local", "--events-file", str(SAMPLE), "--since", SINCE]


@pytest.fixture()
def local_factory(factory: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> ClientFactory:
    """The CLI uses the in-process moto factory; the clock is frozen; alice's transcript stream exists."""
    monkeypatch.setattr(audit_cmd, "make_factory", lambda region, rate_limits=None: factory)
    monkeypatch.setenv("ECS_EXEC_NOW", NOW)
    put_stream(load_config("local"), "demo-app", SID_ALICE, ["$ hostname", "ip-10-0-1-7"])
    return factory


def _run(args: list[str], stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(main, args, input=stdin, catch_exceptions=False)


def test_recipe_joins_the_sample_with_transcripts(
    local_factory: ClientFactory, recorder: CallRecorder
) -> None:
    result = _run([*RECIPE, "--output", "json"])
    assert result.exit_code == 3, result.stderr
    doc = json.loads(result.stdout)
    assert doc["query"]["events_files"] == {"count": 1, "roots": [str(SAMPLE)]}
    assert doc["summary"] == {"sessions": 4, "flagged": 2, "failed_calls": 1}
    rows = {(s["session_id"] or s["error_code"]): s for s in doc["sessions"]}
    assert rows[SID_ALICE]["transcript"]["status"] == "found"
    assert rows[SID_ALICE]["transcript"]["log_stream"] == SID_ALICE
    assert rows[SID_ALICE]["flags"] == []
    assert rows[SID_BOB]["person"] == "bob@example.com"  # the source identity, not botocore-session-*
    assert rows[SID_BOB]["transcript"]["status"] == "missing"
    assert rows[SID_BOB]["flags"] == ["no-transcript"]
    assert rows[SID_SSM]["flags"] == ["ssm-start-session-on-ecs-task"]
    assert rows["InvalidParameterException"]["flags"] == []
    assert not any(c.startswith("cloudtrail.") for c in recorder.calls)
    assert "logs.DescribeLogStreams" in recorder.calls
    assert "CloudTrail is not called" in result.stderr


def test_recipe_table(local_factory: ClientFactory) -> None:
    result = _run(RECIPE)
    assert result.exit_code == 3, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert SID_ALICE in lines[2] and " found " in lines[2]
    assert lines[3].rstrip().endswith("no-transcript")
    assert "4 session(s), 2 flagged" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--until", "2026-11-02T10:30:00Z"], ["InvalidParameterException", SID_ALICE]),
        (["--since", "2026-11-02T11:04:09Z"], [SID_BOB, SID_SSM]),  # both ends included
        (["--principal", "BOB@EXAMPLE"], [SID_BOB, SID_SSM]),
        (["--principal", "alice", "--cluster", "demo-app"], ["InvalidParameterException", SID_ALICE]),
        (["--cluster", "demo-batch"], []),
        (["--since", "2026-11-03T00:00:00Z"], []),
    ],
)
def test_filters_apply_to_file_records(
    local_factory: ClientFactory, args: list[str], expected: list[str]
) -> None:
    result = _run([*RECIPE, *args, "--output", "json"])
    assert result.exit_code in (0, 3), result.stderr
    doc = json.loads(result.stdout)
    assert [s["session_id"] or s["error_code"] for s in doc["sessions"]] == expected


def test_stdin_gzipped_lookup_events_export_and_several_sources(
    local_factory: ClientFactory, tmp_path: Path
) -> None:
    extra = execute_command(iam_user("carol"), at="2026-11-20T08:00:00Z", cluster="demo-app", session_id=None)
    other_region = {**execute_command(iam_user("dave"), at="2026-11-20T08:00:00Z"), "awsRegion": "eu-west-1"}
    stdin = gzip.compress(json.dumps(page([extra, other_region])).encode())
    result = _run([*RECIPE, "--events-file", "-", "--events-file", str(SAMPLE), "--output", "json"], stdin)
    doc = json.loads(result.stdout)
    assert doc["query"]["events_files"] == {"count": 2, "roots": [str(SAMPLE), "-"]}
    assert doc["summary"]["sessions"] == 5  # the sample once, plus carol's
    assert "ignored 1 exec record(s) of another account or region in --events-file" in doc["notes"]


def test_show_takes_the_header_from_the_file(local_factory: ClientFactory, recorder: CallRecorder) -> None:
    result = _run(["audit", "show", SID_ALICE, "--env", "local", "--events-file", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "# who:        alice (arn:aws:iam::123456789012:user/alice)" in result.stdout
    assert result.stdout.endswith("$ hostname\nip-10-0-1-7\n")
    assert not any(c.startswith("cloudtrail.") for c in recorder.calls)
    missing = _run(["audit", "show", "ecs-execute-command-0ffffffffffffffff", "--env", "local",
                    "--events-file", str(SAMPLE)])  # fmt: skip
    assert missing.exit_code == 4
    assert "no CloudTrail record of ecs-execute-command-0ffffffffffffffff in --events-file" in missing.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file or directory"),
        (b"<html>", "not JSON"),
        (b'{"Events": "none"}', "not a CloudTrail file"),
    ],
)
def test_bad_file_is_exit_4_before_any_aws_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None, reason: str
) -> None:
    def no_aws(region: str, rate_limits: object = None) -> None:
        raise AssertionError("an AWS client was requested")

    monkeypatch.setattr(audit_cmd, "make_factory", no_aws)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "events.json"
    if content is not None:
        path.write_bytes(content)
    for cmd in (["audit"], ["audit", "show", SID_ALICE]):
        result = CliRunner().invoke(main, [*cmd, "--env", "local", "--events-file", str(SAMPLE),
                                           "--events-file", str(path)])  # fmt: skip
        assert result.exit_code == 4, result.output
        [line] = result.stderr.strip().splitlines()
        assert f"error: --events-file: {path}: {reason}" in line
