"""Every kind of drift, against moto: found by check, corrected by fix, then reported in sync."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from drift_support import (
    ARN,
    NOW,
    Fleet,
    _task,
    always_service_off,
    expired_window,
    insights_on,
    logging_default,
    never_service_on,
    other_kms_key,
    retention,
    service_task_exec,
    standalone_task_exec,
    windowed_on_without_window,
)

from ecs_exec.errors import ExitCode
from reconciler.drift.model import Action, Status
from reconciler.drift.report import exit_code
from reconciler.windows.record import TAG_EXPIRES_AT

FIXABLE: list[tuple[Callable[[Fleet], None], set[tuple[str, str, Action]]]] = [
    (logging_default, {
        ("alpha", "executeCommandConfiguration.logging", Action.UPDATE_CLUSTER),
        ("alpha", "executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName", Action.UPDATE_CLUSTER),
        ("alpha", "executeCommandConfiguration.logConfiguration.cloudWatchEncryptionEnabled", Action.UPDATE_CLUSTER),
    }),
    (other_kms_key, {("alpha", "executeCommandConfiguration.kmsKeyId", Action.UPDATE_CLUSTER)}),
    (insights_on, {("beta", "settings.containerInsights", Action.UPDATE_CLUSTER)}),
    (retention, {("beta", "retentionInDays", Action.PUT_RETENTION_POLICY)}),
    (never_service_on, {("beta", "enableExecuteCommand", Action.UPDATE_SERVICE)}),
    (expired_window, {("alpha", "enableExecuteCommand", Action.CLOSE_WINDOW)}),
    (windowed_on_without_window, {("alpha", "enableExecuteCommand", Action.CLOSE_WINDOW)}),
    (always_service_off, {("gamma", "enableExecuteCommand", Action.UPDATE_SERVICE)}),
    (service_task_exec, {("beta", "enableExecuteCommand", Action.STOP_TASK)}),
    (standalone_task_exec, {("alpha", "enableExecuteCommand", Action.STOP_TASK)}),
]  # fmt: skip


def test_seeded_fleet_is_in_sync(fleet: Fleet) -> None:
    report = fleet.run()
    assert report.outcomes == () and report.errors == ()
    assert exit_code(report) is ExitCode.OK
    assert report.results[0].services_read == 2 and report.results[0].tasks_read == 3


@pytest.mark.parametrize(("make_drift", "expected"), FIXABLE, ids=[f.__name__ for f, _ in FIXABLE])
def test_drift_is_found_fixed_and_then_in_sync(
    fleet: Fleet, make_drift: Callable[[Fleet], None], expected: set[tuple[str, str, Action]]
) -> None:
    make_drift(fleet)
    check = fleet.run()
    assert {(o.finding.cluster, o.finding.field, o.finding.action) for o in check.outcomes} == expected
    assert {o.status for o in check.outcomes} == {Status.DRIFT}
    assert exit_code(check) is ExitCode.FINDINGS

    fixed = fleet.run(fix=True, stop_tasks=True)
    assert {o.status for o in fixed.outcomes} == {Status.FIXED}, fixed.outcomes
    assert exit_code(fixed) is ExitCode.OK

    after = fleet.run()
    assert after.outcomes == (), after.outcomes
    assert exit_code(after) is ExitCode.OK


def test_fix_sends_only_what_differs(fleet: Fleet) -> None:
    insights_on(fleet)
    retention(fleet)
    fleet.run(fix=True)
    writes = [
        (name, params)
        for name, params in fleet.calls
        if not name.split(":")[1].startswith(("Describe", "List"))
    ]
    assert writes == [
        ("ecs:UpdateCluster", {"cluster": f"{ARN}:cluster/beta", "settings": [{"name": "containerInsights", "value": "disabled"}]}),
        ("logs:PutRetentionPolicy", {"logGroupName": "/ecs-exec/unit/beta", "retentionInDays": 30}),
    ]  # fmt: skip


def test_open_window_keeps_exec_in_sync(fleet: Fleet) -> None:
    ecs = fleet.client("ecs")
    ecs.update_service(cluster="alpha", service="api", enableExecuteCommand=True)
    until = (NOW + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ecs.tag_resource(resourceArn=f"{ARN}:service/alpha/api", tags=[{"key": TAG_EXPIRES_AT, "value": until}])
    fleet.exec_tasks.add(_task(fleet, "alpha", "service:api"))
    assert fleet.run().outcomes == ()


def test_service_is_fixed_before_its_tasks_are_stopped(fleet: Fleet) -> None:
    never_service_on(fleet)
    task = _task(fleet, "beta", "service:worker")
    fleet.exec_tasks.add(task)
    fixed = fleet.run(fix=True, stop_tasks=True)
    assert [(o.finding.action, o.status) for o in fixed.outcomes] == [
        (Action.UPDATE_SERVICE, Status.FIXED),
        (Action.STOP_TASK, Status.FIXED),
    ]
    ops = [name for name, _ in fleet.calls]
    assert ops.index("ecs:UpdateService") < ops.index("ecs:StopTask")
    update = next(p for n, p in fleet.calls if n == "ecs:UpdateService")
    assert update["enableExecuteCommand"] is False and update["forceNewDeployment"] is True
    assert fleet.run().outcomes == ()


def test_tasks_are_left_without_stop_tasks(fleet: Fleet) -> None:
    service_task_exec(fleet)
    fixed = fleet.run(fix=True)
    assert [o.status for o in fixed.outcomes] == [Status.SKIPPED]
    assert exit_code(fixed) is ExitCode.FINDINGS
    assert "ecs:StopTask" not in fleet.actions()


def test_dry_run_changes_nothing(fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    never_service_on(fleet)
    retention(fleet)
    caplog.set_level("INFO", logger="ecs_exec.drift")
    report = fleet.run(fix=True, dry_run=True)
    assert {o.status for o in report.outcomes} == {Status.DRY_RUN}
    assert exit_code(report) is ExitCode.FINDINGS
    assert not {"ecs:UpdateService", "logs:PutRetentionPolicy"} & fleet.actions()
    assert "[dry-run] would PutRetentionPolicy" in caplog.text and "7 -> 30" in caplog.text
    assert len(fleet.run().outcomes) == 2


def test_every_action_is_logged_with_before_and_after(fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    never_service_on(fleet)
    caplog.set_level("INFO", logger="ecs_exec.drift")
    fleet.run(fix=True)
    assert (
        f"UpdateService {ARN}:service/beta/worker enableExecuteCommand: True -> False (forceNewDeployment)"
        in caplog.text
    )


def test_code_deploy_service_is_reported_not_failed(fleet: Fleet) -> None:
    fleet.client("ecs").update_service(cluster="alpha", service="ledger", enableExecuteCommand=True)
    fixed = fleet.run(fix=True)
    [outcome] = fixed.outcomes
    assert outcome.finding.action is Action.NEW_CODEDEPLOY_DEPLOYMENT and outcome.status is Status.MANUAL
    assert "CodeDeploy" in outcome.message or "create-deployment" in outcome.message
    assert fixed.errors == () and exit_code(fixed) is ExitCode.FINDINGS
    assert "ecs:UpdateService" not in fleet.actions()


def test_missing_log_group_and_key_say_make_apply(fleet: Fleet) -> None:
    fleet.client("logs").delete_log_group(logGroupName="/ecs-exec/unit/beta")
    fleet.client("kms").delete_alias(AliasName="alias/ecs-exec/unit/gamma")
    fixed = fleet.run(fix=True)
    got = {(o.finding.cluster, o.finding.field): o for o in fixed.outcomes}
    assert set(got) == {("beta", "exists"), ("gamma", "executeCommandConfiguration.kmsKeyId")}
    assert all(o.status is Status.MANUAL and "run make apply" in o.message for o in got.values())
    assert fixed.errors == () and exit_code(fixed) is ExitCode.FINDINGS
    assert not {"ecs:UpdateCluster", "logs:CreateLogGroup"} & fleet.actions()


def test_missing_cluster_is_reported(fleet: Fleet) -> None:
    fleet.client("ecs").delete_cluster(cluster="gamma")
    report = fleet.run()
    gamma = [o.finding for o in report.outcomes if o.finding.cluster == "gamma"]
    assert [(f.field, f.action) for f in gamma] == [("status", Action.RUN_MAKE_APPLY)]


def test_unmanaged_clusters_are_listed_and_never_touched(fleet: Fleet) -> None:
    fleet.client("ecs").create_cluster(clusterName="hand-made")
    report = fleet.run(fix=True)
    assert report.unmanaged == (f"{ARN}:cluster/hand-made",)
    assert exit_code(report) is ExitCode.OK
    assert not any("hand-made" in str(params) for name, params in fleet.calls if name != "ecs:ListClusters")


def test_expired_window_is_closed_like_exec_window_close(fleet: Fleet) -> None:
    expired_window(fleet)
    task = _task(fleet, "alpha", "service:api")
    fleet.exec_tasks.add(task)
    fixed = fleet.run(fix=True, stop_tasks=True)
    assert [(o.finding.action, o.status) for o in fixed.outcomes] == [
        (Action.CLOSE_WINDOW, Status.FIXED),
        (Action.STOP_TASK, Status.FIXED),
    ]
    tags = fleet.client("ecs").list_tags_for_resource(resourceArn=f"{ARN}:service/alpha/api")["tags"]
    assert not [t for t in tags if t["key"].startswith("ecs-exec:window-")]
    assert [p["task"] for n, p in fleet.calls if n == "ecs:StopTask"] == [task]  # stopped once, by the close


def test_task_of_a_service_that_no_longer_exists_is_stopped(fleet: Fleet) -> None:
    # A "service:<name>" group naming no ACTIVE service (deleted with --force, or a RunTask --group):
    # was SKIPPED forever as "service ghost still allows exec".
    ecs = fleet.client("ecs")
    ghost = ecs.run_task(
        cluster="beta", taskDefinition="beta-app", group="service:ghost", launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-00000000"]}},
    )["tasks"][0]["taskArn"]  # fmt: skip
    fleet.exec_tasks.add(ghost)
    report = fleet.run(fix=True, stop_tasks=True)
    [outcome] = report.outcomes
    assert (outcome.finding.resource, outcome.status) == (ghost, Status.FIXED)
    assert "service ghost does not exist" in outcome.finding.note
    assert ("ecs:StopTask", ghost) in {(n, p.get("task")) for n, p in fleet.calls}


def test_dry_run_with_every_kind_of_drift_makes_only_read_calls(fleet: Fleet) -> None:
    for make in (logging_default, insights_on, retention, never_service_on, expired_window,
                 service_task_exec, standalone_task_exec):  # fmt: skip
        make(fleet)
    report = fleet.run(fix=True, dry_run=True, stop_tasks=True)
    assert {o.status for o in report.outcomes} <= {Status.DRY_RUN, Status.MANUAL}
    writes = {a for a in fleet.actions() if not a.split(":", 1)[1].startswith(("Describe", "List", "Get"))}
    assert writes == set()
    assert len(fleet.run().outcomes) == len(report.outcomes)  # nothing changed
