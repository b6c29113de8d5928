"""Exec-window arithmetic and decisions: pure functions over typed models, no AWS calls.

Everything :mod:`reconciler.windows` decides is here, so it can be tested without moto: option
checks (minutes, reason), refusals (exec mode ``never``, a deployment controller that cannot be
forced), the deterministic schedule name, the EventBridge Scheduler request, the extend limit,
what ``close`` must do and what ``sweep`` must close. Times are aware UTC datetimes; durations
are minutes unless a name says ``seconds``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ecs_exec.clock import iso, parse_utc
from ecs_exec.errors import InvalidValueError, NotFoundError
from generator.spec import ClusterSpec, EnvironmentSpec, ExecMode
from reconciler.window_tags import WINDOW_TAG_KEYS, WindowState, parse_window

#: Universal target of EventBridge Scheduler for ECS ``UpdateService`` (AWS SDK integration).
UPDATE_SERVICE_TARGET_ARN = "arn:aws:scheduler:::aws-sdk:ecs:updateService"
#: A schedule (the window's lock) younger than this with no window tags yet is another operator
#: opening the same window right now; older, it is a leftover of a crashed open and is taken over.
LOCK_GRACE = timedelta(minutes=2)
MAX_SCHEDULE_NAME = 64
_DESCRIPTION_RE = re.compile(r"opened-at=(?P<at>\S+) by=(?P<by>\S+)")
_SERVICE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
#: ``arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`` (or the old ``service/<name>`` form).
_SERVICE_ARN_RE = re.compile(
    r"arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:service/(?:(?P<cluster>[^/]+)/)?(?P<name>[^/]+)"
)


class CloseAction(StrEnum):
    """One step of closing a window, in the order they run (see :func:`plan_close`)."""

    DISABLE_EXEC = "disable-exec"  #: UpdateService(enableExecuteCommand=False, forceNewDeployment=True)
    DELETE_SCHEDULE = "delete-schedule"  #: scheduler DeleteSchedule
    UNTAG = "untag"  #: ecs UntagResource of the window tags
    STOP_TASKS = "stop-tasks"  #: ecs StopTask for every running task that still allows exec
    RECORD_EVENT = "record-event"  #: a ``closed`` event in the window-events stream


@dataclass(frozen=True)
class ServiceFacts:
    """What the windows need to know about one live ECS service (from ``DescribeServices``).

    Attributes:
        enable_execute_command: the service's ``enableExecuteCommand``.
        deployment_controller: ``deploymentController.type`` (``ECS`` when absent).
        primary_deployment_id: id of the ``PRIMARY`` deployment (``ecs-svc/...``), if any.
        tags: the service's tags as a dict.
    """

    cluster: str
    service: str
    service_arn: str
    enable_execute_command: bool
    deployment_controller: str = "ECS"
    primary_deployment_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def window(self) -> WindowState | None:
        """The window recorded in the tags (None when there is none or it is unreadable)."""
        return parse_window(dict(self.tags))

    @property
    def has_window_tags(self) -> bool:
        """True when any ``ecs-exec:window-*`` tag is present (even an unreadable one)."""
        return any(key in self.tags for key in WINDOW_TAG_KEYS)


@dataclass(frozen=True)
class TaskFacts:
    """One task of a service (from ``DescribeTasks``).

    Attributes:
        enable_execute_command: the task's ``enableExecuteCommand`` (False when the API leaves it out).
        started_by: ``startedBy`` (the deployment id for service tasks).
        containers: container names, in task-definition order.
        agent_ready: False while any container's ``ExecuteCommandAgent`` is known and not RUNNING.
    """

    task_arn: str
    last_status: str
    enable_execute_command: bool
    started_by: str | None = None
    containers: tuple[str, ...] = ()
    agent_ready: bool = True

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]

    @property
    def allows_exec(self) -> bool:
        """Running (or about to run) with exec enabled: a shell can be opened into it."""
        return self.enable_execute_command and self.last_status in {
            "PROVISIONING",
            "PENDING",
            "ACTIVATING",
            "RUNNING",
        }


@dataclass(frozen=True)
class ScheduleLock:
    """Who holds a window's schedule, read back from the schedule's ``Description``."""

    opened_at: datetime
    opened_by: str

    def is_stale(self, now: datetime, grace: timedelta = LOCK_GRACE) -> bool:
        """True when the lock is older than ``grace``: a crashed open, safe to take over."""
        return now - self.opened_at > grace


# ---- option checks (before any AWS call) ----


def check_minutes(minutes: int, max_minutes: int, option: str = "--minutes") -> int:
    """Validate a window length in minutes: ``1 <= minutes <= max_minutes``.

    Raises:
        InvalidValueError: out of range (exit 4).
    """
    if minutes <= 0:
        raise InvalidValueError(f"{option}: must be a positive number of minutes, got {minutes}")
    if minutes > max_minutes:
        raise InvalidValueError(
            f"{option}: {minutes} exceeds the environment's maximum window of {max_minutes} minutes "
            "(access.max_window_minutes)"
        )
    return minutes


def check_reason(reason: str | None) -> str:
    """The reason, whitespace-normalised.

    Raises:
        InvalidValueError: missing or blank (exit 4).
    """
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidValueError("--reason: required: say why exec is needed (it is recorded)")
    return text


def check_service(value: str, cluster: str) -> str:
    """The ECS service name of ``--service``: a name, or a service ARN of ``cluster`` reduced to its name.

    The name is what keys a window (schedule name, tags' window id, the task group ``service:<name>``),
    so an ARN must not open a second window on the same service.

    Raises:
        InvalidValueError: not a service name (1-255 letters, digits, ``-``, ``_``), or the ARN names
            another cluster (exit 4).
    """
    name = value.strip()
    match = _SERVICE_ARN_RE.fullmatch(name)
    if match:
        if match["cluster"] is not None and match["cluster"] != cluster:
            raise InvalidValueError(
                f"--service: {value!r} is a service of cluster {match['cluster']!r}, not of --cluster {cluster!r}"
            )
        name = match["name"]
    if not _SERVICE_NAME_RE.fullmatch(name):
        raise InvalidValueError(
            f"--service: {value!r} is not an ECS service name (1-255 letters, digits, '-' and '_') or service ARN"
        )
    return name


def config_cluster(spec: EnvironmentSpec, cluster: str) -> ClusterSpec:
    """The config's cluster named ``cluster``.

    Raises:
        NotFoundError: the config does not name it (exit 4).
    """
    found = spec.cluster(cluster)
    if found is None:
        known = ", ".join(c.name for c in spec.clusters)
        raise NotFoundError(
            f"--cluster: {cluster!r} is not a cluster of environment {spec.environment} (known: {known})"
        )
    return found


def window_cluster(spec: EnvironmentSpec, cluster: str) -> ClusterSpec:
    """The config's cluster a window may be opened in.

    Raises:
        NotFoundError: the config does not name ``cluster`` (exit 4).
        InvalidValueError: the cluster's exec mode is ``never`` (exit 4).
    """
    found = config_cluster(spec, cluster)
    if found.exec.mode is ExecMode.NEVER:
        raise InvalidValueError(
            f"--cluster: exec windows are refused on cluster {cluster!r}: its exec mode is 'never'",
            hint="change clusters[].exec.mode to 'windowed' in the config and apply it first",
        )
    return found


def check_controller(facts: ServiceFacts, verb: str) -> None:
    """Refuse services whose deployment controller cannot take ``forceNewDeployment``.

    Raises:
        InvalidValueError: ``CODE_DEPLOY`` or ``EXTERNAL`` controller (exit 4), with what to do instead.
    """
    controller = facts.deployment_controller
    if controller == "ECS":
        return
    if controller == "CODE_DEPLOY":
        hint = (
            "turn exec on/off through a CodeDeploy blue/green deployment of a task set with "
            "enableExecuteCommand set, or move the service to the ECS deployment controller"
        )
    else:
        hint = "turn exec on/off by creating a new task set with your external deployment tool"
    raise InvalidValueError(
        f"service {facts.cluster}/{facts.service} uses the {controller} deployment controller, "
        f"which cannot force a new deployment: exec-window cannot {verb} it",
        hint=hint,
    )


# ---- names, schedule, events ----


def schedule_name(cluster: str, service: str) -> str:
    """Deterministic schedule name (also the window id) of ``cluster``/``service``.

    ``ecs-exec-<cluster>-<service>-<hash8>``, each name part cut to 22 characters; the hash of the
    full names keeps it unique and within Scheduler's 64 characters ``[0-9a-zA-Z-_.]``. The same name
    for the same service is what makes two concurrent opens collide on ``CreateSchedule``.
    """
    digest = hashlib.sha256(f"{cluster}/{service}".encode()).hexdigest()[:8]
    return f"ecs-exec-{cluster[:22]}-{service[:22]}-{digest}"


def at_expression(when: datetime) -> str:
    """One-shot Scheduler expression ``at(YYYY-MM-DDTHH:MM:SS)`` (used with timezone ``UTC``)."""
    return f"at({iso(when).removesuffix('Z')})"


def schedule_description(opened_at: datetime, opened_by: str) -> str:
    """The schedule's ``Description``: who holds the window's lock since when (max 512 chars)."""
    return f"ecs-exec window opened-at={iso(opened_at)} by={opened_by}"[:512]


def parse_schedule_lock(description: str | None) -> ScheduleLock | None:
    """Inverse of :func:`schedule_description`; None for a description this tool did not write."""
    match = _DESCRIPTION_RE.search(description or "")
    if not match:
        return None
    try:
        return ScheduleLock(opened_at=parse_utc(match["at"]), opened_by=match["by"])
    except ValueError:
        return None


def schedule_request(
    spec: EnvironmentSpec, cluster: str, service: str, expires_at: datetime, description: str
) -> dict[str, Any]:
    """Keyword arguments of Scheduler ``CreateSchedule`` / ``UpdateSchedule`` for a window.

    A one-shot ``at()`` schedule in UTC, deleted after it ran, whose target is the universal
    target ``ecs:updateService`` with ``EnableExecuteCommand=false`` and ``ForceNewDeployment=true``,
    run as the scheduler role, failures to the dead-letter queue. Every name comes from the
    config. ``UpdateSchedule`` replaces the whole definition, so both calls take the same arguments.
    """
    payload = {
        "Cluster": cluster,
        "Service": service,
        "EnableExecuteCommand": False,
        "ForceNewDeployment": True,
    }
    return {
        "Name": schedule_name(cluster, service),
        "GroupName": spec.windows.schedule_group_name,
        "Description": description,
        "ScheduleExpression": at_expression(expires_at),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
        "Target": {
            "Arn": UPDATE_SERVICE_TARGET_ARN,
            "RoleArn": spec.scheduler_role_arn,
            "Input": json.dumps(payload, sort_keys=True),
            "DeadLetterConfig": {"Arn": spec.dead_letter_queue_arn},
        },
    }


def window_event(
    kind: str,
    *,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    at: datetime,
    actor_arn: str,
    reason: str,
    window: WindowState | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The JSON record of a window event (``opened``, ``extended``, ``closed``) for the log stream.

    ``reason`` is the full, unsanitised text. Times are UTC ISO 8601.
    """
    event: dict[str, Any] = {
        "event": kind,
        "environment": spec.environment,
        "cluster": cluster,
        "service": service,
        "window_id": schedule_name(cluster, service),
        "at": iso(at),
        "actor": actor_arn,
        "reason": reason,
    }
    if window is not None:
        event["expires_at"] = iso(window.expires_at)
        event["opened_at"] = iso(window.opened_at) if window.opened_at else None
        event["opened_by"] = window.opened_by
    event.update(extra)
    return event


# ---- window arithmetic ----


def new_window(
    cluster: str, service: str, *, now: datetime, minutes: int, actor_arn: str, reason: str
) -> WindowState:
    """The window ``open`` records: from ``now`` for ``minutes`` (UTC, seconds precision)."""
    opened_at = now.replace(microsecond=0)
    return WindowState(
        expires_at=opened_at + timedelta(minutes=minutes),
        opened_at=opened_at,
        opened_by=actor_arn,
        reason=reason,
        window_id=schedule_name(cluster, service),
    )


def extended_expiry(window: WindowState, *, minutes: int, max_minutes: int, now: datetime) -> datetime:
    """New expiry after ``extend --minutes N``: the current expiry plus N minutes.

    The window may last at most ``max_minutes`` counted from its original opening (``opened_at``).
    Without a readable opening time (or one in the future: hand-edited tags) it is counted from
    ``now``: counting from the expiry would let every ``extend`` add another maximum.

    Raises:
        InvalidValueError: the window has expired, its expiry already lies beyond the maximum
            (hand-edited tags), or the new expiry passes the maximum (exit 4).
    """
    if not window.is_open(now):
        raise InvalidValueError(
            f"the window expired at {iso(window.expires_at)}: it cannot be extended",
            hint="open a new one with `exec-window open`",
        )
    if window.exceeds_max(now, max_minutes):
        raise InvalidValueError(
            f"the window's expiry {iso(window.expires_at)} lies beyond the maximum of {max_minutes} minutes "
            "(access.max_window_minutes): its tags were edited by hand",
            hint="close it with `exec-window close` (or `exec-window sweep`) and open a new one",
        )
    start = min(window.opened_at, now) if window.opened_at is not None else now
    limit = start + timedelta(minutes=max_minutes)
    wanted = window.expires_at + timedelta(minutes=minutes)
    if wanted > limit:
        room = max(0, int((limit - window.expires_at).total_seconds() // 60))
        raise InvalidValueError(
            f"--minutes: extending by {minutes} would pass the maximum of {max_minutes} minutes counted from "
            f"the opening at {iso(start)} (at most {room} more minutes)"
        )
    return wanted


def plan_close(
    facts: ServiceFacts, exec_tasks: Sequence[TaskFacts], *, schedule_exists: bool, stop_tasks: bool
) -> tuple[CloseAction, ...]:
    """What closing ``facts``' window must do; an empty tuple means it is already closed.

    Exec is turned off (with a new deployment) while the flag is on or a task still allows exec;
    the schedule and tags are removed when present; tasks that still allow exec are stopped only
    with ``stop_tasks``; an event is recorded when anything changes.
    """
    actions: list[CloseAction] = []
    if facts.enable_execute_command or exec_tasks:
        actions.append(CloseAction.DISABLE_EXEC)
    if schedule_exists:
        actions.append(CloseAction.DELETE_SCHEDULE)
    if facts.has_window_tags:
        actions.append(CloseAction.UNTAG)
    if stop_tasks and exec_tasks:
        actions.append(CloseAction.STOP_TASKS)
    if actions:
        actions.append(CloseAction.RECORD_EVENT)
    return tuple(actions)


def sweep_reason(
    mode: ExecMode, facts: ServiceFacts, now: datetime, max_minutes: int | None = None
) -> str | None:
    """Why ``sweep`` must close ``facts``' window, or None to leave the service alone.

    - ``never`` cluster: exec on, or window tags left behind;
    - ``windowed`` cluster: an expired (or unreadable) window, a window whose expiry lies beyond
      ``max_minutes`` from its opening (hand-edited tags), or exec on without a valid window;
    - ``always`` cluster: never swept.
    """
    if mode is ExecMode.ALWAYS:
        return None
    window = facts.window
    if mode is ExecMode.NEVER:
        if facts.enable_execute_command:
            return "exec on in a cluster whose exec mode is 'never'"
        return "window tags in a cluster whose exec mode is 'never'" if facts.has_window_tags else None
    if window is not None and not window.is_open(now):
        return f"window expired at {iso(window.expires_at)}"
    if window is not None and max_minutes is not None and window.exceeds_max(now, max_minutes):
        return (
            f"window expiry {iso(window.expires_at)} beyond the maximum of {max_minutes} minutes "
            "(tags edited by hand)"
        )
    if facts.has_window_tags and window is None:
        return "unreadable window tags"
    if facts.enable_execute_command and window is None:
        return "exec on without a valid window"
    return None


def ready_exec_task(tasks: Sequence[TaskFacts], deployment_id: str | None) -> TaskFacts | None:
    """A RUNNING task of deployment ``deployment_id`` with exec enabled and its agent ready, if any.

    Without a deployment id (a service with no deployments listed) any such task counts.
    """
    for task in tasks:
        if task.last_status != "RUNNING" or not task.enable_execute_command or not task.agent_ready:
            continue
        if deployment_id is None or task.started_by == deployment_id:
            return task
    return None


def execute_command_line(cluster: str, task: TaskFacts, container: str, region: str) -> str:
    """The exact ``aws ecs execute-command`` line for a shell in ``container`` of ``task``."""
    args = [
        "aws", "ecs", "execute-command", "--region", region, "--cluster", cluster, "--task", task.task_id,
        "--container", container, "--interactive", "--command", "/bin/sh",
    ]  # fmt: skip
    return " ".join(shlex.quote(a) if a != "/bin/sh" else '"/bin/sh"' for a in args)


def pick_container(task: TaskFacts, configured: Sequence[str]) -> str:
    """The container to open a shell in: the first configured one the task has, else its first."""
    for name in configured:
        if name in task.containers:
            return name
    return task.containers[0] if task.containers else (configured[0] if configured else "app")
