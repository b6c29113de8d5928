"""Exec windows: open, extend, close, list and sweep, against live AWS through an injected factory.

Decisions come from the pure :mod:`reconciler.window_plan`; AWS calls from the thin
:mod:`reconciler.window_aws`. State lives only in AWS (the service's tags, the schedule, the
window-events log stream), so any machine can list, extend, close or sweep. ``now`` is injected
(aware UTC); waiting uses its own monotonic timer so a frozen clock (``ECS_EXEC_NOW``) cannot hang it.

Opening runs in a crash-safe order: the closing schedule exists before exec is turned on, so a
crash at any step never leaves exec on with nothing that turns it off again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from ecs_exec.clock import iso
from ecs_exec.errors import AwsError, NotFoundError, OperatorError, WaitTimeoutError
from generator.spec import EnvironmentSpec, ExecMode
from reconciler import window_aws as aws
from reconciler.window_identity import Actor
from reconciler.window_plan import (
    CloseAction,
    ServiceFacts,
    TaskFacts,
    check_controller,
    execute_command_line,
    extended_expiry,
    new_window,
    parse_schedule_lock,
    pick_container,
    plan_close,
    ready_exec_task,
    schedule_description,
    schedule_name,
    schedule_request,
    sweep_reason,
    window_cluster,
    window_event,
)
from reconciler.window_tags import (
    TAG_EXPIRES_AT,
    TAG_OPENED_AT,
    TAG_OPENED_BY,
    TAG_REASON,
    WINDOW_TAG_KEYS,
    WindowState,
)

log = logging.getLogger("ecs_exec.windows")
T = TypeVar("T")

LIST_PERMISSIONS = ("ecs:ListServices", "ecs:DescribeServices")
_EVENT_PERMISSIONS = ("logs:DescribeLogStreams", "logs:CreateLogStream", "logs:PutLogEvents")
_TASK_PERMISSIONS = ("ecs:ListTasks", "ecs:DescribeTasks")
OPEN_PERMISSIONS = (
    "ecs:DescribeServices",
    "scheduler:CreateSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
    "iam:PassRole",
    "ecs:TagResource",
    "ecs:UpdateService",
    *_EVENT_PERMISSIONS,
    *_TASK_PERMISSIONS,
)
EXTEND_PERMISSIONS = (
    "ecs:DescribeServices",
    "scheduler:GetSchedule",
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "iam:PassRole",
    "ecs:TagResource",
    *_EVENT_PERMISSIONS,
)
CLOSE_PERMISSIONS = (
    "ecs:DescribeServices",
    *_TASK_PERMISSIONS,
    "scheduler:GetSchedule",
    "scheduler:DeleteSchedule",
    "ecs:UpdateService",
    "ecs:UntagResource",
    "ecs:StopTask",
    *_EVENT_PERMISSIONS,
)
SWEEP_PERMISSIONS = tuple(dict.fromkeys(LIST_PERMISSIONS + CLOSE_PERMISSIONS))
#: Everything the exec-window role does (the caller's own STS calls are in window_identity.PERMISSIONS).
PERMISSIONS = tuple(sorted(set(OPEN_PERMISSIONS + EXTEND_PERMISSIONS + CLOSE_PERMISSIONS + LIST_PERMISSIONS)))


@dataclass(frozen=True)
class WindowResult:
    """Outcome of open / extend / close on one service.

    Attributes:
        status: ``opened``, ``already-open``, ``opening-elsewhere``, ``not-needed``, ``extended``,
            ``closed``, ``already-closed`` or ``planned`` (dry run).
        actions: what was done (or, dry run, would be done), in order.
        deployment_id: the deployment started by UpdateService (open/close), for waiting.
        exec_tasks: tasks still allowing exec after a close (not stopped).
    """

    cluster: str
    service: str
    status: str
    message: str
    window: WindowState | None = None
    actions: tuple[str, ...] = ()
    deployment_id: str | None = None
    stopped_tasks: tuple[str, ...] = ()
    exec_tasks: tuple[str, ...] = ()
    command: str | None = None

    @property
    def changed(self) -> bool:
        return self.status in {"opened", "extended", "closed"}

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        """JSON-ready dict (times UTC ISO 8601; ``seconds_left`` when ``now`` is given and the window is
        still open or planned: a closed window has no time left to show)."""
        data: dict[str, Any] = {
            "cluster": self.cluster,
            "service": self.service,
            "status": self.status,
            "message": self.message,
            "actions": list(self.actions),
            "window_id": schedule_name(self.cluster, self.service),
            "stopped_tasks": list(self.stopped_tasks),
            "command": self.command,
        }
        if self.window is not None:
            closed = self.status in {"closed", "already-closed"}
            data.update(_window_fields(self.window, None if closed else now))
        return data


def _window_fields(window: WindowState, now: datetime | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "expires_at": iso(window.expires_at),
        "opened_at": iso(window.opened_at) if window.opened_at else None,
        "opened_by": window.opened_by,
        "reason": window.reason,
    }
    if now is not None:
        data["seconds_left"] = window.seconds_left(now)
    return data


@dataclass(frozen=True)
class Waiter:
    """Polls until a condition holds, bounded by ``timeout_seconds``, reporting progress sparingly.

    Our own loop (not a boto3 waiter): no ECS waiter checks ``enableExecuteCommand`` of a deployment's
    tasks. It uses a monotonic timer, never the injected clock, so a frozen ``ECS_EXEC_NOW`` cannot hang it.
    It polls every ``interval_seconds`` but calls ``progress`` only when the probe's status changes or
    ``progress_every_seconds`` have passed since the last line (a line every poll for ten minutes is noise).
    """

    timeout_seconds: float = 600.0
    interval_seconds: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = field(default=lambda _msg: None)
    progress_every_seconds: float = 30.0

    def capped(self, seconds: float) -> Waiter:
        """This waiter, bounded by ``seconds`` too when that is sooner than ``timeout_seconds``."""
        return replace(self, timeout_seconds=max(0.0, min(self.timeout_seconds, seconds)))

    def until(self, probe: Callable[[], tuple[bool, T, str]], what: str) -> T:
        """Call ``probe`` (-> ``(done, value, status)``) until done; return its value.

        Raises:
            WaitTimeoutError: not done within ``timeout_seconds`` (exit 7).
        """
        start = self.monotonic()
        shown: tuple[str, float] | None = None  # (status, monotonic time) of the last progress line
        while True:
            done, value, status = probe()
            if done:
                return value
            tick = self.monotonic()
            elapsed = tick - start
            if elapsed >= self.timeout_seconds:
                raise WaitTimeoutError(
                    f"gave up waiting for {what} after {self.timeout_seconds:.0f}s ({status})",
                    hint="raise --wait-timeout, or check the service's events in the ECS console",
                )
            if shown is None or shown[0] != status or tick - shown[1] >= self.progress_every_seconds:
                self.progress(f"waiting for {what}: {status} ({elapsed:.0f}s of {self.timeout_seconds:.0f}s)")
                shown = (status, tick)
            self.sleep(min(self.interval_seconds, max(0.0, self.timeout_seconds - elapsed)))


def _actor_arn(actor: Actor | str) -> str:
    return actor.arn if isinstance(actor, Actor) else actor


def _step(what: str, fn: Callable[[], T], *, hint: str | None) -> T:
    """Run one changing step; turn an AWS failure into one line naming the step."""
    try:
        return fn()
    except (ClientError, BotoCoreError) as exc:
        raise AwsError(f"{what} failed: {describe_error(exc)}", hint=hint) from None


def _record(
    factory: ClientFactory, spec: EnvironmentSpec, cluster: str, event: dict[str, Any], at: datetime
) -> None:
    aws.put_event(factory, spec.exec_log_group_name(cluster), spec.windows.events_stream_name, event, at)


# ---- open ----


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
            cluster, service, "not-needed", f"exec is always on in cluster {cluster} (exec mode 'always')"
        )
    facts = aws.describe_service(factory, cluster, service)
    check_controller(facts, "open a window on")
    current = facts.window
    if current is not None and current.is_valid(now, spec.access.max_window_minutes):
        return WindowResult(
            cluster,
            service,
            "already-open",
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
            "planned",
            f"would open {cluster}/{service} until {iso(window.expires_at)}",
            window,
            planned,
        )

    taken = _step(
        "open step 1 (create the closing schedule)",
        lambda: _take_lock(factory, request, now),
        hint="nothing was changed",
    )
    if taken is not None:
        return WindowResult(cluster, service, "opening-elsewhere", taken, window=None)
    cleanup = f"the schedule turns exec off at {iso(window.expires_at)}; `exec-window close` cleans up now"
    _step(
        "open step 2 (tag the service)",
        lambda: aws.tag_service(factory, facts.service_arn, window.to_tags()),
        hint=cleanup,
    )
    deployment = _step(
        "open step 3 (UpdateService enableExecuteCommand=true)",
        lambda: aws.set_service_exec(factory, cluster, service, True),
        hint=cleanup,
    )
    event = window_event(
        "opened", spec=spec, cluster=cluster, service=service, at=now, actor_arn=actor.arn, reason=reason,
        window=window, minutes=minutes, source_identity=actor.source_identity, deployment_id=deployment,
    )  # fmt: skip
    _step(
        "open step 4 (record the opened event)",
        lambda: _record(factory, spec, cluster, event, now),
        hint=cleanup,
    )
    return WindowResult(
        cluster,
        service,
        "opened",
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

    def probe() -> tuple[bool, TaskFacts | None, str]:
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


# ---- extend ----


def extend_window(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    *,
    minutes: int,
    actor: Actor,
    now: datetime,
    dry_run: bool = False,
) -> WindowResult:
    """Move an open window's expiry ``minutes`` later (within the maximum from its opening).

    Order: Scheduler ``UpdateSchedule`` (``CreateSchedule`` if it vanished), ECS ``TagResource`` of
    the new expiry, an ``extended`` event.

    Raises:
        NotFoundError: no such cluster/service, or no open window on it (exit 4).
        InvalidValueError: expired window, or past the maximum (exit 4).
    """
    window_cluster(spec, cluster)
    facts = aws.describe_service(factory, cluster, service)
    current = facts.window
    if current is None:
        raise NotFoundError(
            f"no open window on {cluster}/{service} to extend", hint="open one with `exec-window open`"
        )
    expires_at = extended_expiry(
        current, minutes=minutes, max_minutes=spec.access.max_window_minutes, now=now
    )
    # Without a readable opening time the maximum counts from now: record that, so the next extend
    # counts from the same start instead of from its own now.
    opened_at = min(current.opened_at, now) if current.opened_at is not None else now.replace(microsecond=0)
    window = replace(current, expires_at=expires_at, opened_at=opened_at)
    request = schedule_request(
        spec, cluster, service, expires_at, schedule_description(opened_at, current.opened_by)
    )
    actions = ("move-schedule", "tag", "record-event")
    if dry_run:
        return WindowResult(
            cluster,
            service,
            "planned",
            f"would extend {cluster}/{service} to {iso(expires_at)}",
            window,
            actions,
        )

    def move() -> None:
        if aws.get_schedule(factory, request["GroupName"], request["Name"]) is None:
            aws.create_schedule(factory, request)
        else:
            aws.update_schedule(factory, request)

    _step(
        "extend (move the closing schedule)",
        move,
        hint=f"the window still closes at {iso(current.expires_at)}",
    )
    hint = "the schedule already moved; run extend again to finish"
    _step(
        "extend (tag the new expiry)",
        lambda: aws.tag_service(factory, facts.service_arn, window.to_tags()),
        hint=hint,
    )
    event = window_event(
        "extended", spec=spec, cluster=cluster, service=service, at=now, actor_arn=_actor_arn(actor),
        reason=f"extended by {minutes} minutes", window=window, minutes=minutes,
        previous_expires_at=iso(current.expires_at),
    )  # fmt: skip
    _step("extend (record the event)", lambda: _record(factory, spec, cluster, event, now), hint=None)
    return WindowResult(
        cluster, service, "extended", f"extended {cluster}/{service} until {iso(expires_at)}", window, actions
    )


# ---- close ----


def close_window(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    service: str,
    *,
    now: datetime,
    actor: Actor | str,
    reason: str,
    stop_tasks: bool,
    dry_run: bool = False,
) -> WindowResult:
    """Close the window of ``cluster``/``service``: idempotent, safe to call on any service.

    Decides with :func:`~reconciler.window_plan.plan_close`, then in order: ECS
    ``UpdateService(enableExecuteCommand=False, forceNewDeployment=True)``, Scheduler
    ``DeleteSchedule``, ECS ``UntagResource``, ECS ``StopTask`` (``stop_tasks``) for tasks that still
    allow exec, and a ``closed`` event. A closed window gives ``already-closed`` and changes nothing.
    The drift fix and ``sweep`` call this; ``actor`` is who closes (an :class:`Actor` or an ARN).

    Raises:
        NotFoundError: no such cluster/service in ECS (exit 4).
        InvalidValueError: exec must be turned off but the controller cannot force a deployment (exit 4).
        AwsError: a step failed (the message names it) (exit 5).
    """
    facts = aws.describe_service(factory, cluster, service)
    exec_tasks = [t for t in aws.service_tasks(factory, cluster, service) if t.allows_exec]
    group, name = spec.windows.schedule_group_name, schedule_name(cluster, service)
    schedule_exists = aws.get_schedule(factory, group, name) is not None
    actions = plan_close(facts, exec_tasks, schedule_exists=schedule_exists, stop_tasks=stop_tasks)
    window = facts.window
    if not actions:
        return WindowResult(
            cluster, service, "already-closed", f"no window open on {cluster}/{service}: nothing to do"
        )
    if CloseAction.DISABLE_EXEC in actions:
        check_controller(facts, "turn exec off on")
    names = tuple(a.value for a in actions)
    if dry_run:
        return WindowResult(
            cluster, service, "planned", f"would close {cluster}/{service}: {', '.join(names)}", window, names
        )

    deployment: str | None = None
    stopped: tuple[str, ...] = ()
    hint = "run `exec-window close` again: it finishes what is left"
    if CloseAction.DISABLE_EXEC in actions:
        deployment = _step(
            "close (UpdateService enableExecuteCommand=false)",
            lambda: aws.set_service_exec(factory, cluster, service, False),
            hint=hint,
        )
    if CloseAction.DELETE_SCHEDULE in actions:
        _step("close (delete the schedule)", lambda: aws.delete_schedule(factory, group, name), hint=hint)
    if CloseAction.UNTAG in actions:
        _step(
            "close (remove the window tags)", lambda: aws.untag_service(factory, facts.service_arn), hint=hint
        )
    if CloseAction.STOP_TASKS in actions:
        arns = [t.task_arn for t in exec_tasks]
        stopped = tuple(
            _step(
                "close (stop tasks that allow exec)",
                lambda: aws.stop_tasks(factory, cluster, arns, f"exec window closed: {reason}"),
                hint=hint,
            )
        )
    event = window_event(
        "closed", spec=spec, cluster=cluster, service=service, at=now, actor_arn=_actor_arn(actor), reason=reason,
        window=window, actions=list(names), stopped_tasks=list(stopped), deployment_id=deployment,
    )  # fmt: skip
    _step("close (record the closed event)", lambda: _record(factory, spec, cluster, event, now), hint=None)
    left = tuple(t.task_arn for t in exec_tasks if t.task_arn not in stopped)
    message = f"closed {cluster}/{service}" + (
        f" ({len(left)} task(s) still allow exec until replaced)" if left else ""
    )
    return WindowResult(
        cluster, service, "closed", message, window, names, deployment, stopped_tasks=stopped, exec_tasks=left
    )


def wait_until_closed(factory: ClientFactory, cluster: str, service: str, waiter: Waiter) -> None:
    """Wait until no running task of ``cluster``/``service`` allows exec (ECS ``ListTasks``/``DescribeTasks``).

    Raises:
        WaitTimeoutError: some still do after the waiter's timeout (exit 7).
    """

    def probe() -> tuple[bool, None, str]:
        left = [t for t in aws.service_tasks(factory, cluster, service) if t.allows_exec]
        return not left, None, f"{len(left)} task(s) still allow exec"

    waiter.until(probe, f"the tasks of {cluster}/{service} that allow exec to go away")


# ---- list and sweep ----


@dataclass(frozen=True)
class WindowRow:
    """One window as ``list`` shows it.

    Attributes:
        window: the window read from the tags; None when the tags are unreadable (``raw_tags`` then
            shows what they say).
        max_minutes: ``access.max_window_minutes``: an expiry beyond it from the opening is ``invalid``.
    """

    cluster: str
    service: str
    window: WindowState | None
    enable_execute_command: bool
    max_minutes: int | None = None
    raw_tags: Mapping[str, str] = field(default_factory=dict)

    def state(self, now: datetime) -> str:
        """``open``, ``expired`` (until swept) or ``invalid`` (unreadable or hand-edited tags: sweep closes it)."""
        if self.window is None or (
            self.max_minutes is not None and self.window.exceeds_max(now, self.max_minutes)
        ):
            return "invalid"
        return "open" if self.window.is_open(now) else "expired"

    def to_dict(self, now: datetime) -> dict[str, Any]:
        """JSON / table row: who, why, expiry, ``seconds_left`` / ``time_left``, ``state``, and the
        service's ``enableExecuteCommand`` (DescribeServices' field, under the API's own name)."""
        state = self.state(now)
        if self.window is None:
            fields: dict[str, Any] = {
                "expires_at": self.raw_tags.get(TAG_EXPIRES_AT),
                "opened_at": self.raw_tags.get(TAG_OPENED_AT),
                "opened_by": self.raw_tags.get(TAG_OPENED_BY, ""),
                "reason": self.raw_tags.get(TAG_REASON, ""),
                "seconds_left": 0,
            }
        else:
            fields = _window_fields(self.window, now)
        left = fields["seconds_left"] if state == "open" else 0
        fields["seconds_left"] = left
        return {
            "cluster": self.cluster,
            "service": self.service,
            "state": state,
            "enableExecuteCommand": self.enable_execute_command,
            "time_left": f"{left // 60}m{left % 60:02d}s",
            **fields,
        }


def _cluster_services(factory: ClientFactory, cluster: str) -> list[ServiceFacts]:
    try:
        return aws.list_service_facts(factory, cluster)
    except NotFoundError as exc:
        log.warning("skipping %s", exc)
        return []


def list_windows(factory: ClientFactory, spec: EnvironmentSpec) -> list[WindowRow]:
    """Every window recorded on a service of the config's clusters (open, expired or invalid, not yet swept).

    Follows ECS ``ListServices`` / ``DescribeServices(include=["TAGS"])``; a cluster missing in ECS is
    skipped with a warning. Services with window tags that cannot be read are listed as ``invalid``.
    """
    rows: list[WindowRow] = []
    for cl in spec.clusters:
        for facts in _cluster_services(factory, cl.name):
            if facts.has_window_tags:
                rows.append(
                    WindowRow(
                        cl.name,
                        facts.service,
                        facts.window,
                        facts.enable_execute_command,
                        spec.access.max_window_minutes,
                        {k: v for k, v in facts.tags.items() if k in WINDOW_TAG_KEYS},
                    )
                )
    return rows


@dataclass(frozen=True)
class SweepFailure:
    cluster: str
    service: str
    error: str


@dataclass(frozen=True)
class SweepReport:
    """What ``sweep`` closed (or would close) and what it could not."""

    results: tuple[WindowResult, ...]
    failures: tuple[SweepFailure, ...]


def sweep_windows(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    *,
    now: datetime,
    actor: Actor | str,
    stop_tasks: bool,
    dry_run: bool = False,
) -> SweepReport:
    """Close every expired window and every service with exec on without a valid window.

    Looks at every service of the config's ``windowed`` and ``never`` clusters (decided by
    :func:`~reconciler.window_plan.sweep_reason`) and calls :func:`close_window` on each; one
    service's failure does not stop the others.
    """
    results: list[WindowResult] = []
    failures: list[SweepFailure] = []
    for cl in spec.clusters:
        if cl.exec.mode is ExecMode.ALWAYS:
            continue
        for facts in _cluster_services(factory, cl.name):
            why = sweep_reason(cl.exec.mode, facts, now, spec.access.max_window_minutes)
            if why is None:
                continue
            try:
                results.append(
                    close_window(
                        factory,
                        spec,
                        cl.name,
                        facts.service,
                        now=now,
                        actor=actor,
                        reason=f"sweep: {why}",
                        stop_tasks=stop_tasks,
                        dry_run=dry_run,
                    )  # fmt: skip
                )
            except (OperatorError, ClientError, BotoCoreError) as exc:
                failures.append(
                    SweepFailure(
                        cl.name,
                        facts.service,
                        str(exc) if isinstance(exc, OperatorError) else describe_error(exc),
                    )
                )
    return SweepReport(tuple(results), tuple(failures))
