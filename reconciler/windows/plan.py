"""Exec-window arithmetic and decisions: pure functions over typed models, no AWS calls.

What the window operations decide is here, so it can be tested without moto: refusals (a cluster
not in the config, exec mode ``never``, a deployment controller that cannot be forced), the new
window, the extend limit, what ``close`` must do, what ``sweep`` must close and which task to open a
shell in. (Option values are checked by the CLI; the schedule is :mod:`reconciler.windows.schedule`.) Times are aware UTC datetimes; durations
are minutes unless a name says ``seconds``.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from ecs_exec.clock import iso
from ecs_exec.errors import InvalidValueError
from generator.lookup import require_cluster
from generator.spec import ClusterSpec, EnvironmentSpec, ExecMode
from reconciler.live.model import LiveTask
from reconciler.windows.facts import ServiceFacts
from reconciler.windows.record import WindowState
from reconciler.windows.schedule import schedule_name

#: Universal target of EventBridge Scheduler for ECS ``UpdateService`` (AWS SDK integration).


class CloseAction(StrEnum):
    """One step of closing a window, in the order they run (see :func:`plan_close`)."""

    DISABLE_EXEC = "disable-exec"  #: UpdateService(enableExecuteCommand=False, forceNewDeployment=True)
    DELETE_SCHEDULE = "delete-schedule"  #: scheduler DeleteSchedule
    UNTAG = "untag"  #: ecs UntagResource of the window tags
    STOP_TASKS = "stop-tasks"  #: ecs StopTask for every running task that still allows exec
    RECORD_EVENT = "record-event"  #: a ``closed`` event in the window-events stream


# ---- refusals ----


def window_cluster(spec: EnvironmentSpec, cluster: str) -> ClusterSpec:
    """The config's cluster a window may be opened in.

    Raises:
        NotFoundError: the config does not name ``cluster`` (exit 4).
        InvalidValueError: the cluster's exec mode is ``never`` (exit 4).
    """
    found = require_cluster(spec, cluster)
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
    facts: ServiceFacts, exec_tasks: Sequence[LiveTask], *, schedule_exists: bool, stop_tasks: bool
) -> tuple[CloseAction, ...]:
    """What closing ``facts``' window must do; an empty tuple means it is already closed.

    Exec is turned off (with a new deployment) while the flag is on or a task still allows exec;
    the schedule and tags are removed when present; tasks that still allow exec are stopped with
    ``stop_tasks`` (twin tasks, group ``ecs-exec:<service>``, live only for their window: always);
    an event is recorded when anything changes.
    """
    actions: list[CloseAction] = []
    if facts.enable_execute_command or any(not t.is_twin for t in exec_tasks):
        actions.append(CloseAction.DISABLE_EXEC)
    if schedule_exists:
        actions.append(CloseAction.DELETE_SCHEDULE)
    if facts.has_window_tags:
        actions.append(CloseAction.UNTAG)
    if exec_tasks and (stop_tasks or any(t.is_twin for t in exec_tasks)):
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


def ready_exec_task(tasks: Sequence[LiveTask], deployment_id: str | None) -> LiveTask | None:
    """An exec-ready task (RUNNING, exec enabled, every ExecuteCommandAgent RUNNING) of deployment
    ``deployment_id``, if any.

    Without a deployment id (a service with no deployments listed) any such task counts.
    """
    for task in tasks:
        if not task.exec_ready:  # the live model's one rule (reconciler.live.model.LiveTask.exec_ready)
            continue
        if deployment_id is None or task.started_by == deployment_id:
            return task
    return None


def execute_command_line(cluster: str, task: LiveTask, container: str, region: str) -> str:
    """The exact ``aws ecs execute-command`` line for a shell in ``container`` of ``task``."""
    args = [
        "aws", "ecs", "execute-command", "--region", region, "--cluster", cluster, "--task", task.task_id,
        "--container", container, "--interactive", "--command", "/bin/sh",
    ]  # fmt: skip
    return " ".join(shlex.quote(a) if a != "/bin/sh" else '"/bin/sh"' for a in args)


def pick_container(task: LiveTask, configured: Sequence[str]) -> str:
    """The container to open a shell in: the first configured one the task has, else its first."""
    for name in configured:
        if name in task.container_names:
            return name
    return task.container_names[0] if task.containers else (configured[0] if configured else "app")
