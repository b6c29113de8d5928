"""``ecs-exec preflight`` end to end in-process: output formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from preflight_world import CLUSTER, SERVICE, build_world

from ecs_exec.cli import main
from reconciler.preflight.checks import CHECKS


def _tool(folder: Path, name: str, output: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{output}'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture()
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding only a fake ``aws`` (v2.15.30) and ``session-manager-plugin``."""
    _tool(tmp_path, "aws", "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64")
    _tool(tmp_path, "session-manager-plugin", "1.2.553.0")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/bin{os.pathsep}/usr/bin")
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["preflight", "--env", "local", *args], prog_name="ecs-exec")


def test_json_output_and_exit_0(aws: None, bin_dir: Path) -> None:
    build_world(with_task=False)  # the CLI's clients have no DescribeTasks hook: judge the service
    result = invoke("--cluster", CLUSTER, "--service", SERVICE, "--output", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [c["id"] for c in data["checks"]] == [c.id for c in CHECKS]
    assert data["exit_code"] == 0 and data["summary"]["FAIL"] == 0
    assert data["target"] == {
        "cluster": CLUSTER,
        "service": SERVICE,
        "task": None,
        "container": None,
        "running_tasks": 0,
    }
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["client.session-manager-plugin"]["status"] == "PASS"
    # the default moto caller (user/moto) is not an IAM user: caller checks are WARN, not FAIL
    assert by_id["caller.ecs-execute-command"]["status"] == "WARN"
    assert any("permission boundaries" in n for n in data["notes"])


def test_missing_plugin_fails_with_exit_3(aws: None, bin_dir: Path) -> None:
    build_world(with_task=False)
    (bin_dir / "session-manager-plugin").unlink()
    result = invoke("--cluster", CLUSTER, "--service", SERVICE)
    assert result.exit_code == 3, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["STATUS", "ID", "REASON"]
    failing = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    assert len(failing) == 1 and "client.session-manager-plugin" in lines[failing[0]]
    # Regression: one ~240-column line per check; now the fix is on its own indented line, <= 120 columns.
    fix = next(line for line in lines[failing[0] + 1 :] if "fix: " in line)
    assert fix.startswith(" " * 8) and fix.strip().startswith("fix: install the Session Manager plugin")
    assert all(len(line) <= 120 or len(line.split()) == 1 for line in lines)  # but a whole URL or ARN
    assert "Unable to parse" not in result.stderr and "Further retries" not in result.stderr
    assert "preflight demo-app/api: " in result.stderr and "1 FAIL" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--cluster", CLUSTER, "--service", "nope"],
            "--service: service 'nope' not found in cluster 'demo-app'",
        ),
        (
            ["--cluster", "elsewhere", "--service", SERVICE],
            "--cluster: 'elsewhere' is not a cluster of environment local",
        ),
        (["--cluster", CLUSTER], "give exactly one of --service or --task"),
        (
            ["--cluster", CLUSTER, "--service", SERVICE, "--task", "abc"],
            "give exactly one of --service or --task",
        ),
    ],
)
def test_bad_target_is_one_line_exit_4(aws: None, bin_dir: Path, args: list[str], message: str) -> None:
    build_world(with_task=False)
    result = invoke(*args)
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ecs-exec: error: {message}"), lines
    assert result.stdout == ""


def test_no_credentials_is_one_line_exit_5(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = invoke("--cluster", CLUSTER, "--service", SERVICE)
    assert result.exit_code == 5, result.output
    assert result.stderr.strip().splitlines() == [
        "ecs-exec: error: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
    ]
