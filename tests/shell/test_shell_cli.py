"""``ecs-exec shell`` / ``exec-window shell`` refusals, in process (moto ``mock_aws``): each is exit 4,
one line, and nothing is changed (no schedule, exec still off, no plugin run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result
from moto import mock_aws

from ecs_exec.cli import exec_window_main, main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def account(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ECS_EXEC_PROJECT_DIR", str(REPO))
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        ecs = session.client("ecs")
        for cluster in ("demo-app", "demo-batch"):
            ecs.create_cluster(clusterName=cluster)
        ecs.register_task_definition(
            family="demo-app-api", containerDefinitions=[{"name": "app", "image": "x", "memory": 128}]
        )
        ecs.create_service(cluster="demo-app", serviceName="bluegreen", taskDefinition="demo-app-api", desiredCount=1,
                           deploymentController={"type": "CODE_DEPLOY"})  # fmt: skip
        session.client("scheduler").create_schedule_group(Name="ecs-exec-windows-local")
        yield session


def _shell(cli: Any, *args: str) -> Result:
    base = ["shell", "--env", "local", "--reason", "INC-1", "--no-input", "--no-assume-role"]
    return CliRunner().invoke(cli, [*base, *args])


def _unchanged(session: Any) -> None:
    assert session.client("scheduler").list_schedules()["Schedules"] == []
    svc = session.client("ecs").describe_services(cluster="demo-app", services=["bluegreen"])["services"][0]
    assert not svc.get("enableExecuteCommand")


def test_redeploy_of_a_code_deploy_service_is_refused_with_a_hint_to_use_twin(account: Any) -> None:
    result = _shell(main, "--cluster", "demo-app", "--service", "bluegreen")
    assert result.exit_code == 4, result.output
    assert (
        "uses the CODE_DEPLOY deployment controller" in result.output and "use --mode twin" in result.output
    )
    _unchanged(account)


def test_a_never_cluster_is_refused_in_both_modes(account: Any) -> None:
    for mode in ("redeploy", "twin"):
        result = _shell(exec_window_main, "--cluster", "demo-batch", "--service", "worker", "--mode", mode)
        assert result.exit_code == 4, result.output
        assert "its exec mode is 'never'" in result.output
    _unchanged(account)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--reason", " "), "--reason: required"),
        (("--command", "  "), "--command: must not be blank"),
        (("--transcript-wait", "-1"), "--transcript-wait: must be 0 or more seconds"),
        (("--wait-timeout", "0"), "--wait-timeout: must be a positive number"),
        (("--minutes", "999"), "exceeds the environment's maximum window"),
        (("--container", "nope"), "'nope' is not a container of"),
    ],
)
def test_bad_values_are_exit_4_before_any_change(account: Any, args: tuple[str, ...], needle: str) -> None:
    result = _shell(main, "--cluster", "demo-app", "--service", "bluegreen", "--mode", "twin", *args)
    assert result.exit_code == 4, result.output
    assert needle in result.output
    _unchanged(account)
