"""``ecs-exec preflight``: explain why ECS Exec would fail on a target, before anyone tries.

Exit codes: 0 nothing FAILs (WARN and SKIP allowed), 3 any check FAILs, 4 invalid config or
option, cluster not in the config, or unknown cluster/service/task/container, 5 AWS or
credentials error.
"""

from __future__ import annotations

import shutil

import click

from ecs_exec.cli.common import cluster_option, env_options, run_exit


@click.command()
@env_options(outputs=("table", "json"))
@cluster_option(required=True, help="Cluster name (must be a cluster of the config).")
@click.option(
    "--service",
    default=None,
    help="Service name (need not be in the config); its newest running task is judged.",
)
@click.option("--task", default=None, help="Task id or ARN (instead of --service).")
@click.option("--container", default=None, help="Only judge this container.")
def preflight(
    env: str | None,
    config: str | None,
    output: str,
    cluster: str,
    service: str | None,
    task: str | None,
    container: str | None,
) -> None:
    """Check a live target: one line per check, PASS / WARN / FAIL / SKIP with the reason and the fix.

    \b
    ecs-exec preflight --env stg --cluster payments --service payments-api
    ecs-exec preflight --env stg --cluster payments --task 0123abcd... --container app --output json
    """
    from ecs_exec.aws import ClientFactory
    from ecs_exec.cli.output import Document, emit
    from ecs_exec.errors import InvalidValueError
    from generator.loader import load_config
    from reconciler.preflight.model import SCHEMA_VERSION
    from reconciler.preflight.runner import run_preflight
    from reconciler.preflight.table import render_table, table_width

    if (service is None) == (task is None):
        raise InvalidValueError("give exactly one of --service or --task")
    spec = load_config(env, config)
    report = run_preflight(
        spec,
        ClientFactory(spec.region, rate_limits=spec.api_rate_limits),
        cluster,
        service=service,
        task=task,
        container=container,
    )
    text = None
    if output == "table":
        text = render_table(report.results, table_width(shutil.get_terminal_size((100, 24)).columns))
    emit(output, Document("preflight", spec.environment, report.as_dict(), SCHEMA_VERSION, text=text))
    if output == "table":
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    summary = ", ".join(f"{n} {status}" for status, n in report.as_dict()["summary"].items() if n)
    click.echo(f"preflight {cluster}/{service or task}: {summary}", err=True)
    run_exit(report.exit_code)
