"""The ``ecs-exec`` root command and the ``exec-window`` shortcut.

Subcommands live one area per module in :mod:`ecs_exec.cli`; each imports its heavy
dependencies (checkov, terraform, boto3) inside the command, so ``--help`` stays fast.
"""

from __future__ import annotations

import click

from ecs_exec import DISTRIBUTION
from ecs_exec.cli import access, audit, check, drift, preflight, render, shell, terraform, window
from ecs_exec.cli.common import OperatorGroup, setup_logging

EPILOG = """Exit codes: 0 ok / in sync, 1 unexpected error, 2 usage error, 3 drift or policy
violation found, 4 invalid config or option value, 5 AWS or credentials error,
6 partial failure, 7 --wait timed out, 130 interrupted."""


@click.group(cls=OperatorGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION, prog_name="ecs-exec")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
def main(verbose: bool) -> None:
    """Policy operator for Amazon ECS Exec: render Terraform, check policy, find drift,
    open time-boxed exec windows, audit sessions, and explain why exec would fail."""
    setup_logging(verbose)


main.add_command(render.render)
main.add_command(render.schema)
main.add_command(terraform.plan)
main.add_command(terraform.apply)
main.add_command(check.check)
main.add_command(drift.drift)
main.add_command(window.window)
main.add_command(audit.audit)
main.add_command(preflight.preflight)
main.add_command(access.access)
main.add_command(shell.shell)
window.window.add_command(shell.shell)  # also `exec-window shell` / `ecs-exec window shell`


@click.group(
    cls=OperatorGroup,
    epilog=EPILOG,
    commands=window.window.commands,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name=DISTRIBUTION, prog_name="exec-window")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
def exec_window_main(verbose: bool) -> None:
    """Time-boxed ECS Exec windows (same as `ecs-exec window ...`): open, extend, close, list, sweep, shell."""
    setup_logging(verbose)
