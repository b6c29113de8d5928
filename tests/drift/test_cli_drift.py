"""``ecs-exec drift check|fix`` end to end: the CLI against the moto server (and bad input before AWS)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from ecs_exec.cli import main

REPO = Path(__file__).resolve().parents[2]
SERVICE = "drift-e2e"


def _drift(*args: str) -> Any:
    return CliRunner().invoke(main, ["drift", *args])


def test_unknown_env_is_exit_4() -> None:
    result = _drift("check", "--env", "nope")
    assert result.exit_code == 4
    assert "unknown environment 'nope'" in result.stderr and result.stderr.count("\n") == 1


def test_bad_concurrency_is_exit_4_before_any_aws_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: a call would fail with 5
    result = _drift("fix", "--env", "local", "--concurrency", "0")
    assert result.exit_code == 4 and "--concurrency" in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["check", "--env", "local", "--output", "garbage"], "--output"),
        (["check", "--env", "local", "--concurrency", "abc"], "--concurrency"),
        (["fix", "--env", "local", "--concurrency", "1000"], "--concurrency"),
        (["check", "--config", "."], "--config"),  # a directory
    ],
)
def test_invalid_option_values_are_one_line_exit_4(
    monkeypatch: pytest.MonkeyPatch, args: list[str], option: str
) -> None:
    # Was click's exit 2 with a three-line usage message for --output garbage / --concurrency abc.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    result = _drift(*args)
    assert result.exit_code == 4
    assert f": error: {option}: " in result.stderr and result.stderr.count("\n") == 1


def test_nothing_applied_is_drift_3_with_a_make_apply_hint() -> None:
    from moto import mock_aws

    with mock_aws():  # an empty account: every configured cluster, log group and key is missing
        result = _drift("check", "--env", "local", "--output", "json")
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert {i["action"] for i in doc["items"]} == {"run make apply"}
    assert "none of the 2 configured clusters exists" in result.stderr
    assert "run make apply ENV=local" in result.stderr and "Traceback" not in result.stderr


def test_no_credentials_is_exit_5(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    result = _drift("check", "--env", "local")
    assert result.exit_code == 5 and "no AWS credentials" in result.stderr


def test_account_mismatch_is_exit_5(server_env: Any, tmp_path: Path) -> None:
    text = (REPO / "config" / "local.yaml").read_text().replace('"123456789012"', '"999999999999"')
    config = tmp_path / "local.yaml"
    config.write_text(text)
    result = _drift("check", "--config", str(config))
    assert result.exit_code == 5
    assert "account 123456789012" in result.stderr and "expects 999999999999" in result.stderr


def _seed_service(env: dict[str, str]) -> tuple[Any, str]:
    """A service with one running task on demo-batch (exec mode never) of the applied local env."""
    ecs = boto3.client("ecs", region_name="us-east-1", endpoint_url=env["AWS_ENDPOINT_URL"])
    existing = ecs.describe_services(cluster="demo-batch", services=[SERVICE])["services"]
    if not [s for s in existing if s["status"] == "ACTIVE"]:
        ecs.register_task_definition(
            family=SERVICE, containerDefinitions=[{"name": "app", "image": "x", "memory": 128}]
        )
        ecs.create_service(cluster="demo-batch", serviceName=SERVICE, taskDefinition=SERVICE, desiredCount=1)
        ecs.run_task(
            cluster="demo-batch", taskDefinition=SERVICE, group=f"service:{SERVICE}", launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-00000000"]}},
        )  # fmt: skip
    return ecs, f"arn:aws:ecs:us-east-1:123456789012:service/demo-batch/{SERVICE}"


def _json(result: Any) -> dict[str, Any]:
    return json.loads(result.stdout)


def _foreign(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings about services/tasks other tests left on the shared server (not ours to judge)."""
    return [i for i in doc["items"] if i["kind"] in ("service", "task") and SERVICE not in i["resource"]]


@pytest.mark.slow
def test_drift_check_local_is_in_sync_after_apply(
    applied_local: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied_local.setenv(monkeypatch)
    _seed_service(applied_local.env())
    ecs_exec = str(Path(sys.executable).parent / "ecs-exec")
    proc = subprocess.run(
        [ecs_exec, "drift", "check", "--env", "local", "--output", "json"],
        capture_output=True, text=True, env={**applied_local.env(), "PATH": "/usr/bin:/bin"}, timeout=120, check=False,
    )  # fmt: skip
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 1 and doc["environment"] == "local"
    assert [i for i in doc["items"] if i not in _foreign(doc)] == [], doc["items"]
    assert (
        doc["summary"]["clusters"] == 2 and doc["summary"]["services"] >= 1 and doc["summary"]["tasks"] >= 1
    )
    if not _foreign(doc):
        assert proc.returncode == 0 and doc["in_sync"] is True, proc.stderr
    assert "drift check local:" in proc.stderr


@pytest.mark.slow
def test_drift_fix_on_the_server_then_in_sync(applied_local: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    applied_local.setenv(monkeypatch)
    ecs, arn = _seed_service(applied_local.env())
    ecs.update_service(cluster="demo-batch", service=SERVICE, enableExecuteCommand=True)

    check = _drift("check", "--env", "local", "--output", "json")
    assert check.exit_code == 3
    ours = [i for i in _json(check)["items"] if i["resource"] == arn]
    assert ours == [
        {"resource": arn, "cluster": "demo-batch", "kind": "service", "field": "enableExecuteCommand",
         "desired": False, "live": True, "action": "UpdateService", "status": "drift",
         "message": "exec mode never, deploymentController ECS"},
    ]  # fmt: skip

    dry = _drift("fix", "--env", "local", "--dry-run")
    assert (
        dry.exit_code == 3
        and "[dry-run] would UpdateService" in dry.stderr + dry.stdout
        or dry.exit_code == 3
    )
    assert "UpdateService" in dry.stdout and "dry-run" in dry.stdout

    fixed = _drift("fix", "--env", "local", "--output", "json")
    assert [i["status"] for i in _json(fixed)["items"] if i["resource"] == arn] == ["fixed"]
    after = _drift("check", "--env", "local", "--output", "json")
    assert [i for i in _json(after)["items"] if i["resource"] == arn] == []
    assert (
        ecs.describe_services(cluster="demo-batch", services=[SERVICE])["services"][0]["enableExecuteCommand"]
        is False
    )


def test_table_output_lists_findings_and_unmanaged(server_env: Any) -> None:
    server_env.hold_tasks_running()
    ecs = boto3.client("ecs", region_name="us-east-1")
    ecs.create_cluster(clusterName="drift-table-unmanaged")
    result = _drift("check", "--env", "local")
    # Whatever else is on the shared server: the configured clusters are listed by resource, and the
    # hand-made cluster appears only as unmanaged.
    assert result.exit_code in (0, 3, 6)
    assert "UNMANAGED_CLUSTER" in result.stdout and "cluster/drift-table-unmanaged" in result.stdout
    ecs.delete_cluster(cluster="drift-table-unmanaged")
