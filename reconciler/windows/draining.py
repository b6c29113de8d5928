"""What ``sweep`` does with a DRAINING service: what ``drift fix`` does with it.

A ``DRAINING`` service is being deleted (the live model's rule: it is not an active service). ECS
refuses ``UpdateService`` on it, so neither job turns its exec off; its running tasks that still
allow exec are stragglers: stopped when ``--stop-tasks`` is on (the default in production), else
left for ECS to stop as it drains, and reported.
"""

from __future__ import annotations

from ecs_exec.aws import ClientFactory
from reconciler.windows import aws
from reconciler.windows.plan import CloseAction
from reconciler.windows.record import ResultStatus
from reconciler.windows.result import WindowResult
from reconciler.windows.steps import run_step


def sweep_draining(
    factory: ClientFactory, cluster: str, service: str, *, reason: str, stop_tasks: bool, dry_run: bool
) -> WindowResult | None:
    """Stop (``stop_tasks``) the tasks of the DRAINING ``cluster``/``service`` that still allow exec
    (ECS ``ListTasks`` / ``DescribeTasks``, ``StopTask``); None when none does.

    Raises:
        AwsError: a ``StopTask`` failed (exit 5).
    """
    arns = [t.arn for t in aws.service_tasks(factory, cluster, service) if t.allows_exec]
    if not arns:
        return None
    what = f"{len(arns)} task(s) of DRAINING service {cluster}/{service} still allow exec"
    if not stop_tasks:
        return WindowResult(
            cluster, service, ResultStatus.ALREADY_CLOSED,
            f"{what}: left for ECS to stop as it drains (--stop-tasks stops them now)", exec_tasks=tuple(arns),
        )  # fmt: skip
    actions = (CloseAction.STOP_TASKS.value,)
    if dry_run:
        return WindowResult(
            cluster, service, ResultStatus.PLANNED, f"{what}: would stop them", actions=actions
        )
    stopped = run_step(
        "sweep (stop the tasks of a DRAINING service that allow exec)",
        lambda: aws.stop_tasks(factory, cluster, arns, f"exec window closed: {reason}"),
        hint="run `exec-window sweep` again",
    )
    return WindowResult(
        cluster,
        service,
        ResultStatus.CLOSED,
        f"{what}: stopped",
        actions=actions,
        stopped_tasks=tuple(stopped),
    )
