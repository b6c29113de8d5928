"""The pure core of drift: live state in, immutable findings out. No AWS calls, no clock reads.

:func:`diff_cluster` compares one :class:`~reconciler.drift.model.ClusterState` with the desired
state derived by :mod:`generator.expected` (the same shapes the generator renders), field by field.
"""

from __future__ import annotations

from datetime import datetime

from ecs_exec.clock import iso
from generator.expected import (
    expected_container_insights,
    expected_execute_command_configuration,
    expected_service_exec,
)
from generator.spec import ClusterSpec, EnvironmentSpec, ExecMode
from reconciler.drift.model import Action, ClusterState, Finding, Kind, LiveService
from reconciler.live.exec_config import exec_config_differences, flatten_exec_config
from reconciler.windows.record import has_valid_window, parse_window

EXEC_CONFIG = "executeCommandConfiguration"


def desired_service_exec(
    mode: ExecMode, service: LiveService, now: datetime, max_minutes: int | None = None
) -> bool | None:
    """Desired ``enableExecuteCommand`` of ``service``: None means either value is in sync
    (``windowed`` with a window open at ``now``, UTC, and no longer than ``max_minutes`` from its
    opening — an expiry tag edited by hand beyond the maximum is no valid window)."""
    window_open = mode is ExecMode.WINDOWED and has_valid_window(dict(service.tags), now, max_minutes)
    return expected_service_exec(mode, window_open)


def _cluster_findings(spec: EnvironmentSpec, state: ClusterState) -> list[Finding]:
    live = state.cluster
    if live is None:
        return [
            Finding(
                state.name,
                Kind.CLUSTER,
                state.arn,
                "status",
                "ACTIVE",
                None,
                Action.RUN_MAKE_APPLY,
                note="cluster does not exist",
            )
        ]
    findings: list[Finding] = []
    key = state.kms_key_arn
    expected = expected_execute_command_configuration(spec, state.name, key or "")
    desired = flatten_exec_config(expected)
    actual = flatten_exec_config(live.execute_command_configuration)
    differing = set(exec_config_differences(expected, live.execute_command_configuration))
    for field, want in desired.items():
        have = actual[field]
        if field == "kmsKeyId" and key is None:
            findings.append(
                Finding(
                    state.name,
                    Kind.CLUSTER,
                    live.arn,
                    f"{EXEC_CONFIG}.kmsKeyId",
                    spec.kms_alias_name(state.name),
                    have,
                    Action.RUN_MAKE_APPLY,
                    note="KMS alias not found: the key is missing",
                )
            )
        elif field in differing:
            action = Action.UPDATE_CLUSTER if key is not None else Action.RUN_MAKE_APPLY
            findings.append(
                Finding(state.name, Kind.CLUSTER, live.arn, f"{EXEC_CONFIG}.{field}", want, have, action)
            )
    want_ci = expected_container_insights(spec, state.name)
    have_ci = live.container_insights or "disabled"
    if have_ci != want_ci:
        findings.append(
            Finding(
                state.name,
                Kind.CLUSTER,
                live.arn,
                "settings.containerInsights",
                want_ci,
                have_ci,
                Action.UPDATE_CLUSTER,
            )
        )
    return findings


def _key_findings(state: ClusterState) -> list[Finding]:
    """The exec key must be ``Enabled``: disabled or pending deletion, no session can start and the
    transcripts kept so far become unreadable once it is deleted."""
    key = state.kms_key
    if key is None or key.state == "Enabled":
        return []
    note = f"key {key.state}" + (f", deletion on {key.deletion_date}" if key.deletion_date else "")
    return [
        Finding(
            state.name, Kind.KMS_KEY, key.arn, "KeyState", "Enabled", key.state, Action.RESTORE_KEY, note=note
        )
    ]


def _log_group_findings(spec: EnvironmentSpec, state: ClusterState) -> list[Finding]:
    name = spec.exec_log_group_name(state.name)
    group = state.log_group
    if group is None:
        return [
            Finding(
                state.name,
                Kind.LOG_GROUP,
                spec.exec_log_group_arn(state.name),
                "exists",
                True,
                False,
                Action.RUN_MAKE_APPLY,
                note=f"log group {name} does not exist",
            )
        ]
    findings: list[Finding] = []
    if state.kms_key_arn is not None and group.kms_key_id != state.kms_key_arn:
        findings.append(
            Finding(
                state.name,
                Kind.LOG_GROUP,
                group.arn,
                "kmsKeyId",
                state.kms_key_arn,
                group.kms_key_id,
                Action.RUN_MAKE_APPLY,
                note="Terraform sets the log group's key",
            )
        )
    want = spec.exec_logging.retention_in_days
    if group.retention_in_days != want:
        findings.append(
            Finding(
                state.name,
                Kind.LOG_GROUP,
                group.arn,
                "retentionInDays",
                want,
                group.retention_in_days,
                Action.PUT_RETENTION_POLICY,
            )
        )
    return findings


def _service_action(mode: ExecMode, service: LiveService) -> Action:
    if service.deployment_controller != "ECS":
        return Action.NEW_CODEDEPLOY_DEPLOYMENT
    if mode is ExecMode.WINDOWED and service.enable_execute_command:
        return Action.CLOSE_WINDOW
    return Action.UPDATE_SERVICE


def _service_and_task_findings(
    cluster: ClusterSpec, state: ClusterState, now: datetime, max_minutes: int
) -> list[Finding]:
    mode = cluster.exec.mode
    findings: list[Finding] = []
    desired_by_service: dict[str, bool | None] = {}
    draining = {s.name for s in state.services if not s.active}
    for svc in (s for s in state.services if s.active):
        want = desired_service_exec(mode, svc, now, max_minutes)
        desired_by_service[svc.name] = want
        if want is not None and svc.enable_execute_command != want:
            findings.append(
                Finding(
                    state.name,
                    Kind.SERVICE,
                    svc.arn,
                    "enableExecuteCommand",
                    want,
                    svc.enable_execute_command,
                    _service_action(mode, svc),
                    service=svc.name,
                    note=f"exec mode {mode.value}, deploymentController {svc.deployment_controller}",
                )
            )
    findings += _twin_findings(mode, state, now, max_minutes)
    if mode is ExecMode.ALWAYS:
        return findings
    for task in state.tasks:
        if not task.allows_exec or task.twin_of is not None:
            continue
        owner = task.service_name
        # A task of a service with an open window may keep exec; any other one (a standalone task,
        # a task whose service is gone or turned exec off) still allows exec: drift until replaced.
        if owner is not None and desired_by_service.get(owner, False) is not False:
            continue
        if owner is None:
            note = "standalone task"
        elif owner in draining:
            note = f"service {owner} is DRAINING (being deleted)"
        elif owner in desired_by_service:
            note = f"service {owner} turned exec off"
        else:
            note = f"service {owner} does not exist (deleted, or a RunTask group)"
        findings.append(
            Finding(
                state.name,
                Kind.TASK,
                task.arn,
                "enableExecuteCommand",
                False,
                True,
                Action.STOP_TASK,
                service=owner,
                note=note + "; replaced by a new deployment, or stopped with --stop-tasks",
            )
        )
    return findings


def _twin_findings(mode: ExecMode, state: ClusterState, now: datetime, max_minutes: int) -> list[Finding]:
    """Twin tasks (``ecs-exec shell --mode twin``, group ``ecs-exec:<service>``): the twin of an open
    window is in sync; an expired one, one with unreadable or hand-edited window tags, or any twin in
    a ``never`` cluster is drift of kind ``task`` that ``drift fix`` stops whatever ``--stop-tasks`` says."""
    findings: list[Finding] = []
    for task in state.tasks:
        if task.twin_of is None:
            continue
        window = parse_window(dict(task.tags))
        if mode is ExecMode.NEVER:
            why = "a twin task in a cluster whose exec mode is 'never'"
        elif window is None:
            why = "a twin task without a readable window"
        elif not window.is_valid(now, max_minutes):
            why = f"a twin task whose window ended at {iso(window.expires_at)}"
        else:
            continue
        findings.append(
            Finding(
                state.name,
                Kind.TASK,
                task.arn,
                "enableExecuteCommand",
                False,
                True,
                Action.STOP_TWIN,
                service=task.twin_of,
                note=f"{why} (twin of {task.twin_of}): stopped by drift fix and sweep",
            )  # fmt: skip
        )
    return findings


def diff_cluster(spec: EnvironmentSpec, state: ClusterState, now: datetime) -> tuple[Finding, ...]:
    """Every difference between one configured cluster's live state and the desired state.

    Args:
        spec: the environment; ``state.name`` must be one of its clusters.
        now: aware UTC time, used to decide whether an exec window is still open.

    Returns findings in a stable order: cluster, KMS key, log group, services, tasks.

    Raises:
        KeyError: ``state.name`` is not a configured cluster.
    """
    cluster = spec.cluster(state.name)
    if cluster is None:
        raise KeyError(state.name)
    findings = _cluster_findings(spec, state) + _key_findings(state) + _log_group_findings(spec, state)
    if state.cluster is not None:
        findings += _service_and_task_findings(cluster, state, now, spec.access.max_window_minutes)
    return tuple(findings)


def unmanaged_clusters(spec: EnvironmentSpec, cluster_arns: list[str]) -> tuple[str, ...]:
    """ARNs of live clusters the config does not name (informational, never touched), sorted."""
    names = {c.name for c in spec.clusters}
    return tuple(sorted(arn for arn in cluster_arns if arn.rsplit("/", 1)[-1] not in names))
