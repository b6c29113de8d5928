"""Twin mode: a shell without redeploying the service — one extra task with exec on, for the window.

The twin runs the service's current task definition with the service's launch type or capacity-provider
strategy, network configuration and platform version, ``enableExecuteCommand``, the shell's container
overridden to ``sleep <seconds until expiry>``, ``group = "ecs-exec:<service>"``, ``startedBy =``
:data:`TWIN_STARTED_BY` and the window's tags. RunTask registers no load balancer target, and nothing is
written to the service (no UpdateService, no service tags). Crash-safe order: 1) its one-shot stop
schedule (``ecs:stopTask``, also the lock: one twin per service), 2) ECS ``RunTask``, 3) the schedule
updated with the task ARN, 4) an ``opened`` event carrying the task ARN. A twin left without a working
schedule is stopped by ``sweep`` / ``drift fix`` from its expiry tag.

RunTask cannot override ``entryPoint``: with one, ``sleep`` becomes its arguments and the twin runs the
app (a queue worker's twin consumes messages); :func:`entry_point_warning` says so first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecs_exec.aws import ClientFactory
from ecs_exec.clock import iso
from ecs_exec.errors import AwsError
from generator.spec import EnvironmentSpec
from reconciler.windows import aws
from reconciler.windows.identity import Actor
from reconciler.windows.open import _take_lock
from reconciler.windows.pick import ContainerDef
from reconciler.windows.plan import new_window
from reconciler.windows.record import EventKind, ResultStatus, WindowEvent, WindowState, parse_window
from reconciler.windows.record import tags_to_dict as _tags
from reconciler.windows.schedule import one_shot_schedule, schedule_description
from reconciler.windows.shellmodel import ShellMode, ShellWindow
from reconciler.windows.steps import actor_arn, record_event, run_step

if TYPE_CHECKING:
    from reconciler.windows.target import ServiceView

#: ``startedBy`` of every twin task (ECS ``ListTasks(startedBy=...)`` finds them).
TWIN_STARTED_BY = "ecs-exec-twin"
#: Universal target of EventBridge Scheduler for ECS ``StopTask``.
STOP_TASK_TARGET_ARN = "arn:aws:scheduler:::aws-sdk:ecs:stopTask"
PERMISSIONS = (
    "ecs:RunTask",
    "ecs:StopTask",
    "ecs:TagResource",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "iam:PassRole",
    "scheduler:CreateSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
)


def twin_group(service: str) -> str:
    """The ``group`` of ``service``'s twin tasks: ``ecs-exec:<service>``."""
    return f"ecs-exec:{service}"


def twin_service(group: str | None) -> str | None:
    """The service a task of ``group`` is the twin of, or None for any other group."""
    return group.removeprefix("ecs-exec:") if group and group.startswith("ecs-exec:") else None


def twin_schedule_name(cluster: str, service: str) -> str:
    """The twin's stop schedule (and window id): ``ecs-exec-twin-<cluster>-<service>-<hash8>`` (<= 64)."""
    digest = hashlib.sha256(f"twin:{cluster}/{service}".encode()).hexdigest()[:8]
    return f"ecs-exec-twin-{cluster[:18]}-{service[:18]}-{digest}"


def stop_schedule_request(
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    expires_at: datetime,
    description: str,
    task_arn: str | None,
) -> dict[str, Any]:
    """Scheduler ``CreateSchedule`` / ``UpdateSchedule`` arguments of a twin's stop schedule.

    One-shot ``at()`` in UTC, deleted after it ran, target ``ecs:stopTask`` run as the scheduler role,
    failures to the dead-letter queue. Before RunTask answered, ``Task`` is absent (the schedule is
    the lock only); it is updated with the task ARN right after.
    """
    payload: dict[str, Any] = {"Cluster": cluster, "Reason": "ecs-exec: exec window expired"}
    if task_arn:
        payload["Task"] = task_arn
    return one_shot_schedule(
        spec, twin_schedule_name(cluster, service), description, expires_at, STOP_TASK_TARGET_ARN, payload
    )


def entry_point_warning(container: ContainerDef) -> str | None:
    """What to say before starting a twin whose container has an ``entryPoint`` (None without one)."""
    if not container.entry_point:
        return None
    return (
        f"container {container.name} has an entryPoint ({' '.join(container.entry_point)}): RunTask cannot "
        "override it, so `sleep` becomes its arguments and the twin runs the app (a queue worker's twin "
        "consumes messages)"
    )


def run_task_request(
    view: ServiceView, container: str, seconds: int, tags: Mapping[str, str]
) -> dict[str, Any]:
    """ECS ``RunTask`` arguments of a twin (see the module docstring); never a ``taskRoleArn`` override."""
    request: dict[str, Any] = {
        "cluster": view.cluster,
        "taskDefinition": view.task_definition,
        "count": 1,
        "enableExecuteCommand": True,
        "group": twin_group(view.service),
        "startedBy": TWIN_STARTED_BY,
        "overrides": {"containerOverrides": [{"name": container, "command": ["sleep", str(seconds)]}]},
        "tags": [{"key": k, "value": v} for k, v in tags.items()],
    }
    if view.capacity_provider_strategy:
        request["capacityProviderStrategy"] = [dict(s) for s in view.capacity_provider_strategy]
    elif view.launch_type:
        request["launchType"] = view.launch_type
    if view.network_configuration:
        request["networkConfiguration"] = dict(view.network_configuration)
    if view.platform_version:
        request["platformVersion"] = view.platform_version
    return request


def twin_tasks(factory: ClientFactory, cluster: str, service: str | None = None) -> list[dict[str, Any]]:
    """Active twin tasks of ``cluster`` (of ``service`` only, when given), tags included.

    ECS ``ListTasks(startedBy=ecs-exec-twin)`` + ``DescribeTasks(include=["TAGS"])``, filtered on the
    ``ecs-exec:`` group and the cluster ARN's name (moto matches clusters by substring).
    """
    ecs = factory.client("ecs")
    pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, startedBy=TWIN_STARTED_BY)
    arns = [a for page in pages for a in page["taskArns"]]
    found: list[dict[str, Any]] = []
    for i in range(0, len(arns), 100):
        answer = ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100], include=["TAGS"])
        for raw in answer.get("tasks", []):
            owner = twin_service(raw.get("group"))
            if (
                owner is not None
                and (service is None or owner == service)
                and str(raw.get("clusterArn", "")).rsplit("/", 1)[-1] == cluster
                and raw.get("lastStatus") not in ("DEPROVISIONING", "STOPPED")
                and raw.get("desiredStatus") != "STOPPED"
            ):
                found.append(dict(raw))
    return found


def twin_window(raw: Mapping[str, Any]) -> WindowState | None:
    """The window recorded in a twin task's tags."""
    return parse_window(_tags(raw.get("tags")))


def open_twin(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    view: ServiceView,
    *,
    minutes: int,
    reason: str,
    actor: Actor,
    now: datetime,
    container: str,
) -> ShellWindow:
    """Start (or reuse) the twin of ``view``'s service for a shell in ``container`` (module docstring).

    Raises:
        AwsError: a step failed, or RunTask started no task (exit 5); a failed RunTask deletes the schedule.
    """
    cluster, service, group = view.cluster, view.service, twin_group(view.service)
    for raw in twin_tasks(factory, cluster, service):
        current = twin_window(raw)
        if current is not None and current.is_valid(now, spec.access.max_window_minutes):
            return ShellWindow(
                ShellMode.TWIN, ResultStatus.ALREADY_OPEN,
                f"reusing the twin of {cluster}/{service} opened by {current.opened_by} until "
                f"{iso(current.expires_at)}", current, False, group, current.window_id,
                task_arns=(str(raw["taskArn"]),),
            )  # fmt: skip
    aws.check_events_stream(factory, spec.exec_log_group_name(cluster), spec.windows.events_stream_name)
    name = twin_schedule_name(cluster, service)
    window = new_window(cluster, service, now=now, minutes=minutes, actor_arn=actor.arn, reason=reason)
    window = WindowState(window.expires_at, window.opened_at, window.opened_by, window.reason, name)
    description = schedule_description(now, actor.arn)
    request = stop_schedule_request(spec, cluster, service, window.expires_at, description, None)
    taken = run_step(
        "twin step 1 (create the stop schedule)",
        lambda: _take_lock(factory, request, now),
        hint="nothing was changed",
    )
    if taken is not None:
        raise AwsError(f"cannot start a twin of {cluster}/{service}: {taken}")
    delete = f"delete the schedule {name} if it is still there (`exec-window sweep` does)"
    try:
        answer = factory.client("ecs").run_task(
            **run_task_request(view, container, window.seconds_left(now), window.to_tags())
        )
    except Exception:
        run_step("twin (delete the schedule after RunTask failed)", lambda: aws.delete_schedule(
            factory, request["GroupName"], name), hint=delete)  # fmt: skip
        raise
    if not answer.get("tasks"):
        aws.delete_schedule(factory, request["GroupName"], name)
        why = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')}".strip() for f in answer.get("failures", [])
        )
        raise AwsError(f"twin step 2 (RunTask) started no task: {why or 'no reason given'}")
    task_arn = str(answer["tasks"][0]["taskArn"])
    cleanup = (
        f"the twin stops at its expiry tag by `exec-window sweep`; `ecs stop-task --task {task_arn}` now"
    )
    final = stop_schedule_request(spec, cluster, service, window.expires_at, description, task_arn)
    run_step("twin step 3 (put the task ARN in the stop schedule)", lambda: aws.update_schedule(factory, final),
             hint=cleanup)  # fmt: skip
    event = WindowEvent.of(
        EventKind.OPENED, environment=spec.environment, cluster=cluster, service=service, window_id=name,
        at=now, actor=actor.arn, reason=reason, window=window, minutes=minutes,
        source_identity=actor.source_identity, task_arn=task_arn,
    )  # fmt: skip
    run_step(
        "twin step 4 (record the opened event)", lambda: record_event(factory, spec, event), hint=cleanup
    )
    return ShellWindow(
        ShellMode.TWIN, ResultStatus.OPENED, f"started a twin of {cluster}/{service} until {iso(window.expires_at)}",
        window, True, group, name, task_arns=(task_arn,),
    )  # fmt: skip


def stop_twin(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    task_arns: Sequence[str],
    *,
    actor: Actor | str,
    reason: str,
    now: datetime,
    window: WindowState | None = None,
) -> str:
    """Stop a twin: ECS ``StopTask``, Scheduler ``DeleteSchedule``, a ``closed`` event. Its message.

    Raises:
        AwsError: a step failed (exit 5).
    """
    name, group = twin_schedule_name(cluster, service), spec.windows.schedule_group_name
    hint = "`exec-window sweep` stops it at its expiry"
    run_step("stop the twin (StopTask)", lambda: aws.stop_tasks(factory, cluster, list(task_arns),
             f"exec window closed: {reason}"), hint=hint)  # fmt: skip
    run_step(
        "stop the twin (delete its schedule)", lambda: aws.delete_schedule(factory, group, name), hint=hint
    )
    event = WindowEvent.of(
        EventKind.CLOSED, environment=spec.environment, cluster=cluster, service=service, window_id=name, at=now,
        actor=actor_arn(actor), reason=reason, window=window, actions=("stop-twin", "delete-schedule"),
        stopped_tasks=tuple(task_arns), task_arn=task_arns[0] if task_arns else None,
    )  # fmt: skip
    run_step("stop the twin (record the closed event)", lambda: record_event(factory, spec, event), hint=None)
    return f"stopped the twin of {cluster}/{service} ({', '.join(a.rsplit('/', 1)[-1] for a in task_arns)})"
