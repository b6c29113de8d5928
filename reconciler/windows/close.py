"""Close a window: turn exec off, delete the schedule, remove the tags, stop tasks, record it.

Idempotent and safe on any service: the drift fix and ``sweep`` call :func:`close_window` too.
"""

from __future__ import annotations

from datetime import datetime

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.windows import aws
from reconciler.windows.identity import Actor
from reconciler.windows.plan import CloseAction, check_controller, plan_close
from reconciler.windows.record import EventKind, ResultStatus, WindowEvent
from reconciler.windows.result import WindowResult
from reconciler.windows.schedule import schedule_name
from reconciler.windows.steps import actor_arn, record_event, run_step
from reconciler.windows.waiter import Waiter


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

    Decides with :func:`~reconciler.windows.plan.plan_close`, then in order: ECS
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
            cluster,
            service,
            ResultStatus.ALREADY_CLOSED,
            f"no window open on {cluster}/{service}: nothing to do",
        )
    if CloseAction.DISABLE_EXEC in actions:
        check_controller(facts, "turn exec off on")
    names = tuple(a.value for a in actions)
    if dry_run:
        return WindowResult(
            cluster,
            service,
            ResultStatus.PLANNED,
            f"would close {cluster}/{service}: {', '.join(names)}",
            window,
            names,
        )

    deployment: str | None = None
    stopped: tuple[str, ...] = ()
    hint = "run `exec-window close` again: it finishes what is left"
    if CloseAction.DISABLE_EXEC in actions:
        deployment = run_step(
            "close (UpdateService enableExecuteCommand=false)",
            lambda: aws.set_service_exec(factory, cluster, service, False),
            hint=hint,
        )
    if CloseAction.DELETE_SCHEDULE in actions:
        run_step("close (delete the schedule)", lambda: aws.delete_schedule(factory, group, name), hint=hint)
    if CloseAction.UNTAG in actions:
        run_step(
            "close (remove the window tags)", lambda: aws.untag_service(factory, facts.service_arn), hint=hint
        )
    if CloseAction.STOP_TASKS in actions:
        arns = [t.arn for t in exec_tasks if stop_tasks or t.is_twin]
        stopped = tuple(
            run_step(
                "close (stop tasks that allow exec)",
                lambda: aws.stop_tasks(factory, cluster, arns, f"exec window closed: {reason}"),
                hint=hint,
            )
        )
    event = WindowEvent.of(
        EventKind.CLOSED, environment=spec.environment, cluster=cluster, service=service, window_id=name, at=now,
        actor=actor_arn(actor), reason=reason, window=window, actions=names, stopped_tasks=stopped,
        deployment_id=deployment,
    )  # fmt: skip
    run_step("close (record the closed event)", lambda: record_event(factory, spec, event), hint=None)
    left = tuple(t.arn for t in exec_tasks if t.arn not in stopped)
    message = f"closed {cluster}/{service}" + (
        f" ({len(left)} task(s) still allow exec until replaced)" if left else ""
    )
    return WindowResult(
        cluster,
        service,
        ResultStatus.CLOSED,
        message,
        window,
        names,
        deployment,
        stopped_tasks=stopped,
        exec_tasks=left,
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
