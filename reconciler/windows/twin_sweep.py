"""Twins in ``list`` and ``sweep``: a twin task's window lives in its tags, so both read the tasks too.

``sweep`` stops a twin whose window expired (or is unreadable or hand-edited), and every twin in a
``never`` cluster, whatever ``--stop-tasks`` says: the twin *is* the window. ECS ``ListTasks`` /
``DescribeTasks`` (:func:`~reconciler.windows.twin.twin_tasks`), then
:func:`~reconciler.windows.twin.stop_twin` (StopTask, DeleteSchedule, a ``closed`` event).
"""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error, error_code
from ecs_exec.clock import iso
from ecs_exec.errors import OperatorError
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.windows.identity import Actor
from reconciler.windows.record import ResultStatus, WindowState
from reconciler.windows.result import WindowResult
from reconciler.windows.twin import stop_twin, twin_service, twin_tasks, twin_window


def twin_sweep_reason(
    mode: ExecMode, window: WindowState | None, now: datetime, max_minutes: int
) -> str | None:
    """Why ``sweep`` must stop a twin, or None while its window is valid (``always`` clusters: never)."""
    if mode is ExecMode.ALWAYS:
        return None
    if mode is ExecMode.NEVER:
        return "twin task in a cluster whose exec mode is 'never'"
    if window is None:
        return "twin task without readable window tags"
    if not window.is_open(now):
        return f"twin window expired at {iso(window.expires_at)}"
    if window.exceeds_max(now, max_minutes):
        return f"twin window expiry {iso(window.expires_at)} beyond the maximum (tags edited by hand)"
    return None


def sweep_twins(
    factory: ClientFactory, spec: EnvironmentSpec, *, now: datetime, actor: Actor | str, dry_run: bool
) -> tuple[list[WindowResult], list[tuple[str, str, str]]]:
    """Stop every twin ``sweep`` must stop. Returns the results and ``(cluster, service, error)`` failures."""
    results: list[WindowResult] = []
    failures: list[tuple[str, str, str]] = []
    for cl in spec.clusters:
        if cl.exec.mode is ExecMode.ALWAYS:
            continue
        try:
            tasks = twin_tasks(factory, cl.name)
        except (ClientError, BotoCoreError) as exc:
            if (
                error_code(exc) != "ClusterNotFoundException"
            ):  # a missing cluster has no twins (as for services)
                failures.append((cl.name, "(twins)", describe_error(exc)))
            continue
        for raw in tasks:
            service, arn = str(twin_service(raw.get("group"))), str(raw["taskArn"])
            window = twin_window(raw)
            why = twin_sweep_reason(cl.exec.mode, window, now, spec.access.max_window_minutes)
            if why is None:
                continue
            actions = ("stop-twin", "delete-schedule", "record-event")
            if dry_run:
                results.append(WindowResult(cl.name, service, ResultStatus.PLANNED, f"would stop twin {arn}: {why}",
                                            window, actions))  # fmt: skip
                continue
            try:
                message = stop_twin(factory, spec, cl.name, service, [arn], actor=actor, reason=f"sweep: {why}",
                                    now=now, window=window)  # fmt: skip
            except (OperatorError, ClientError, BotoCoreError) as exc:
                failures.append(
                    (cl.name, service, str(exc) if isinstance(exc, OperatorError) else describe_error(exc))
                )
                continue
            results.append(WindowResult(cl.name, service, ResultStatus.CLOSED, message, window, actions,
                                        stopped_tasks=(arn,)))  # fmt: skip
    return results, failures
