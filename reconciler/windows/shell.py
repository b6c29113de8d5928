"""The window a shell uses: open or reuse it (redeploy or twin mode), and close it on leave.

- ``redeploy`` (default): exactly ``exec-window open`` (:func:`~reconciler.windows.open.open_window`,
  crash-safe order kept); an open window on the service is reused. Closing is ``exec-window close``.
- ``twin``: one extra task of the service's task definition (:mod:`reconciler.windows.twin`);
  nothing is written to the service. An open twin of the service is reused. Closing stops it.
- exec mode ``always``: no window is opened (exec is always on); nothing is closed.
"""

from __future__ import annotations

from datetime import datetime

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.windows import twin
from reconciler.windows.close import close_window
from reconciler.windows.identity import Actor
from reconciler.windows.open import open_window
from reconciler.windows.plan import window_cluster
from reconciler.windows.record import ResultStatus
from reconciler.windows.shellmodel import ShellMode, ShellWindow
from reconciler.windows.target import ServiceView


def open_for_shell(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    view: ServiceView,
    mode: ShellMode,
    *,
    minutes: int,
    reason: str,
    actor: Actor,
    now: datetime,
    container: str,
) -> ShellWindow:
    """Open or reuse the window of ``view``'s service for a shell in ``container``.

    Raises:
        InvalidValueError: exec mode ``never`` (exit 4); see :func:`open_window` and :func:`twin.open_twin`.
        AwsError: a step failed (exit 5).
    """
    cluster, service = view.cluster, view.service
    service_group = f"service:{service}"
    if window_cluster(spec, cluster).exec.mode is ExecMode.ALWAYS:
        return ShellWindow(
            mode, ResultStatus.NOT_NEEDED, f"exec is always on in cluster {cluster}: no window needed",
            None, False, service_group,
        )  # fmt: skip
    if mode is ShellMode.TWIN:
        return twin.open_twin(
            factory, spec, view, minutes=minutes, reason=reason, actor=actor, now=now, container=container
        )
    result = open_window(
        factory, spec, cluster, service, minutes=minutes, reason=reason, actor=actor, now=now
    )
    opened = result.status is ResultStatus.OPENED
    return ShellWindow(
        mode,
        result.status,
        result.message,
        result.window,
        opened,
        service_group,
        window_id=result.window.window_id if result.window else None,
        started_by=result.deployment_id if opened else None,
    )


def close_for_shell(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    view: ServiceView,
    used: ShellWindow,
    *,
    actor: Actor,
    reason: str,
    now: datetime,
) -> str:
    """Close the window ``used`` (opened here): ``exec-window close`` or stop the twin. Its message.

    Raises:
        AwsError: a step failed (exit 5); the schedule closes it at expiry all the same.
    """
    if used.mode is ShellMode.TWIN:
        return twin.stop_twin(
            factory, spec, view.cluster, view.service, used.task_arns, actor=actor, reason=reason, now=now
        )
    result = close_window(
        factory, spec, view.cluster, view.service, now=now, actor=actor, reason=reason,
        stop_tasks=spec.production,
    )  # fmt: skip
    return result.message
