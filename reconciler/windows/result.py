"""The outcome of open / extend / close on one service, as the CLI prints it. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecs_exec.clock import iso
from reconciler.windows.record import ResultStatus, WindowState
from reconciler.windows.schedule import schedule_name


@dataclass(frozen=True)
class WindowResult:
    """Outcome of open / extend / close on one service.

    Attributes:
        status: see :class:`~reconciler.windows.record.ResultStatus`.
        actions: what was done (or, dry run, would be done), in order.
        deployment_id: the deployment started by UpdateService (open/close), for waiting.
        exec_tasks: tasks still allowing exec after a close (not stopped).
    """

    cluster: str
    service: str
    status: ResultStatus
    message: str
    window: WindowState | None = None
    actions: tuple[str, ...] = ()
    deployment_id: str | None = None
    stopped_tasks: tuple[str, ...] = ()
    exec_tasks: tuple[str, ...] = ()
    command: str | None = None

    @property
    def changed(self) -> bool:
        """True when AWS was changed (opened, extended or closed)."""
        return self.status.changed

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        """JSON-ready dict (times UTC ISO 8601; ``seconds_left`` when ``now`` is given and the window is
        still open or planned: a closed window has no time left to show)."""
        data: dict[str, Any] = {
            "cluster": self.cluster,
            "service": self.service,
            "status": self.status.value,
            "message": self.message,
            "actions": list(self.actions),
            "window_id": schedule_name(self.cluster, self.service),
            "stopped_tasks": list(self.stopped_tasks),
            "command": self.command,
        }
        if self.window is not None:
            closed = self.status in {ResultStatus.CLOSED, ResultStatus.ALREADY_CLOSED}
            data.update(window_fields(self.window, None if closed else now))
        return data


def window_fields(window: WindowState, now: datetime | None) -> dict[str, Any]:
    """``expires_at``, ``opened_at`` (UTC ISO 8601), ``opened_by``, ``reason``; ``seconds_left`` with ``now``."""
    data: dict[str, Any] = {
        "expires_at": iso(window.expires_at),
        "opened_at": iso(window.opened_at) if window.opened_at else None,
        "opened_by": window.opened_by,
        "reason": window.reason,
    }
    if now is not None:
        data["seconds_left"] = window.seconds_left(now)
    return data
