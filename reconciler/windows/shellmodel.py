"""The window a shell uses, as a value: its mode, who opened it, which tasks count. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reconciler.windows.record import ResultStatus, WindowState


class ShellMode(StrEnum):
    """``--mode``: how a shell gets a task with exec on."""

    REDEPLOY = "redeploy"  #: turn exec on for the service (a new deployment), as `exec-window open`
    TWIN = "twin"  #: run one extra task with exec on; the service is not touched


@dataclass(frozen=True)
class ShellWindow:
    """The window a shell uses.

    Attributes:
        opened_here: this command opened it (only then may leaving close it).
        group: the ``group`` of the tasks to open the shell in (``service:<name>`` / ``ecs-exec:<name>``).
        started_by: only tasks started by this deployment count (a window just opened by redeploy).
        task_arns: only these tasks count (a twin).
    """

    mode: ShellMode
    status: ResultStatus
    message: str
    window: WindowState | None
    opened_here: bool
    group: str
    window_id: str | None = None
    started_by: str | None = None
    task_arns: tuple[str, ...] = ()
