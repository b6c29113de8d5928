"""The pure diff: no AWS, hand-made live state."""

from __future__ import annotations

from datetime import timedelta

from drift_support import NOW, unit_spec

from ecs_exec.cli.drift import _progress
from ecs_exec.pacing import Pacer
from generator.expected import expected_execute_command_configuration
from reconciler.drift.diff import diff_cluster, flatten_exec_config, unmanaged_clusters
from reconciler.drift.model import Action, ClusterState, LiveCluster, LiveLogGroup, LiveService, LiveTask
from reconciler.windows.record import TAG_EXPIRES_AT, TAG_OPENED_AT

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
ARN = "arn:aws:ecs:us-east-1:123456789012"


def _state(
    services: tuple[LiveService, ...] = (), tasks: tuple[LiveTask, ...] = (), name: str = "alpha"
) -> ClusterState:
    spec = unit_spec()
    conf = expected_execute_command_configuration(spec, name, KEY)
    insights = "disabled" if name == "beta" else "enabled"
    return ClusterState(
        name=name,
        arn=f"{ARN}:cluster/{name}",
        kms_key_arn=KEY,
        cluster=LiveCluster(f"{ARN}:cluster/{name}", name, "ACTIVE", conf, insights),
        log_group=LiveLogGroup(spec.exec_log_group_name(name), "lg", KEY, 30),
        services=services,
        tasks=tasks,
    )


def _svc(on: bool, tags: dict[str, str] | None = None, controller: str = "ECS") -> LiveService:
    return LiveService(f"{ARN}:service/alpha/api", "api", on, controller, tags or {})


def test_missing_logging_equals_default() -> None:
    assert flatten_exec_config({"kmsKeyId": KEY}) == flatten_exec_config(
        {"kmsKeyId": KEY, "logging": "DEFAULT"}
    )
    assert flatten_exec_config(None)["logConfiguration.cloudWatchEncryptionEnabled"] is False


def test_desired_state_is_in_sync() -> None:
    assert diff_cluster(unit_spec(), _state(), NOW) == ()


def test_window_open_keeps_service_and_its_tasks_in_sync_until_expiry() -> None:
    until = (NOW + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    task = LiveTask(f"{ARN}:task/alpha/1", "service:api", True)
    state = _state((_svc(True, {TAG_EXPIRES_AT: until}),), (task,))
    assert diff_cluster(unit_spec(), state, NOW) == ()
    later = diff_cluster(unit_spec(), state, NOW + timedelta(minutes=11))
    assert [(f.kind.value, f.action) for f in later] == [
        ("service", Action.CLOSE_WINDOW),
        ("task", Action.STOP_TASK),
    ]


def test_expiry_edited_beyond_the_maximum_is_no_window() -> None:
    opened = (NOW - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tags = {TAG_EXPIRES_AT: "9999-12-31T00:00:00Z", TAG_OPENED_AT: opened}
    [finding] = diff_cluster(unit_spec(), _state((_svc(True, tags),)), NOW)
    assert finding.action is Action.CLOSE_WINDOW and finding.desired is False


def test_unreadable_window_tag_is_no_window() -> None:
    [finding] = diff_cluster(unit_spec(), _state((_svc(True, {TAG_EXPIRES_AT: "soon"}),)), NOW)
    assert finding.action is Action.CLOSE_WINDOW and finding.desired is False and finding.live is True


def test_code_deploy_service_needs_a_person() -> None:
    [finding] = diff_cluster(unit_spec(), _state((_svc(True, controller="CODE_DEPLOY"),)), NOW)
    assert finding.action is Action.NEW_CODEDEPLOY_DEPLOYMENT and not finding.action.automatic


def test_task_of_a_vanished_service_and_standalone_task_are_drift() -> None:
    tasks = (
        LiveTask(f"{ARN}:task/alpha/1", "service:gone", True),
        LiveTask(f"{ARN}:task/alpha/2", "family:x", True),
    )
    findings = diff_cluster(unit_spec(), _state(tasks=tasks), NOW)
    assert [(f.service, f.action) for f in findings] == [("gone", Action.STOP_TASK), (None, Action.STOP_TASK)]


def test_unmanaged_are_the_clusters_the_config_does_not_name() -> None:
    arns = [f"{ARN}:cluster/alpha", f"{ARN}:cluster/zeta", f"{ARN}:cluster/alphabet"]
    assert unmanaged_clusters(unit_spec(), arns) == (f"{ARN}:cluster/alphabet", f"{ARN}:cluster/zeta")


def test_progress_every_tenth_for_large_fleets(capsys: object) -> None:
    assert _progress(9, Pacer()) is None
    report = _progress(20, Pacer())
    assert report is not None
    for done in range(1, 21):
        report(done, 20)
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert err.splitlines() == [f"drift: {i}/20 clusters" for i in range(2, 21, 2)]
