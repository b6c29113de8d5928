"""The README's promises about twin mode's IAM, over the policies ``config/local.yaml`` renders, as IAM
stores them after ``apply`` on the moto server (the shared ``applied_local`` fixture)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import boto3
import pytest

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ACCOUNT, REGION = "123456789012", "us-east-1"
ECS = f"arn:aws:ecs:{REGION}:{ACCOUNT}"


def _statements(applied_local: Any, role: str, policy: str) -> dict[str, dict[str, Any]]:
    iam = boto3.client(
        "iam", region_name=REGION, endpoint_url=applied_local.server.endpoint,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    raw = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    doc = raw if isinstance(raw, dict) else json.loads(unquote(raw))
    return {st["Sid"]: st for st in doc["Statement"]}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _granting(sts: dict[str, dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [st for st in sts.values() if st["Effect"] == "Allow" and action in _list(st["Action"])]


def test_window_role_runs_only_the_windowed_services_families_in_windowed_clusters(
    applied_local: Any,
) -> None:
    sts = _statements(applied_local, "ecs-exec-window-local", "ecs-exec-window")
    [run] = _granting(sts, "ecs:RunTask")
    # demo-app is windowed (api: family demo-app-api); demo-batch is `never`: its worker has no twin
    assert _list(run["Resource"]) == [f"{ECS}:task-definition/demo-app-api:*"]
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": [f"{ECS}:cluster/demo-app"]}}


def test_window_role_passes_only_the_services_task_roles_to_ecs_tasks(applied_local: Any) -> None:
    sts = _statements(applied_local, "ecs-exec-window-local", "ecs-exec-window")
    passes = {st["Sid"]: st for st in _granting(sts, "iam:PassRole")}
    twin = passes["PassTwinTaskRoles"]
    assert _list(twin["Resource"]) == [f"arn:aws:iam::{ACCOUNT}:role/demo-app-api-task"]
    assert twin["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    # no other statement lets it pass a role to ECS (a taskRoleArn override naming another role fails)
    others = [st for sid, st in passes.items() if sid != "PassTwinTaskRoles"]
    assert all(
        st["Condition"]["StringEquals"]["iam:PassedToService"] != "ecs-tasks.amazonaws.com" for st in others
    )


def test_twin_tags_at_launch_are_window_keys_only(applied_local: Any) -> None:
    sts = _statements(applied_local, "ecs-exec-window-local", "ecs-exec-window")
    launch = sts["TagTwinTasksAtLaunch"]
    assert _list(launch["Resource"]) == [f"{ECS}:task/demo-app/*"]
    assert launch["Condition"]["StringEquals"] == {"ecs:CreateAction": "RunTask"}
    assert launch["Condition"]["ForAllValues:StringLike"] == {"aws:TagKeys": ["ecs-exec:window-*"]}


def test_scheduler_role_stops_only_tasks_tagged_as_windows(applied_local: Any) -> None:
    sts = _statements(applied_local, "ecs-exec-window-scheduler-local", "ecs-exec-window-scheduler")
    [stop] = _granting(sts, "ecs:StopTask")
    assert stop["Condition"] == {"Null": {"aws:ResourceTag/ecs-exec:window-id": "false"}}
    assert sorted(_list(stop["Resource"])) == [f"{ECS}:task/demo-app/*", f"{ECS}:task/demo-batch/*"]
    assert [st for st in sts.values() if "ecs:RunTask" in _list(st["Action"])] == []
