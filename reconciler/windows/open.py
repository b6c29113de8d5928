"""Open a window: crash-safe, the closing schedule first; then wait for a task with exec enabled.

Opening runs in a crash-safe order: the closing schedule exists before exec is turned on, so a
crash at any step never leaves exec on with nothing that turns it off again. The schedule is also
the lock between two operators opening the same window. ``now`` is injected (aware UTC).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from ecs_exec.aws import ClientFactory
from ecs_exec.clock import iso
from ecs_exec.errors import WaitTimeoutError
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.live.model import LiveTask
from reconciler.windows import aws
from reconciler.windows.identity import Actor
from reconciler.windows.plan import (
    check_controller,
    execute_command_line,
    new_window,
    pick_container,
    ready_exec_task,
    window_cluster,
)
from reconciler.windows.record import EventKind, ResultStatus, WindowEvent
from reconciler.windows.result import WindowResult
from reconciler.windows.schedule import parse_schedule_lock, schedule_description, schedule_request
from reconciler.windows.steps import record_event, run_step
from reconciler.windows.waiter import Waiter

log = logging.getLogger("ecs_exec.windows")


def open_window(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    *,
    minutes: int,
    reason: str,
    actor: Actor,
    now: datetime,
    dry_run: bool = False,
) -> WindowResult:
    """Open an exec window of ``minutes`` on ``cluster``/``service`` (options already checked).

    Order: 1) Scheduler ``CreateSchedule`` (the lock; ``ConflictException`` means another operator
    holds it), 2) ECS ``TagResource``, 3) ECS ``UpdateService(enableExecuteCommand=True,
    forceNewDeployment=True)``, 4) an ``opened`` event (Logs ``PutLogEvents``). An open window is
    not opened again (``already-open``).

    Raises:
        NotFoundError: cluster not in the config / not in ECS, or no such service (exit 4).
        InvalidValueError: exec mode ``never``, or a CODE_DEPLOY / EXTERNAL controller (exit 4).
        AwsError: a step failed (the message names it; the schedule turns exec off anyway) (exit 5).
    """
    if window_cluster(spec, cluster).exec.mode is ExecMode.ALWAYS:
        return WindowResult(
            cluster,
            service,
            ResultStatus.NOT_NEEDED,
            f"exec is always on in cluster {cluster} (exec mode 'always')",
        )
    facts = aws.describe_service(factory, cluster, service)
    check_controller(facts, "open a window on")
    current = facts.window
    if current is not None and current.is_valid(now, spec.access.max_window_minutes):
        return WindowResult(
            cluster,
            service,
            ResultStatus.ALREADY_OPEN,
            f"a window is already open on {cluster}/{service} until {iso(current.expires_at)} "
            f"(opened by {current.opened_by}): use `exec-window extend` to make it longer",
            window=current,
        )
    log_group, stream = spec.exec_log_group_name(cluster), spec.windows.events_stream_name
    aws.check_events_stream(factory, log_group, stream)  # a missing log group stops us before any change
    window = new_window(cluster, service, now=now, minutes=minutes, actor_arn=actor.arn, reason=reason)
    request = schedule_request(
        spec, cluster, service, window.expires_at, schedule_description(now, actor.arn)
    )
    planned = ("create-schedule", "tag", "enable-exec", "record-event")
    if dry_run:
        return WindowResult(
            cluster,
            service,
            ResultStatus.PLANNED,
            f"would open {cluster}/{service} until {iso(window.expires_at)}",
            window,
            planned,
        )

    taken = run_step(
        "open step 1 (create the closing schedule)",
        lambda: _take_lock(factory, request, now),
        hint="nothing was changed",
    )
    if taken is not None:
        return WindowResult(cluster, service, ResultStatus.OPENING_ELSEWHERE, taken, window=None)
    cleanup = f"the schedule turns exec off at {iso(window.expires_at)}; `exec-window close` cleans up now"
    run_step(
        "open step 2 (tag the service)",
        lambda: aws.tag_service(factory, facts.service_arn, window.to_tags()),
        hint=cleanup,
    )
    deployment = run_step(
        "open step 3 (UpdateService enableExecuteCommand=true)",
        lambda: aws.set_service_exec(factory, cluster, service, True),
        hint=cleanup,
    )
    event = WindowEvent.of(
        EventKind.OPENED, environment=spec.environment, cluster=cluster, service=service,
        window_id=window.window_id, at=now, actor=actor.arn, reason=reason, window=window, minutes=minutes,
        source_identity=actor.source_identity, deployment_id=deployment,
    )  # fmt: skip
    run_step(
        "open step 4 (record the opened event)",
        lambda: record_event(factory, spec, event),
        hint=cleanup,
    )
    return WindowResult(
        cluster,
        service,
        ResultStatus.OPENED,
        f"opened {cluster}/{service} until {iso(window.expires_at)}",
        window,
        planned,
        deployment,
    )


def _take_lock(factory: ClientFactory, request: dict[str, Any], now: datetime) -> str | None:
    """Create the window's schedule; None when we hold it now, else why someone else does.

    A schedule left by a crashed open (older than the lock grace, the tags absent or expired: the
    caller checked) is taken over with ``UpdateSchedule``.
    """
    if aws.create_schedule(factory, request):
        return None
    existing = aws.get_schedule(factory, request["GroupName"], request["Name"])
    if existing is None:  # it ran or was closed between the two calls: try once more
        return (
            None
            if aws.create_schedule(factory, request)
            else "another operator is opening this window right now"
        )
    lock = parse_schedule_lock(existing.get("Description"))
    if lock is not None and not lock.is_stale(now):
        return (
            f"another operator ({lock.opened_by}) is opening a window on this service right now "
            f"(since {iso(lock.opened_at)}): see `exec-window list` in a moment"
        )
    log.info("taking over the leftover schedule %s of an unfinished open", request["Name"])
    aws.update_schedule(factory, request)
    return None


def wait_for_exec_task(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    result: WindowResult,
    waiter: Waiter,
    *,
    now: datetime,
) -> WindowResult:
    """Wait until a task of ``result``'s deployment is RUNNING with exec enabled; add the command line.

    Waits at most the waiter's timeout (``--wait-timeout``) or until the window expires (``now``,
    aware UTC, is when it was opened), whichever is sooner: a task that starts after the expiry is
    of no use. Follows ECS ``ListTasks`` / ``DescribeTasks``.

    Raises:
        WaitTimeoutError: no such task in time (exit 7); the message says which bound ran out and,
            for ``--wait-timeout``, that the window is open all the same.
    """
    cluster, service = result.cluster, result.service
    expiry_first = result.window is not None and result.window.seconds_left(now) < waiter.timeout_seconds
    if result.window is not None:
        waiter = waiter.capped(result.window.seconds_left(now))

    def probe() -> tuple[bool, LiveTask | None, str]:
        tasks = aws.service_tasks(factory, cluster, service)
        task = ready_exec_task(tasks, result.deployment_id)
        running = sum(1 for t in tasks if t.last_status == "RUNNING")
        return task is not None, task, f"{running} running task(s), none of the new deployment with exec yet"

    try:
        task = waiter.until(probe, f"a task of {cluster}/{service} with exec enabled")
    except WaitTimeoutError as exc:  # say that the window *is* open: exit 7 alone reads as "nothing happened"
        if expiry_first and result.window is not None:
            raise WaitTimeoutError(
                f"{exc.message}: the window on {cluster}/{service} expired at "
                f"{iso(result.window.expires_at)}, before --wait-timeout",
                hint="no task of the new deployment started in time (see the service's events in the ECS "
                "console); the schedule turns exec off, `exec-window close` does it now",
            ) from None
        until = f" until {iso(result.window.expires_at)}" if result.window else ""
        raise WaitTimeoutError(
            f"the window on {cluster}/{service} is open{until}, but {exc.message}: --wait-timeout ran out "
            "before the window's expiry",
            hint=f"{exc.hint}; `exec-window close` closes it now",
        ) from None
    assert task is not None  # done implies a task
    cl = spec.cluster(cluster)
    configured = next((s.containers for s in cl.services if s.name == service), []) if cl else []
    container = pick_container(task, configured)
    return replace(result, command=execute_command_line(cluster, task, container, spec.region))
