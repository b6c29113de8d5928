"""``ecs-exec window ...`` / ``exec-window ...``: open, extend, close, list, sweep.

Option values (minutes, reason, cluster in the config, wait timeout) are checked before any AWS
call (exit 4). Then the commands run as the exec-window role (see
:mod:`reconciler.windows.identity`); ``--no-assume-role`` (or ``ECS_EXEC_ASSUME_ROLE=0``) uses the
caller's credentials as they are, for local environments and tests. Data goes to stdout, progress
to stderr.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ecs_exec.cli.common import (
    WHOLE_NUMBER,
    cluster_option,
    env_options,
    stop_tasks_default,
    stop_tasks_option,
    subcommand_group,
)
from ecs_exec.cli.output import emit_json, emit_table, info
from ecs_exec.cli.window_options import check_minutes, check_reason, check_service, check_timeout
from ecs_exec.errors import PartialFailureError

if TYPE_CHECKING:
    from ecs_exec.aws import ClientFactory
    from generator.spec import EnvironmentSpec
    from reconciler.windows import Waiter, WindowResult
    from reconciler.windows.identity import Actor

F = TypeVar("F", bound=Callable[..., Any])


@subcommand_group()
def window() -> None:
    """Time-boxed ECS Exec windows on one service: open, extend, close, list, sweep."""


# ---- shared options ----


def _target_options(fn: F) -> F:
    fn = click.option(
        "--service", "service", required=True, help="ECS service name (need not be in the config)."
    )(fn)
    fn = cluster_option(required=True, help="ECS cluster name (must be in the config).")(fn)
    return fn


def _wait_options(fn: F) -> F:
    fn = click.option(
        "--wait-timeout",
        "wait_timeout",
        type=WHOLE_NUMBER,
        default=600,
        show_default=True,
        help="Seconds to wait before giving up (exit 7); open also stops waiting at the window's expiry.",
    )(fn)
    fn = click.option(
        "--wait/--no-wait", "wait", default=True, show_default=True, help="Wait for the tasks."
    )(fn)
    return fn


def _change_options(fn: F) -> F:
    fn = click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")(fn)
    fn = click.option(
        "--assume-role/--no-assume-role",
        "assume_role",
        default=True,
        show_default=True,
        envvar="ECS_EXEC_ASSUME_ROLE",
        help="Run as the exec-window role of the config (skip for local environments / when already it).",
    )(fn)
    return fn


def _load(env: str | None, config: str | None) -> EnvironmentSpec:
    from generator.loader import load_config

    return load_config(env, config)


def _connect(spec: EnvironmentSpec, assume_role: bool) -> tuple[ClientFactory, Actor]:
    from ecs_exec.aws import ClientFactory
    from reconciler.windows.identity import window_session

    return window_session(
        ClientFactory(spec.region, rate_limits=spec.api_rate_limits), spec, assume_role=assume_role
    )


def _now() -> datetime:
    from ecs_exec.clock import utcnow

    return utcnow()


class _StatusLine:
    """Progress on stderr: on a terminal one line rewritten in place, elsewhere (logs, CI) one line each."""

    def __init__(self) -> None:
        self.stream = sys.stderr
        self.tty = self.stream.isatty()
        self.dirty = False

    def __call__(self, message: str) -> None:
        if not self.tty:
            info(message)
            return
        self.stream.write("\r\x1b[K" + message)  # carriage return + erase line: rewrite in place
        self.stream.flush()
        self.dirty = True

    def end(self) -> None:
        """Finish the rewritten line so that what follows starts on a line of its own."""
        if self.dirty:
            self.stream.write("\n")
            self.stream.flush()
            self.dirty = False


@contextlib.contextmanager
def _waiter(timeout: int) -> Iterator[Waiter]:
    """A waiter of ``timeout`` seconds printing progress on change or every 30 s (every poll on a TTY)."""
    from reconciler.windows import Waiter

    line = _StatusLine()
    try:
        yield Waiter(
            timeout_seconds=float(timeout), progress=line, progress_every_seconds=5.0 if line.tty else 30.0
        )
    finally:
        line.end()


def _emit_result(
    command: str, spec: EnvironmentSpec, result: WindowResult, output: str, now: datetime
) -> None:
    from reconciler.windows.report import result_document

    info(result.message)
    if output == "json":
        emit_json(result_document(command, spec.environment, result, now))
        return
    data = result.to_dict(now)
    keys = (
        "status",
        "cluster",
        "service",
        "window_id",
        "opened_by",
        "reason",
        "opened_at",
        "expires_at",
        "seconds_left",
    )
    rows = [{"field": k, "value": data[k]} for k in keys if data.get(k) not in (None, "")]
    if result.actions:
        rows.append({"field": "actions", "value": ", ".join(result.actions)})
    if result.stopped_tasks:
        rows.append({"field": "stopped_tasks", "value": ", ".join(result.stopped_tasks)})
    emit_table(rows, ("field", "value"))
    if result.command:
        click.echo(result.command)


# ---- commands ----


@window.command("open")
@env_options(outputs=("table", "json"))
@_target_options
@click.option(
    "--minutes",
    type=WHOLE_NUMBER,
    default=None,
    help="Window length (default: access.default_window_minutes).",
)
@click.option(
    "--reason", default=None, help="Why exec is needed (required; recorded in full in the window event)."
)
@_wait_options
@_change_options
def open_cmd(
    env: str | None,
    config: str | None,
    output: str,
    cluster: str,
    service: str,
    minutes: int | None,
    reason: str | None,
    wait: bool,
    wait_timeout: int,
    assume_role: bool,
    dry_run: bool,
) -> None:
    """Turn exec on for one service for --minutes; a schedule turns it off again.

    With --wait (default) wait until a task of the new deployment runs with exec and print the
    `aws ecs execute-command` line for it. Opening an open window says so and exits 0.
    """
    from reconciler.windows import open_window, wait_for_exec_task
    from reconciler.windows.plan import window_cluster

    spec = _load(env, config)
    text = check_reason(reason)
    length = check_minutes(
        minutes if minutes is not None else spec.access.default_window_minutes, spec.access.max_window_minutes
    )
    window_cluster(spec, cluster)
    service = check_service(service, cluster)
    check_timeout(wait_timeout)
    now = _now()
    factory, actor = _connect(spec, assume_role)
    result = open_window(
        factory, spec, cluster, service, minutes=length, reason=text, actor=actor, now=now, dry_run=dry_run
    )
    if result.status == "opened" and wait:
        with _waiter(wait_timeout) as waiter:
            result = wait_for_exec_task(factory, spec, result, waiter, now=now)
    _emit_result("open", spec, result, output, now)


@window.command("extend")
@env_options(outputs=("table", "json"))
@_target_options
@click.option(
    "--minutes",
    type=WHOLE_NUMBER,
    required=True,
    help="Minutes to add to the expiry (max counted from the opening).",
)
@_change_options
def extend_cmd(
    env: str | None,
    config: str | None,
    output: str,
    cluster: str,
    service: str,
    minutes: int,
    assume_role: bool,
    dry_run: bool,
) -> None:
    """Move an open window's expiry --minutes later (and its closing schedule)."""
    from reconciler.windows import extend_window
    from reconciler.windows.plan import window_cluster

    spec = _load(env, config)
    check_minutes(minutes, spec.access.max_window_minutes)
    window_cluster(spec, cluster)
    service = check_service(service, cluster)
    now = _now()
    factory, actor = _connect(spec, assume_role)
    result = extend_window(
        factory, spec, cluster, service, minutes=minutes, actor=actor, now=now, dry_run=dry_run
    )
    _emit_result("extend", spec, result, output, now)


@window.command("close")
@env_options(outputs=("table", "json"))
@_target_options
@click.option(
    "--reason", default="closed by operator", show_default=True, help="Recorded in the closed event."
)
@stop_tasks_option
@_wait_options
@_change_options
def close_cmd(
    env: str | None,
    config: str | None,
    output: str,
    cluster: str,
    service: str,
    reason: str,
    stop_tasks: bool | None,
    wait: bool,
    wait_timeout: int,
    assume_role: bool,
    dry_run: bool,
) -> None:
    """Turn exec off (new deployment), delete the schedule, remove the tags, record it.

    Closing a closed window changes nothing and exits 0. With --wait (default) wait until no
    running task of the service allows exec.
    """
    from generator.lookup import require_cluster
    from reconciler.windows import close_window, wait_until_closed

    spec = _load(env, config)
    text = check_reason(reason)
    require_cluster(spec, cluster)
    service = check_service(service, cluster)
    check_timeout(wait_timeout)
    now = _now()
    factory, actor = _connect(spec, assume_role)
    stop = stop_tasks_default(stop_tasks, spec.production)
    result = close_window(
        factory, spec, cluster, service, now=now, actor=actor, reason=text, stop_tasks=stop, dry_run=dry_run
    )
    if wait and not dry_run and result.status != "already-closed":
        with _waiter(wait_timeout) as waiter:
            wait_until_closed(factory, cluster, service, waiter)
    _emit_result("close", spec, result, output, now)


@window.command("list")
@env_options(outputs=("table", "json"))
@click.option(
    "--assume-role/--no-assume-role",
    "assume_role",
    default=True,
    show_default=True,
    envvar="ECS_EXEC_ASSUME_ROLE",
    help="Run as the exec-window role of the config.",
)
def list_cmd(env: str | None, config: str | None, output: str, assume_role: bool) -> None:
    """Windows recorded in the environment: who, why, expiry, time left (expired ones until swept)."""
    from reconciler.windows import list_windows
    from reconciler.windows.report import list_document

    spec = _load(env, config)
    now = _now()
    factory, _actor = _connect(spec, assume_role)
    windows = list_windows(factory, spec)
    rows = [r.to_dict(now) for r in windows]
    invalid = sum(1 for r in rows if r["state"] == "invalid")
    if invalid:
        info(f"{invalid} window(s) with unreadable or hand-edited tags: `exec-window sweep` closes them")
    if output == "json":
        emit_json(list_document(spec.environment, windows, now))
        return
    if not rows:
        info(f"no exec windows in environment {spec.environment}")
    emit_table(rows, ("cluster", "service", "state", "opened_by", "reason", "expires_at", "time_left"))


@window.command("sweep")
@env_options(outputs=("table", "json"))
@stop_tasks_option
@_change_options
def sweep_cmd(
    env: str | None,
    config: str | None,
    output: str,
    stop_tasks: bool | None,
    assume_role: bool,
    dry_run: bool,
) -> None:
    """Close every expired window and every service with exec on without a valid window.

    Run it from cron every few minutes. Exit 6 when some services could not be closed.
    """
    from reconciler.windows import sweep_windows
    from reconciler.windows.report import failure_rows, sweep_document

    spec = _load(env, config)
    now = _now()
    factory, actor = _connect(spec, assume_role)
    stop = stop_tasks_default(stop_tasks, spec.production)
    report = sweep_windows(factory, spec, now=now, actor=actor, stop_tasks=stop, dry_run=dry_run)
    rows = [
        {
            "cluster": r.cluster,
            "service": r.service,
            "status": r.status,
            "actions": ", ".join(r.actions),
            "message": r.message,
        }
        for r in report.results
    ]
    failures = failure_rows(report)
    if output == "json":
        emit_json(sweep_document(spec.environment, report, now))
    else:
        if not rows:
            info(f"sweep: nothing to close in environment {spec.environment}")
        emit_table(rows, ("cluster", "service", "status", "actions", "message"))
    for f in failures:
        info(f"sweep: {f['cluster']}/{f['service']}: {f['error']}")
    if failures:
        raise PartialFailureError(f"sweep: {len(failures)} service(s) could not be closed")
