"""``ecs-exec audit`` and ``ecs-exec audit show``: output formats, exit codes, bad input before any AWS call."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import stub_cloudtrail
from audit_records import assumed_role, execute_command, iam_user, page
from audit_seed import put_object, put_stream
from click.testing import CliRunner

from ecs_exec.aws import ClientFactory
from ecs_exec.cli import audit as audit_cmd
from ecs_exec.cli import main
from generator.spec import EnvironmentSpec
from reconciler.audit.render import CSV_COLUMNS, SCHEMA_VERSION

NOW = "2026-11-30T12:00:00Z"
SID_LOGS = "ecs-execute-command-00000000000000001"
SID_S3 = "ecs-execute-command-00000000000000002"
SID_NONE = "ecs-execute-command-00000000000000003"


@pytest.fixture()
def cli_factory(factory: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> ClientFactory:
    """The CLI uses this factory (its CloudTrail client gets a Stubber in each test); the clock is frozen."""
    monkeypatch.setattr(audit_cmd, "make_factory", lambda region, rate_limits=None: factory)
    monkeypatch.setenv("ECS_EXEC_NOW", NOW)
    return factory


def _records() -> list[dict[str, Any]]:
    return [
        execute_command(
            iam_user("alice"), at="2026-11-30T09:00:00Z", session_id=SID_LOGS, command="/bin/bash"
        ),
        execute_command(
            assumed_role(session="botocore-session-1"), at="2026-11-30T09:10:00Z", session_id=SID_S3
        ),
        execute_command(iam_user("mallory"), at="2026-11-30T09:20:00Z", error_code="AccessDenied"),
    ]


def _seed(spec: EnvironmentSpec) -> None:
    put_stream(spec, "payments", SID_LOGS, ["$ cat /etc/hostname", "ip-10-0-1-5"])
    put_object(spec, "payments", f"exec-sessions/{SID_S3}.log", "$ env\nHOME=/root\n")


def _run(args: list[str]) -> Any:
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_json_output(cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path) -> None:
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    result = _run(["audit", "--config", str(config_file), "--output", "json"])
    assert result.exit_code == 3, result.stderr  # the generic session name is flagged
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert (doc["environment"], doc["region"], doc["generated_at"]) == ("test", "us-east-1", NOW)
    assert doc["query"]["since"] == "2026-11-29T12:00:00Z" and doc["query"]["grace_minutes"] == 60
    assert doc["summary"] == {"sessions": 3, "flagged": 1, "failed_calls": 1}
    alice, generic, failed = doc["sessions"]
    assert alice["person"] == "alice" and alice["principal"]["type"] == "IAMUser"
    assert alice["transcript"]["status"] == "found" and alice["transcript"]["log_stream"] == SID_LOGS
    assert alice["window"]["status"] == "unknown"
    assert generic["flags"] == ["generic-session-name"]
    assert generic["transcript"]["s3_key"] == f"exec-sessions/{SID_S3}.log"
    assert failed["error_code"] == "AccessDenied" and failed["session_id"] is None
    assert doc["notes"] == ["payments: no exec-window events or tags recorded: window check unknown"]
    assert "1 flagged" in result.stderr


def test_csv_output(cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path) -> None:
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    result = _run(["audit", "--config", str(config_file), "--output", "csv", "--principal", "ALICE"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [(r["person"], r["session_id"], r["transcript"], r["command"]) for r in rows] == [
        ("alice", SID_LOGS, "found", "/bin/bash")
    ]


def test_table_output(cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path) -> None:
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    result = _run(["audit", "--config", str(config_file), "--cluster", "payments", "--grace", "30"])
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "TIME",
        "PERSON",
        "CALLER",
        "CLUSTER",
        "TASK",
        "CONTAINER",
        "SESSION_ID",
        "TRANSCRIPT",
        "WINDOW",
        "FLAGS",
    ]
    assert len(lines) == 4
    assert "(AccessDenied)" in lines[3]
    assert lines[2].endswith("generic-session-name")
    assert result.exit_code == 3


def test_show_prints_header_and_transcript(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    result = _run(["audit", "show", SID_LOGS, "--config", str(config_file)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "# who:        alice (arn:aws:iam::123456789012:user/alice)" in out
    assert "# when:       2026-11-30T09:00:00Z" in out
    assert "# where:      cluster payments task 0123456789abcdef0123456789abcdef container app" in out
    assert f"# transcript: logs /ecs-exec/test/payments / {SID_LOGS}" in out
    assert out.endswith("$ cat /etc/hostname\nip-10-0-1-5\n")


def test_show_from_s3_as_json(cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path) -> None:
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    result = _run(["audit", "show", SID_S3, "--config", str(config_file), "--output", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["transcript"]["text"] == "$ env\nHOME=/root\n"
    assert doc["session"]["flags"] == ["generic-session-name"]


def test_show_without_transcript_is_a_finding(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    stub_cloudtrail(
        cli_factory, [page([execute_command(iam_user(), at="2026-11-30T09:00:00Z", session_id=SID_NONE)])], []
    )
    result = _run(["audit", "show", SID_NONE, "--config", str(config_file)])
    assert result.exit_code == 3
    assert "# transcript: none found" in result.stdout
    assert "missing" in result.stderr


def test_show_never_prints_a_suffixed_stream_as_the_transcript(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    put_stream(spec, "payments", f"{SID_NONE}-replay", ["$ harmless"])
    stub_cloudtrail(
        cli_factory, [page([execute_command(iam_user(), at="2026-11-30T09:00:00Z", session_id=SID_NONE)])], []
    )
    result = _run(["audit", "show", SID_NONE, "--config", str(config_file)])
    assert result.exit_code == 3
    assert "# transcript: none found" in result.stdout and "harmless" not in result.stdout
    assert (
        f"transcript-late-write: other streams named after the session (not printed): {SID_NONE}-replay"
        in (result.stdout)
    )


def test_show_unknown_session_is_exit_4(cli_factory: ClientFactory, config_file: Path) -> None:
    stub_cloudtrail(cli_factory, [page([])], [])
    result = _run(["audit", "show", SID_NONE, "--config", str(config_file)])
    assert result.exit_code == 4
    assert f"no CloudTrail record of {SID_NONE}" in result.stderr


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--since", "last tuesday"], "--since: cannot parse 'last tuesday'"),
        (["--since", "2026-11-30T00:00:00Z", "--until", "2026-11-29T00:00:00Z"], "is after --until"),
        (["--until", "whenever"], "--until: cannot parse"),
        (["--cluster", "nope"], "--cluster: 'nope' is not a cluster of environment"),
        (["--grace", "-5"], "--grace"),
        (["--grace", "999999999999999999999"], "--grace: 999999999999999999999 minutes is longer"),
        (["show", "bad/id"], "SESSION_ID"),
        (["show", SID_NONE, "--since", "nonsense"], "--since"),
        # Regressions: ages and times out of the date range were exit 1 ("date value out of range").
        (["--since", "1000000d"], "--since: '1000000d'"),
        (["--since", "99999999999999999d"], "--since"),
        (["--until", "0001-01-01T00:00:00+01:00"], "--until"),
    ],
)
def test_bad_input_is_exit_4_before_any_aws_call(
    args: list[str], text: str, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")

    def no_aws(region: str, rate_limits: object = None) -> None:
        raise AssertionError("an AWS client was requested")

    monkeypatch.setattr(audit_cmd, "make_factory", no_aws)
    if args[0] == "show":
        full = ["audit", args[0], args[1], "--config", str(config_file), *args[2:]]
    else:
        full = ["audit", "--config", str(config_file), *args]
    result = CliRunner().invoke(main, full)
    assert result.exit_code == 4, result.output
    assert text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_no_credentials_is_exit_5(config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(main, ["audit", "--config", str(config_file)])
    assert result.exit_code == 5
    assert "no AWS credentials" in result.stderr


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON document (``sessions[].principal.arn``)."""
    if isinstance(value, dict):
        return {f"{prefix}{k}" for k in value} | {
            p for k, v in value.items() for p in _keys(v, f"{prefix}{k}.")
        }
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _keys(value[0], f"{prefix[:-1]}[].")
    return set()


def test_readme_json_example_has_the_real_shape(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section:audit -->", 1)[1].split("<!-- section:", 1)[0]
    example = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    _seed(spec)
    stub_cloudtrail(cli_factory, [page(_records())], [])
    real = json.loads(_run(["audit", "--config", str(config_file), "--output", "json"]).stdout)
    assert _keys(example) == _keys(real)


def test_calls_made_are_declared(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path, recorder: Any
) -> None:
    from audit_helpers import iam_action

    from reconciler.audit.report import PERMISSIONS

    _seed(spec)
    first = stub_cloudtrail(cli_factory, [page(_records())], [])
    _run(["audit", "--config", str(config_file)])
    first.deactivate()
    stub = stub_cloudtrail(cli_factory, [page(_records())], [])
    _run(["audit", "show", SID_LOGS, "--config", str(config_file)])
    stub.deactivate()
    made = {iam_action(c) for c in recorder.calls}
    assert {
        "sts:GetCallerIdentity",
        "cloudtrail:LookupEvents",
        "logs:FilterLogEvents",
        "s3:ListBucketVersions",
    } <= made
    assert made <= set(PERMISSIONS) | set(audit_cmd.PERMISSIONS)


def test_cloudtrail_failure_is_exit_5(cli_factory: ClientFactory, config_file: Path) -> None:
    from botocore.exceptions import ClientError

    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "LookupEvents"
        )

    cli_factory.client("cloudtrail").meta.events.register_first("before-call.cloudtrail.LookupEvents", deny)
    result = CliRunner().invoke(main, ["audit", "--config", str(config_file)])
    assert result.exit_code == 5
    assert "cloudtrail:LookupEvents (EventName=ExecuteCommand) failed: AccessDeniedException" in result.stderr


def test_malformed_clock_override_is_exit_4_before_any_aws_call(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: a malformed ECS_EXEC_NOW was exit 1 ("Invalid isoformat string").
    def no_aws(region: str, rate_limits: object = None) -> None:
        raise AssertionError("an AWS client was requested")

    monkeypatch.setattr(audit_cmd, "make_factory", no_aws)
    monkeypatch.setenv("ECS_EXEC_NOW", "yesterday")
    result = CliRunner().invoke(main, ["audit", "--config", str(config_file)])
    assert result.exit_code == 4, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.endswith(
        "error: ECS_EXEC_NOW: 'yesterday' is not an ISO 8601 time (like 2026-11-30T12:00:00Z); unset it"
    )


def _deny_cloudtrail(factory: ClientFactory) -> None:
    from botocore.exceptions import ClientError

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "LookupEvents")

    factory.client("cloudtrail").meta.events.register_first("before-call.cloudtrail.LookupEvents", deny)


def test_show_without_cloudtrail_still_prints_the_transcript(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    # Regression: no cloudtrail:LookupEvents (or moto, which lacks it) made `show` exit 5 with no transcript.
    _seed(spec)
    _deny_cloudtrail(cli_factory)
    result = _run(["audit", "show", SID_LOGS, "--config", str(config_file), "--cluster", "payments"])
    assert result.exit_code == 6
    assert "$ cat /etc/hostname\nip-10-0-1-5\n" in result.stdout
    assert "no header from CloudTrail" in result.stderr and "AccessDeniedException" in result.stderr
    missing = _run(["audit", "show", SID_NONE, "--config", str(config_file), "--cluster", "payments"])
    assert missing.exit_code == 5  # no transcript either: the CloudTrail failure is the answer
    assert "cloudtrail:LookupEvents" in missing.stderr


def test_csv_cells_that_start_a_formula_are_escaped(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    _seed(spec)
    hostile = execute_command(
        assumed_role(session="=cmd|' /C calc'!A0", source_identity="@SUM(1+1)"),
        at="2026-11-30T09:30:00Z",
        session_id="ecs-execute-command-0a1b2c3d4e5f60003",
        command="-2+3",
    )
    first = stub_cloudtrail(cli_factory, [page([*_records(), hostile])], [])
    result = _run(["audit", "--config", str(config_file), "--output", "csv"])
    first.deactivate()
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout)) if r["command"].endswith("-2+3"))
    assert (row["command"], row["source_identity"], row["person"]) == ("'-2+3", "'@SUM(1+1)", "'@SUM(1+1)")
    assert row["principal_arn"].startswith("arn:")  # other cells untouched
    stub = stub_cloudtrail(cli_factory, [page([hostile])], [])
    table = _run(["audit", "--config", str(config_file)])
    stub.deactivate()
    assert " @SUM(1+1) " in table.stdout and "'@SUM" not in table.stdout  # only CSV is escaped


@pytest.mark.parametrize("command", ["\r=2", "x\r\n=2+3", "x\n@SUM(1)", "\r\r-1", "a\r+1"])
def test_csv_line_breaks_in_a_cell_start_no_formula_row(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path, command: str
) -> None:
    """A cell with CR or LF is quoted (one row when read back) and no line of the file starts a formula."""
    hostile = execute_command(
        iam_user("alice"), at="2026-11-30T09:30:00Z", session_id=SID_NONE, command=command
    )
    stub_cloudtrail(cli_factory, [page([hostile])], [])
    result = _run(["audit", "--config", str(config_file), "--output", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 2 and len(rows[1]) == len(CSV_COLUMNS)
    cell = dict(zip(rows[0], rows[1], strict=True))["command"]
    assert cell.replace("'", "") == command.replace("\r\n", "\n")  # click's runner turns CRLF into LF
    assert not any(part.startswith(("=", "+", "-", "@")) for part in re.split("[\r\n]", cell))
    assert not any(line.startswith(("=", "+", "-", "@")) for line in result.stdout.splitlines())


def test_table_cells_show_control_characters_escaped(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    """A newline or tab in a caller-chosen value cannot print a spoofed row in the table."""
    fake = "2026-11-30T09:00:00Z  alice  alice  payments  x  app  ecs-execute-command-1  found"
    hostile = execute_command(
        assumed_role(session="x", source_identity="eve\t\x1b[2K\u202e\n" + fake),
        at="2026-11-30T09:30:00Z",
        session_id=SID_NONE,
    )
    stub_cloudtrail(cli_factory, [page([hostile])], [])
    result = _run(["audit", "--config", str(config_file)])
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("TIME")  # the header and one row, nothing spoofed
    assert "eve\\t\\x1b[2K\\u202e" in lines[1]
    assert all(c.isprintable() for c in result.stdout.replace("\n", ""))


def test_show_header_values_cannot_forge_header_lines(
    cli_factory: ClientFactory, spec: EnvironmentSpec, config_file: Path
) -> None:
    _seed(spec)
    forged = "/bin/sh\n# transcript: logs /elsewhere / harmless"
    rec = execute_command(iam_user("alice"), at="2026-11-30T09:00:00Z", session_id=SID_LOGS, command=forged)
    stub_cloudtrail(cli_factory, [page([rec])], [])
    result = _run(["audit", "show", SID_LOGS, "--config", str(config_file)])
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("# transcript:")] == [
        f"# transcript: logs /ecs-exec/test/payments / {SID_LOGS}"
    ]
    assert "# command:    /bin/sh\\n# transcript: logs /elsewhere / harmless" in result.stdout
