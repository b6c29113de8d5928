"""The `exec-window` / `ecs-exec window` commands: bad input, documented exit codes, one-line errors."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from window_helpers import schedules, service, tags_of

from ecs_exec.cli import exec_window_main, main
from generator.spec import EnvironmentSpec

OPEN = ["window", "open", "--env", "local", "--cluster", "demo-app", "--service", "api"]


@pytest.fixture()
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials anywhere: any AWS call would fail with exit 5, so exit 4 proves none was made."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)


def _invoke(cli: Any, args: list[str]) -> Result:
    return CliRunner().invoke(cli, args, prog_name="exec-window" if cli is exec_window_main else "ecs-exec")


def _one_error_line(stderr: str, *needles: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("ecs-exec: error: ") or lines[0].startswith("exec-window: error: "), lines[0]
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        ([*OPEN, "--minutes", "0", "--reason", "r"], ("--minutes", "positive")),
        ([*OPEN, "--minutes", "-3", "--reason", "r"], ("--minutes",)),
        ([*OPEN, "--minutes", "61", "--reason", "r"], ("--minutes", "maximum window of 60")),
        ([*OPEN, "--minutes", "5"], ("--reason", "required")),
        ([*OPEN, "--minutes", "5", "--reason", "   "], ("--reason",)),
        ([*OPEN, "--reason", "r", "--wait-timeout", "0"], ("--wait-timeout",)),
        (
            ["window", "open", "--env", "local", "--cluster", "nope", "--service", "api", "--reason", "r"],
            ("--cluster", "'nope'", "known: demo-app, demo-batch"),
        ),
        (
            [
                "window",
                "open",
                "--env",
                "local",
                "--cluster",
                "demo-batch",
                "--service",
                "worker",
                "--reason",
                "r",
            ],
            ("'never'",),
        ),
        (
            [
                "window",
                "extend",
                "--env",
                "local",
                "--cluster",
                "demo-app",
                "--service",
                "api",
                "--minutes",
                "0",
            ],
            ("--minutes",),
        ),
        (
            [
                "window",
                "extend",
                "--env",
                "local",
                "--cluster",
                "demo-app",
                "--service",
                "api",
                "--minutes",
                "99",
            ],
            ("maximum",),
        ),
        (["window", "close", "--env", "local", "--cluster", "nope", "--service", "api"], ("--cluster",)),
        (["window", "list", "--env", "nowhere"], ("--env", "unknown environment")),
        # Regression: click's int type made these exit 2 with a three-line usage message.
        ([*OPEN, "--minutes", "abc", "--reason", "r"], ("--minutes", "'abc'", "whole number")),
        ([*OPEN, "--minutes", "1e3", "--reason", "r"], ("--minutes",)),
        ([*OPEN, "--reason", "r", "--wait-timeout", "soon"], ("--wait-timeout", "'soon'")),
        (["window", "extend", *OPEN[2:], "--minutes", "ten"], ("--minutes", "'ten'")),
        # Regression: these reached AWS; an ARN even keyed a second window on the same service.
        ([*OPEN[:-1], "api/x", "--reason", "r"], ("--service", "'api/x'", "not an ECS service name")),
        ([*OPEN[:-1], "", "--reason", "r"], ("--service",)),
        (
            ["window", "close", *OPEN[2:-1], "arn:aws:ecs:us-east-1:123456789012:service/demo-batch/api"],
            ("--service", "cluster 'demo-batch'"),
        ),
    ],
)
def test_bad_values_exit_4_before_any_aws_call(
    no_credentials: None, args: list[str], needles: tuple[str, ...]
) -> None:
    result = _invoke(main, args)
    assert result.exit_code == 4, result.output
    assert result.stdout == ""
    _one_error_line(result.stderr, *needles)


def test_no_credentials_exit_5(no_credentials: None) -> None:
    result = _invoke(exec_window_main, [*OPEN[1:], "--minutes", "5", "--reason", "r"])
    assert result.exit_code == 5
    _one_error_line(result.stderr, "no AWS credentials")


def test_missing_service_exit_4_nothing_changed(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    args = [
        "open",
        "--env",
        "local",
        "--cluster",
        "demo-app",
        "--service",
        "ghost",
        "--reason",
        "r",
        "--no-wait",
    ]
    result = _invoke(exec_window_main, args)
    assert result.exit_code == 4
    _one_error_line(result.stderr, "service 'ghost' does not exist in cluster 'demo-app'")
    assert schedules(moto_account, spec) == []


def test_code_deploy_refused_with_what_to_do(spec: EnvironmentSpec, moto_account: boto3.Session) -> None:
    args = ["open", "--env", "local", "--cluster", "demo-app", "--service", "bluegreen", "--reason", "r"]
    result = _invoke(exec_window_main, args)
    assert result.exit_code == 4
    _one_error_line(result.stderr, "CODE_DEPLOY", "CodeDeploy blue/green deployment")
    assert schedules(moto_account, spec) == []
    assert tags_of(moto_account, "demo-app", "bluegreen") == {}


def test_open_list_close_in_process(
    spec: EnvironmentSpec, moto_account: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECS_EXEC_NOW", "2026-11-30T12:00:00Z")
    dry = _invoke(exec_window_main, [*OPEN[1:], "--reason", "r", "--dry-run", "-o", "json"])
    assert dry.exit_code == 0, dry.stderr
    assert json.loads(dry.stdout)["status"] == "planned"
    assert schedules(moto_account, spec) == []

    opened = _invoke(exec_window_main, [*OPEN[1:], "--reason", "debug #7", "--no-wait"])
    assert opened.exit_code == 0, opened.stderr
    assert re.search(r"^expires_at +2026-11-30T12:30:00Z$", opened.stdout, re.M)  # default_window_minutes: 30
    assert "opened demo-app/api" in opened.stderr
    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True

    again = _invoke(exec_window_main, [*OPEN[1:], "--reason", "again", "--no-wait"])
    assert again.exit_code == 0
    assert "already open" in again.stderr and "extend" in again.stderr

    listed = _invoke(main, ["window", "list", "--env", "local", "-o", "json"])
    [row] = json.loads(listed.stdout)["windows"]
    assert row["service"] == "api" and row["seconds_left"] == 1800 and row["reason"] == "debug _7"

    closed = _invoke(exec_window_main, ["close", *OPEN[2:], "--no-wait", "-o", "json"])
    assert closed.exit_code == 0, closed.stderr
    assert json.loads(closed.stdout)["status"] == "closed"
    assert "seconds_left" not in json.loads(closed.stdout)  # regression: a closed window showed time left
    assert not re.search(r"^seconds_left", _invoke(exec_window_main, ["close", *OPEN[2:]]).stdout, re.M)
    noop = _invoke(exec_window_main, ["close", *OPEN[2:], "-o", "json"])
    assert noop.exit_code == 0 and json.loads(noop.stdout)["status"] == "already-closed"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--env", "local"],
        ["sweep", "--env", "local"],
        [*OPEN[1:], "--minutes", "5", "--reason", "r"],
        ["close", *OPEN[2:]],
    ],
)
def test_malformed_clock_override_exit_4_before_any_aws_call(
    no_credentials: None, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    # Regression: a malformed ECS_EXEC_NOW was exit 1 ("Invalid isoformat string"), after the STS call.
    monkeypatch.setenv("ECS_EXEC_NOW", "tomorrow")
    result = _invoke(exec_window_main, args)
    assert result.exit_code == 4, result.output
    _one_error_line(result.stderr, "ECS_EXEC_NOW", "'tomorrow'")


def test_service_arn_is_the_same_window_as_its_name(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    # Regression: --service <ARN> was used verbatim: schedule name with ':' (AWS rejects it) and a second
    # window on the same service.
    arn = service(moto_account, "demo-app", "api")["serviceArn"]
    by_arn = _invoke(exec_window_main, [*OPEN[1:-1], arn, "--reason", "r", "--no-wait", "-o", "json"])
    assert by_arn.exit_code == 0, by_arn.stderr
    assert json.loads(by_arn.stdout)["service"] == "api"
    by_name = _invoke(exec_window_main, [*OPEN[1:], "--reason", "r", "--no-wait", "-o", "json"])
    assert json.loads(by_name.stdout)["status"] == "already-open"
    [schedule] = schedules(moto_account, spec)
    assert schedule["Name"].startswith("ecs-exec-demo-app-api-")


def test_open_wait_exit_7_names_the_bound_that_ran_out(
    spec: EnvironmentSpec, moto_account: boto3.Session
) -> None:
    # In-process moto starts no task of the new deployment: the wait runs out (1 s, the only real wait).
    result = _invoke(exec_window_main, [*OPEN[1:], "--minutes", "5", "--reason", "r", "--wait-timeout", "1"])
    assert result.exit_code == 7, result.output
    assert "--wait-timeout ran out before the window's expiry" in result.stderr
    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True  # open all the same


def test_progress_rewrites_one_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from ecs_exec.cli import window as window_cmd

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    with window_cmd._waiter(600) as waiter:
        assert waiter.progress_every_seconds == 5.0  # a rewritten line may follow every poll
        waiter.progress("waiting: 0 running")
        waiter.progress("waiting: 1 running")
    assert term.getvalue() == "\r\x1b[Kwaiting: 0 running\r\x1b[Kwaiting: 1 running\n"


def test_progress_is_paced_when_not_a_terminal() -> None:
    from ecs_exec.cli import window as window_cmd

    with window_cmd._waiter(600) as waiter:  # pytest's captured stderr is no terminal
        assert waiter.progress_every_seconds == 30.0


_API_FIELDS = {"enableExecuteCommand"}  # AWS API fields keep the API's name (README, windows section)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_json_document_is_an_object_with_schema_version_and_snake_case_keys(
    spec: EnvironmentSpec, moto_account: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: list printed a bare array mixing enableExecuteCommand with snake_case, no schema_version.
    monkeypatch.setenv("ECS_EXEC_NOW", "2026-11-30T12:00:00Z")
    runs = {
        "open": [*OPEN[1:], "--reason", "r", "--no-wait"],
        "extend": ["extend", *OPEN[2:], "--minutes", "5"],
        "list": ["list", "--env", "local"],
        "close": ["close", *OPEN[2:], "--no-wait"],
        "sweep": ["sweep", "--env", "local", "--dry-run"],
    }
    for command, args in runs.items():
        result = _invoke(exec_window_main, [*args, "-o", "json"])
        assert result.exit_code == 0, (command, result.stderr)
        doc = json.loads(result.stdout)
        assert isinstance(doc, dict)
        assert (doc["schema_version"], doc["command"], doc["environment"]) == (1, command, "local")
        odd = {k for k in _keys(doc) - _API_FIELDS if not re.fullmatch(r"[a-z][a-z0-9_]*", k)}
        assert not odd, (command, odd)
        if command == "list":
            assert doc["windows"][0]["enableExecuteCommand"] is True
        if command == "close":
            assert doc["status"] == "closed" and "seconds_left" not in doc
            assert doc["expires_at"] == "2026-11-30T12:35:00Z"  # which window was closed
