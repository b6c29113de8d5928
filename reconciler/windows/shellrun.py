"""One ``ecs-exec shell`` run after its options and preflight were checked: window, wait, session, leave.

The terminal is injected (``progress`` lines, ``choose`` a task when several qualify), so this runs
the same under a test. Order: open or reuse the window -> wait for a qualifying task -> ECS
``ExecuteCommand`` as the caller (``base``) -> ``session-manager-plugin`` -> close on leave (shielded
from further signals) -> wait for the transcript. Anything that ends the run early (Ctrl-C, SIGTERM,
SIGHUP, a wait that ran out, an AWS error) still closes what this run opened, then propagates.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecs_exec.aws import ClientFactory
from ecs_exec.clock import iso, utcnow
from ecs_exec.errors import OperatorError, ToolMissingError
from generator.spec import EnvironmentSpec
from reconciler.preflight.tools import PLUGIN_INSTALL_HINT
from reconciler.windows import session as sessions
from reconciler.windows.identity import Actor
from reconciler.windows.leave import decide_leave
from reconciler.windows.pick import ShellTask, pick_task
from reconciler.windows.plugin import Left, leave_on_signals, run_plugin, shielded
from reconciler.windows.record import ResultStatus
from reconciler.windows.shell import close_for_shell, open_for_shell
from reconciler.windows.shellmodel import ShellMode, ShellWindow
from reconciler.windows.target import ServiceView, group_tasks, wait_for_shell_tasks
from reconciler.windows.transcript import Transcript, TranscriptStatus, wait_for_transcript
from reconciler.windows.twin import entry_point_warning
from reconciler.windows.waiter import Waiter

#: Seconds between two polls while waiting for a task or a transcript.
POLL_SECONDS = 2.0


@dataclass
class ShellOutcome:
    """What a shell run did (``to_dict`` is the ``-o json`` body)."""

    cluster: str
    service: str
    mode: ShellMode
    container: str
    command: str
    used: ShellWindow | None = None
    task_arn: str | None = None
    session_id: str | None = None
    command_line: str | None = None
    plugin_exit_code: int | None = None
    signal: int | None = None
    closed: bool = False
    left: str = ""
    transcript: Transcript = field(default_factory=lambda: Transcript(TranscriptStatus.SKIPPED))

    @property
    def exit_code(self) -> int:
        """128 + signal number when SIGTERM/SIGHUP ended it, else the plugin's own status (0 without one)."""
        if self.signal is not None:
            return 128 + self.signal
        return self.plugin_exit_code or 0

    def to_dict(self) -> dict[str, Any]:
        used = self.used
        window = None
        if used is not None:
            window = {
                "status": used.status.value,
                "message": used.message,
                "window_id": used.window_id,
                "opened_here": used.opened_here,
                "opened_by": used.window.opened_by if used.window else None,
                "expires_at": iso(used.window.expires_at) if used.window else None,
                "twin_task_arns": list(used.task_arns),
            }
        return {
            "cluster": self.cluster,
            "service": self.service,
            "mode": self.mode.value,
            "container": self.container,
            "remote_command": self.command,
            "task_arn": self.task_arn,
            "session_id": self.session_id,
            "command_line": self.command_line,
            "plugin_exit_code": self.plugin_exit_code,
            "signal": None if self.signal is None else Left(self.signal).args[0],
            "window": window,
            "left": {"closed": self.closed, "message": self.left},
            "transcript": self.transcript.to_dict(),
            "exit_code": self.exit_code,
        }


@dataclass
class ShellRun:
    """One shell run (see the module docstring). ``base``: the caller's clients; ``factory``: the
    exec-window role's; ``choose``: asks for a task when several qualify (None: take the newest)."""

    spec: EnvironmentSpec
    base: ClientFactory
    factory: ClientFactory
    actor: Actor
    view: ServiceView
    mode: ShellMode
    container: str
    command: str
    minutes: int
    reason: str
    keep_open: bool
    wait_timeout: int
    transcript_wait: int
    now: datetime
    progress: Callable[[str], None]
    choose: Callable[[list[ShellTask]], ShellTask] | None = None
    task: str | None = None
    print_command: bool = False

    def run(self) -> ShellOutcome:
        """Run it. Raises what ended it early (after closing what it opened); :class:`Left` is an outcome."""
        out = ShellOutcome(self.view.cluster, self.view.service, self.mode, self.container, self.command)
        error: BaseException | None = None
        with leave_on_signals():
            try:
                self._session(out)
            except Left as exc:
                out.signal = exc.signum
                self.progress(f"{exc.args[0]}: ending the shell")
            except BaseException as exc:  # noqa: BLE001 - re-raised below, after leaving
                error = exc
            with shielded():
                self._leave(out)
            if error is not None:
                raise error
            try:
                self._transcript(out)
            except Left as exc:
                out.signal = out.signal or exc.signum
        return out

    def _session(self, out: ShellOutcome) -> None:
        if self.mode is ShellMode.TWIN:
            defs = {d.name: d for d in self.view.containers}
            warning = entry_point_warning(defs[self.container]) if self.container in defs else None
            if warning:
                self.progress(f"warning: {warning}")
        out.used = used = open_for_shell(
            self.factory, self.spec, self.view, self.mode, minutes=self.minutes, reason=self.reason,
            actor=self.actor, now=self.now, container=self.container,
        )  # fmt: skip
        self.progress(used.message)
        waiter = Waiter(
            timeout_seconds=float(self.wait_timeout), interval_seconds=POLL_SECONDS, progress=self.progress
        )
        tasks = wait_for_shell_tasks(
            self.factory, self.view.cluster, used.group, self.container, waiter, started_by=used.started_by,
            window=used.window, now=utcnow(), task_arns=used.task_arns,
        )  # fmt: skip
        chosen = pick_task(tasks, self.task)
        if chosen is None:  # pragma: no cover - the waiter returns only when some qualify
            raise OperatorError("no task qualifies")
        if self.task is None and self.choose is not None and len(tasks) > 1:
            chosen = self.choose(tasks)
        out.task_arn = chosen.task_arn
        out.command_line = sessions.execute_command_line(
            self.view.cluster, chosen.task_arn, self.container, self.spec.region, self.command
        )
        if self.print_command:
            return
        plugin = shutil.which(sessions.PLUGIN)
        if plugin is None:
            raise ToolMissingError(f"{sessions.PLUGIN} not found on PATH", hint=PLUGIN_INSTALL_HINT)
        started = sessions.execute_command(
            self.base, self.view.cluster, chosen.task_arn, self.container, self.command
        )
        out.session_id = started.session_id
        region, endpoint = sessions.endpoint_of(self.base)
        argv = sessions.plugin_argv(plugin, started, region, endpoint, sessions.current_profile())
        self.progress(
            f"session {started.session_id}: {self.command} in {self.container} of task {chosen.task_id} "
            "(Ctrl-C, Ctrl-\\ and Ctrl-Z go to the remote shell)"
        )
        out.plugin_exit_code = run_plugin(argv)

    def _task_ids(self, used: ShellWindow) -> Sequence[str]:
        if used.task_arns:
            return [a.rsplit("/", 1)[-1] for a in used.task_arns]
        tasks = group_tasks(self.factory, self.view.cluster, used.group)
        return [str(t["taskArn"]).rsplit("/", 1)[-1] for t in tasks if t.get("enableExecuteCommand")]

    def _leave(self, out: ShellOutcome) -> None:
        used = out.used
        if used is None or used.status in (ResultStatus.NOT_NEEDED, ResultStatus.PLANNED):
            out.left = "no window to close" if used is None else "exec is always on here: nothing to close"
            return
        try:
            decision = decide_leave(
                self.factory, opened_here=used.opened_here, keep_open=self.keep_open, cluster=self.view.cluster,
                task_ids=self._task_ids(used) if used.opened_here and not self.keep_open else (),
                own_session_id=out.session_id, opened_by=used.window.opened_by if used.window else "",
            )  # fmt: skip
            if not decision.close:
                out.left = f"window left open: {decision.reason}"
            else:
                message = close_for_shell(
                    self.factory, self.spec, self.view, used, actor=self.actor,
                    reason=f"shell ended: {self.reason}", now=utcnow(),
                )  # fmt: skip
                out.closed, out.left = True, f"{message} ({decision.reason})"
        except OperatorError as exc:
            out.left = f"could not close the window ({exc.message}): its schedule closes it at expiry"
        self.progress(out.left)

    def _transcript(self, out: ShellOutcome) -> None:
        if out.session_id is None or self.transcript_wait <= 0:
            return
        waiter = Waiter(timeout_seconds=float(self.transcript_wait), interval_seconds=POLL_SECONDS)
        found = wait_for_transcript(
            self.factory, self.view.cluster, out.session_id, waiter, self.progress, s3_factory=self.base
        )
        out.transcript = found
        if found.not_checked:
            self.progress(f"transcript: not checked: {'; '.join(found.not_checked)}")
        if found.status is TranscriptStatus.FOUND:
            self.progress(f"transcript: {'; '.join(found.found)}")
        elif found.status in (TranscriptStatus.MISSING, TranscriptStatus.PARTIAL):
            where = "; ".join(found.found) or "nowhere"
            self.progress(
                f"warning: no complete transcript of session {out.session_id} after {self.transcript_wait}s "
                f"(found: {where}); likely causes, in order: " + "; ".join(found.causes)
            )
        else:
            self.progress(f"warning: transcript {found.status.value}: {found.detail}")
