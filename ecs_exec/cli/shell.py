"""``ecs-exec shell`` / ``exec-window shell``: from "I need a shell" to a shell in one command.

Fast preflight -> open or reuse a window (``--mode redeploy``: exactly ``exec-window open``; ``--mode
twin``: one extra task, the service untouched) -> wait for a task with exec on -> pick task, container
and command -> ECS ``ExecuteCommand`` (the caller's own credentials) and ``session-manager-plugin`` with
the AWS CLI's argv -> on leave, close the window if this command opened it and no other session is
active -> wait for the transcript. Progress on stderr, the result on stdout.

Exit codes: 0, the plugin's own status when the session ended with an error, 3 preflight FAIL,
4 bad option / refusal (before any AWS change), 5 AWS, 7 the wait ran out, 129/143 SIGHUP/SIGTERM,
130 Ctrl-C before the session.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from ecs_exec.cli.common import WHOLE_NUMBER, env_options
from ecs_exec.cli.output import info
from ecs_exec.cli.window_options import (
    check_minutes,
    check_reason,
    check_service,
    check_timeout,
)
from ecs_exec.errors import FindingsError, InvalidValueError

if TYPE_CHECKING:
    from ecs_exec.aws import ClientFactory
    from generator.spec import EnvironmentSpec
    from reconciler.windows.pick import ShellTask
    from reconciler.windows.target import ServiceView


@click.command("shell")
@env_options(outputs=("table", "json"))
@click.option("--cluster", required=True, help="ECS cluster name (must be in the config).")
@click.option("--service", required=True, help="ECS service name (need not be in the config).")
@click.option("--reason", default=None, help="Why a shell is needed (required; recorded with the window).")
@click.option(
    "--container", default=None, help="Container (default: the config's, else the first essential)."
)
@click.option("--command", "command", default=None, help="Command to run (default: /bin/sh).")
@click.option("--task", default=None, help="Task id or ARN (default: ask on a terminal, else the newest).")
@click.option(
    "--minutes",
    type=WHOLE_NUMBER,
    default=None,
    help="Window length (default: access.default_window_minutes).",
)
@click.option("--keep-open", is_flag=True, help="Leave the window to its schedule when the shell ends.")
@click.option(
    "--mode",
    type=click.Choice(["redeploy", "twin"]),
    default="redeploy",
    show_default=True,
    help="redeploy: exec on for the service (new deployment); twin: one extra task, the service untouched.",
)
@click.option(
    "--wait-timeout",
    type=WHOLE_NUMBER,
    default=600,
    show_default=True,
    help="Seconds to wait for a task (exit 7).",
)
@click.option(
    "--transcript-wait",
    type=WHOLE_NUMBER,
    default=60,
    show_default=True,
    help="Seconds to wait for the session's transcript after it ends (0: do not wait).",
)
@click.option(
    "--no-input", is_flag=True, help="Never prompt, never require a terminal: take the newest task."
)
@click.option(
    "--print-command",
    is_flag=True,
    help="Print the `aws ecs execute-command` line instead of starting the session (the window stays open).",
)
@click.option(
    "--assume-role/--no-assume-role",
    "assume_role",
    default=True,
    show_default=True,
    envvar="ECS_EXEC_ASSUME_ROLE",
    help="Open the window as the exec-window role of the config (the session always runs as you).",
)
def shell(
    env: str | None,
    config: str | None,
    output: str,
    cluster: str,
    service: str,
    reason: str | None,
    container: str | None,
    command: str | None,
    task: str | None,
    minutes: int | None,
    keep_open: bool,
    mode: str,
    wait_timeout: int,
    transcript_wait: int,
    no_input: bool,
    print_command: bool,
    assume_role: bool,
) -> None:
    """Open a shell in a container of a service: window, wait, session; the window closes when you leave.

    \b
    ecs-exec shell --env stg --cluster payments --service api --reason "INC-1234"
    ecs-exec shell --env stg --cluster payments --service api --reason "INC-1234" --mode twin
    """
    from ecs_exec.aws import ClientFactory
    from ecs_exec.clock import utcnow
    from generator.loader import load_config
    from reconciler.windows.identity import window_session
    from reconciler.windows.pick import check_command, pick_container
    from reconciler.windows.plan import window_cluster
    from reconciler.windows.shellmodel import ShellMode
    from reconciler.windows.target import read_service

    spec = load_config(env, config)
    text = check_reason(reason)
    length = check_minutes(
        minutes if minutes is not None else spec.access.default_window_minutes, spec.access.max_window_minutes
    )
    cl = window_cluster(spec, cluster)
    service = check_service(service, cluster)
    check_timeout(wait_timeout)
    if transcript_wait < 0:
        raise InvalidValueError(f"--transcript-wait: must be 0 or more seconds, got {transcript_wait}")
    cmd = check_command(command)
    chosen_mode = ShellMode(mode)
    base = ClientFactory(spec.region)  # the caller's own credentials: the session runs as the person
    factory, actor = window_session(base, spec, assume_role=assume_role)
    view = read_service(factory, cluster, service)
    configured = next((s.containers for s in cl.services if s.name == service), [])
    target = pick_container(view.containers, container, configured, view.task_definition).name
    _check_mode(chosen_mode, view, cl.exec.mode.value)
    _preflight(spec, base, factory, cluster, service, target)

    from reconciler.windows.shellrun import ShellRun

    run = ShellRun(
        spec=spec, base=base, factory=factory, actor=actor, view=view, mode=chosen_mode, container=target,
        command=cmd, minutes=length, reason=text, keep_open=keep_open or print_command,
        wait_timeout=wait_timeout, transcript_wait=transcript_wait, now=utcnow(), progress=info,
        choose=None if no_input or not _interactive() else _choose, task=task,
        print_command=print_command,
    )  # fmt: skip
    outcome = run.run()
    if print_command and outcome.command_line:
        click.echo(outcome.command_line)
    _emit(output, spec, outcome.to_dict())
    code = outcome.exit_code
    if code:
        sys.exit(code)


def _check_mode(mode: Any, view: ServiceView, exec_mode: str) -> None:
    """``redeploy`` is refused for CODE_DEPLOY / EXTERNAL services (exit 4, hint: --mode twin)."""
    if mode.value == "redeploy" and exec_mode != "always" and view.deployment_controller != "ECS":
        raise InvalidValueError(
            f"--mode redeploy: service {view.cluster}/{view.service} uses the {view.deployment_controller} "
            "deployment controller, which cannot force a new deployment",
            hint="use --mode twin: one extra task with exec on, the service untouched",
        )


def _preflight(
    spec: EnvironmentSpec,
    base: ClientFactory,
    reader: ClientFactory,
    cluster: str,
    service: str,
    container: str,
) -> None:
    """The fast preflight (as the caller; the target read by ``reader``, the exec-window role); a FAIL
    exits 3 before anything changes, WARNs are printed."""
    from reconciler.preflight.shell import shell_preflight

    report = shell_preflight(spec, base, cluster, service, container, reader=reader)
    for result in report.results:
        if result.status in ("WARN", "FAIL"):
            fix = f" (fix: {result.fix})" if result.fix else ""
            info(f"preflight {result.status}: {result.id}: {result.reason}{fix}")
        elif result.status == "PASS" and result.id == "client.session-manager-plugin":
            info(f"preflight: {result.reason}")
    failed = [r.id for r in report.results if r.status == "FAIL"]
    if failed:
        raise FindingsError(f"preflight failed ({', '.join(failed)}): nothing was changed")


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _choose(tasks: list[ShellTask]) -> ShellTask:
    """A numbered list of the qualifying tasks on stderr and a prompt for one (the newest is 1)."""
    for i, t in enumerate(tasks, 1):
        info(f"  {i}) {t.task_id}  started {t.started_at or '?'}")
    picked = click.prompt("task", type=click.IntRange(1, len(tasks)), default=1, err=True)
    return tasks[int(picked) - 1]


def _emit(output: str, spec: EnvironmentSpec, body: dict[str, Any]) -> None:
    from ecs_exec.cli.output import Document, Table, emit

    rows = [
        {"field": k, "value": body[k]}
        for k in ("cluster", "service", "mode", "task_arn", "container", "session_id", "plugin_exit_code")
        if body.get(k) is not None
    ]
    window: dict[str, Any] = body.get("window") or {}
    rows += [{"field": f"window.{k}", "value": v} for k, v in window.items() if v not in (None, "")]
    rows.append({"field": "left", "value": body["left"]["message"]})
    transcript = body["transcript"]
    rows.append({"field": "transcript", "value": transcript["status"]})
    emit(output, Document("shell", spec.environment, body, 1, tables=(Table(rows, ("field", "value")),)))
