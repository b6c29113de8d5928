"""Shared pieces of every subcommand: ``--env/--config/--output`` and error-to-exit-code handling.

Options follow the subcommand's own name (``ecs-exec drift check --env stg --output json``);
the allowed ``--output`` values are per command.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from ecs_exec.errors import ExitCode, OperatorError, exit_code_for

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("ecs_exec")


def _setenv(var: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """Option callback: a given value becomes ``$var`` for this process, so every layer (config
    loader, Terraform runner, boto3) follows the same setting; an absent option changes nothing."""

    def callback(_ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            os.environ[var] = str(value)

    return callback


def _complete_env(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of ``--env``: the environments of the config folder."""
    from generator.loader import available_envs

    return [e for e in available_envs() if e.startswith(incomplete)]


def complete_cluster(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of ``--cluster``: the clusters of the config chosen so far on the command line
    (``--env`` / ``--config`` / ``$ECS_EXEC_ENV``); nothing when there is none or it does not load."""
    from ecs_exec.errors import OperatorError
    from generator.loader import load_config

    try:
        spec = load_config(ctx.params.get("env"), ctx.params.get("config"))
    except OperatorError:
        return []
    return [c.name for c in spec.clusters if c.name.startswith(incomplete)]


def cluster_option(help: str, **kwargs: Any) -> Callable[[F], F]:
    """``--cluster NAME`` completed from the chosen config (:func:`complete_cluster`)."""
    return click.option("--cluster", shell_complete=complete_cluster, help=help, **kwargs)


#: ``--project-dir``: the project root for this run (see :mod:`generator.project`).
project_dir_option = click.option(
    "--project-dir",
    type=click.Path(file_okay=False),
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_setenv("ECS_EXEC_PROJECT_DIR"),
    help="Project root holding config/, terraform/, build/ and checkov-skips.yaml "
    "(default: $ECS_EXEC_PROJECT_DIR, else the nearest parent of the current directory with config/).",
)


def env_options(
    outputs: Sequence[str] = ("table", "json"), env_required: bool = True, aws: bool = True
) -> Callable[[F], F]:
    """Decorator adding ``--env``, ``--config``, ``--config-dir``, ``--project-dir``, ``--output``
    (choices ``outputs``, default the first) and, with ``aws``, ``--profile``.

    ``--project-dir`` / ``--config-dir`` / ``--profile`` set ``$ECS_EXEC_PROJECT_DIR`` /
    ``$ECS_EXEC_CONFIG_DIR`` / ``$AWS_PROFILE`` for the process (the rule is in
    :mod:`generator.project`)."""

    def decorate(fn: F) -> F:
        if aws:
            fn = click.option(
                "--profile",
                default=None,
                expose_value=False,
                is_eager=True,
                callback=_setenv("AWS_PROFILE"),
                help="AWS named profile (same as $AWS_PROFILE).",
            )(fn)
        fn = project_dir_option(fn)
        fn = click.option(
            "--config-dir",
            type=click.Path(file_okay=False),
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_setenv("ECS_EXEC_CONFIG_DIR"),
            help="Folder of <env>.yaml files (default: $ECS_EXEC_CONFIG_DIR, else <project>/config).",
        )(fn)
        fn = click.option(
            "--output",
            "-o",
            "output",
            type=click.Choice(list(outputs)),
            default=outputs[0],
            show_default=True,
            help="Output format (data goes to stdout, logs to stderr).",
        )(fn)
        fn = click.option(
            "--config",
            "config",
            type=click.Path(dir_okay=False),
            default=None,
            help="Desired-state file (default: config/<env>.yaml).",
        )(fn)
        fn = click.option(
            "--env",
            "env",
            default=None,
            envvar="ECS_EXEC_ENV",
            shell_complete=_complete_env,
            help="Environment name: config/<env>.yaml."
            + (" Required unless --config." if env_required else ""),
        )(fn)
        return fn

    return decorate


class WholeNumber(click.ParamType):
    """The one integer option type (``--minutes``, ``--wait-timeout``, ``--concurrency``, ...).

    A value that is not an integer reads "is not a whole number"; with ``min`` / ``max`` a value out of
    range reads "must be between MIN and MAX, got N". Exit 4 and one line come from
    :class:`OperatorGroup`, which maps every bad option value to it.
    """

    name = "integer"

    def __init__(self, min: int | None = None, max: int | None = None) -> None:  # noqa: A002 - click's words
        self.min, self.max = min, max

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise click.BadParameter(f"{value!r} is not a whole number", param=param) from None
        low = self.min if self.min is not None else number
        high = self.max if self.max is not None else number
        if not low <= number <= high:
            if self.min is not None and self.max is not None:
                raise click.BadParameter(
                    f"must be between {self.min} and {self.max}, got {number}", param=param
                )
            bound = f"at least {self.min}" if self.min is not None else f"at most {self.max}"
            raise click.BadParameter(f"must be {bound}, got {number}", param=param)
        return number


#: An integer option without bounds (the command checks its range and words the message itself).
WHOLE_NUMBER = WholeNumber()


def stop_tasks_option(fn: F) -> F:
    """``--stop-tasks/--no-stop-tasks`` of ``drift fix``, ``exec-window close`` and ``sweep``: one
    meaning (stop the running tasks that still allow exec once their service's exec is off) and one
    default (on when the config says ``production: true``, off otherwise; see :func:`stop_tasks_default`)."""
    return click.option(
        "--stop-tasks/--no-stop-tasks",
        "stop_tasks",
        default=None,
        help="Stop running tasks that still allow exec once their service's exec is off "
        "(default: on when the config says production: true, else off).",
    )(fn)


def stop_tasks_default(stop_tasks: bool | None, production: bool) -> bool:
    """The value of ``--stop-tasks``: as given, else the config's ``production``."""
    return production if stop_tasks is None else stop_tasks


def _print_error(exc: BaseException, prog: str) -> None:
    if isinstance(exc, OperatorError):
        msg = exc.message
        if exc.hint:
            msg += f" ({exc.hint})"
    else:
        from ecs_exec.aws import describe_error

        msg = describe_error(exc)
    click.echo(f"{prog}: error: {msg}", err=True)


class OperatorGroup(click.Group):
    """A click group that turns every exception into one stderr line and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.BadParameter as exc:
            if isinstance(exc, click.MissingParameter):
                raise  # a missing option stays click's usage error (exit 2)
            # An invalid option *value* (--output garbage, --concurrency abc): one line, exit 4 (README).
            opts = exc.param.opts if exc.param is not None else []
            name = opts[0] if opts else (exc.param_hint or "value")
            click.echo(f"{ctx.find_root().info_name}: error: {name}: {exc.message}", err=True)
            sys.exit(ExitCode.INVALID)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(f"{ctx.find_root().info_name}: interrupted", err=True)
            sys.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            sys.exit(ExitCode.OK)
        except Exception as exc:  # noqa: BLE001 - this is the one place errors become exit codes
            code = exit_code_for(exc)
            _print_error(exc, ctx.find_root().info_name or "ecs-exec")
            if code is ExitCode.ERROR and os.environ.get("ECS_EXEC_DEBUG"):
                raise
            if code is ExitCode.ERROR:
                log.debug("unexpected error", exc_info=exc)
            sys.exit(int(code))


def setup_logging(verbose: bool) -> None:
    """Log to stderr; ``-v`` shows debug lines."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    for noisy in ("botocore", "boto3", "urllib3", "checkov", "python_terraform"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def subcommand_group(fn: F | None = None, **kwargs: Any) -> Any:
    """``click.group`` with :class:`OperatorGroup`, for sub-groups (``drift``, ``window``)."""
    kwargs.setdefault("cls", OperatorGroup)
    return click.group(**kwargs)(fn) if fn else click.group(**kwargs)


def run_exit(code: int | ExitCode) -> None:
    """Exit with ``code`` (no-op for 0, so a command can just return)."""
    if int(code) != 0:
        sys.exit(int(code))
