"""The live model's rules, each decided once (README: "The live model"), and the jobs agreeing on them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from generator.expected import expected_execute_command_configuration
from generator.loader import parse_config
from generator.spec import EnvironmentSpec
from reconciler.drift.diff import diff_cluster
from reconciler.drift.model import ClusterState
from reconciler.live import exec_config_differences
from reconciler.live.model import LiveCluster, LiveContainer, LiveKey, LiveService, LiveTask, service_of_group
from reconciler.live.parse import parse_key, parse_service, parse_task
from reconciler.preflight.checks.cluster import cluster_exec_configuration
from reconciler.preflight.context import Context
from reconciler.preflight.facts import Target
from reconciler.preflight.model import Status

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
CONFIG = f"""
environment: unit
region: us-east-1
account_id: "123456789012"
exec_logging: {{kms: {{key_arn: "{KEY}"}}}}
windows: {{role_name: w, scheduler_role_name: s, schedule_group_name: g, dead_letter_queue_name: q}}
drift_role_name: d
clusters: [{{name: app, exec: {{mode: windowed}}}}]
"""
CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/app"


def _spec() -> EnvironmentSpec:
    return parse_config(CONFIG, "unit.yaml")


# ---- active service ----


@pytest.mark.parametrize(("status", "active"), [("ACTIVE", True), ("DRAINING", False), ("INACTIVE", False)])
def test_active_service_is_status_active_only(status: str, active: bool) -> None:
    raw = {"serviceArn": "arn:s", "serviceName": "api", "status": status, "enableExecuteCommand": True}
    assert parse_service(raw, "app").active is active


# ---- running task, allows exec, exec-ready ----


@pytest.mark.parametrize(
    ("last_status", "running"),
    [("PROVISIONING", True), ("PENDING", True), ("ACTIVATING", True), ("RUNNING", True),
     ("DEACTIVATING", False), ("STOPPING", False), ("DEPROVISIONING", False), ("STOPPED", False)],
)  # fmt: skip
def test_running_task_rule(last_status: str, running: bool) -> None:
    task = LiveTask("arn:t", "service:api", True, last_status)
    assert task.running is running and task.allows_exec is running
    assert LiveTask("arn:t", "service:api", False, last_status).allows_exec is False


def _task(status: str = "RUNNING", exec_on: bool = True, agents: list[Any] | None = None) -> dict[str, Any]:
    containers = [
        {"name": f"c{i}", **({} if a is None else {"managedAgents": [{"name": "ExecuteCommandAgent", **a}]})}
        for i, a in enumerate(agents if agents is not None else [{"lastStatus": "RUNNING"}])
    ]
    return {"taskArn": "arn:t", "group": "service:api", "lastStatus": status, "enableExecuteCommand": exec_on,
            "containers": containers}  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "ready"),
    [
        (_task(), True),
        (_task(agents=[{"lastStatus": "RUNNING"}, {"lastStatus": "RUNNING"}]), True),
        (_task(agents=[{"lastStatus": "RUNNING"}, {"lastStatus": "PENDING"}]), False),
        (_task(agents=[None]), False),  # no ExecuteCommandAgent listed: not ready (moto's answers)
        (_task(agents=[]), False),  # no container known
        (_task(status="PENDING"), False),
        (_task(exec_on=False), False),
    ],
)
def test_exec_ready_rule(raw: dict[str, Any], ready: bool) -> None:
    assert parse_task(raw).exec_ready is ready


def test_agent_status_and_reason_are_parsed_per_container() -> None:
    raw = _task(agents=[{"lastStatus": "STOPPED", "reason": "no script"}, None])
    assert parse_task(raw).containers == (LiveContainer("c0", "STOPPED", "no script"), LiveContainer("c1"))


# ---- twin tasks ----


@pytest.mark.parametrize(
    ("group", "service"),
    [("service:api", "api"), ("ecs-exec:api", "api"), ("family:api", None), ("", None), ("service:", None)],
)
def test_twin_tasks_belong_to_their_service(group: str, service: str | None) -> None:
    assert service_of_group(group) == service
    assert LiveTask("arn:t", group, True).is_twin is group.startswith("ecs-exec:")


# ---- key state ----


@pytest.mark.parametrize(
    ("meta", "state", "usable"),
    [
        ({"KeyState": "Enabled"}, "Enabled", True),
        ({"KeyState": "Disabled", "Enabled": False}, "Disabled", False),
        ({"KeyState": "PendingDeletion", "DeletionDate": NOW}, "PendingDeletion", False),
        ({"Enabled": False}, "Disabled", False),  # an answer without KeyState
        ({"Enabled": True}, "Enabled", True),
    ],
)
def test_key_state_rule(meta: dict[str, Any], state: str, usable: bool) -> None:
    key = parse_key(KEY, meta)
    assert (key.state, key.usable) == (state, usable)
    assert LiveKey(KEY, "NotFound").usable is False


# ---- exec configuration equality: drift and preflight agree ----


def _live_config(**extra: Any) -> dict[str, Any]:
    conf = expected_execute_command_configuration(_spec(), "app", KEY)
    conf["logConfiguration"] = {**conf["logConfiguration"], **extra}
    return conf


def test_exec_config_equality_fills_api_defaults() -> None:
    desired = {"kmsKeyId": KEY, "logging": "DEFAULT"}
    assert exec_config_differences(desired, {"kmsKeyId": KEY}) == ()  # missing logging == DEFAULT
    assert exec_config_differences({"logConfiguration": {"s3KeyPrefix": ""}}, {}) == ()  # "" == none
    assert exec_config_differences(desired, {}, ignore=("kmsKeyId",)) == ()


def _preflight_verdict(conf: dict[str, Any]) -> tuple[Status, str]:
    cluster = LiveCluster(CLUSTER_ARN, "app", "ACTIVE", conf, "enabled")
    ctx = Context(spec=_spec(), tools=None, iam=None, identity={}, resolved=Target(cluster, None, None, None))  # type: ignore[arg-type]
    outcome = cluster_exec_configuration(ctx)
    return outcome.status, outcome.reason


def _drift_fields(conf: dict[str, Any]) -> set[str]:
    cluster = LiveCluster(CLUSTER_ARN, "app", "ACTIVE", conf, "enabled")
    state = ClusterState("app", CLUSTER_ARN, KEY, cluster, None)
    return {
        f.field
        for f in diff_cluster(_spec(), state, NOW)
        if f.field.startswith("executeCommandConfiguration")
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"s3BucketName": "someone-elses-bucket"}, "logConfiguration.s3BucketName"),  # extra S3 logging
        ({"cloudWatchEncryptionEnabled": False}, "logConfiguration.cloudWatchEncryptionEnabled"),
        ({}, None),
    ],
)
def test_drift_and_preflight_agree_on_the_exec_configuration(
    extra: dict[str, Any], field: str | None
) -> None:
    conf = _live_config(**extra)
    status, reason = _preflight_verdict(conf)
    drift = _drift_fields(conf)
    if field is None:
        assert status is Status.PASS and drift == set()
    else:
        assert drift == {f"executeCommandConfiguration.{field}"}
        assert status is Status.WARN and f"differs from the config file: {field}" in reason
    assert exec_config_differences(expected_execute_command_configuration(_spec(), "app", KEY), conf) == (
        () if field is None else (field,)
    )


def test_live_service_record_keeps_window_tags_and_deployment() -> None:
    raw = {
        "serviceArn": "arn:s", "serviceName": "api", "status": "ACTIVE",
        "tags": [{"key": "ecs-exec:window-id", "value": "w"}],
        "deployments": [{"id": "ecs-svc/1", "status": "ACTIVE"}, {"id": "ecs-svc/2", "status": "PRIMARY"}],
    }  # fmt: skip
    svc = parse_service(raw, "app")
    assert svc == LiveService(
        "arn:s", "api", False, "ECS", {"ecs-exec:window-id": "w"}, "app", "ACTIVE", "ecs-svc/2"
    )
