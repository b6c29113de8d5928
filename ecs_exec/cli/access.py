"""``ecs-exec access report``: who in the account can turn exec on, open a shell, start an SSM
session into a task, or assume the exec roles; expected or not.

Exit codes: 0 nothing unexpected, 3 an unexpected principal, 4 invalid config or option,
5 AWS or credentials error.
"""

from __future__ import annotations

import click

from ecs_exec.cli.common import env_options, run_exit, subcommand_group


@subcommand_group()
def access() -> None:
    """Who can walk around the ECS Exec controls (access report)."""


@access.command()
@env_options(outputs=("table", "json"))
def report(env: str | None, config: str | None, output: str) -> None:
    """Every role and user that can turn exec on, ExecuteCommand into a configured cluster,
    ssm:StartSession into its tasks, or assume the window / operator / drift roles.

    \b
    ecs-exec access report --env stg
    ecs-exec access report --env prd -o json
    """
    from ecs_exec.aws import ClientFactory
    from ecs_exec.cli.output import Document, Table, emit
    from generator.loader import load_config
    from reconciler.access.capabilities import KINDS
    from reconciler.access.report import COMMAND, SCHEMA_VERSION, run_access_report

    spec = load_config(env, config)
    result = run_access_report(spec, ClientFactory(spec.region))
    table = Table(result.rows(), ["name", "type", "expected", *KINDS], header_when_empty=True)
    emit(output, Document(COMMAND, spec.environment, result.body(), SCHEMA_VERSION, tables=[table]))
    if output == "table":
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
    unexpected = sum(not p.expected for p in result.principals)
    click.echo(
        f"access report {spec.environment}: {len(result.principals)} principal(s) with access, "
        f"{unexpected} unexpected",
        err=True,
    )
    run_exit(result.exit_code)
