"""``ecs-exec drift check|fix``: compare the live account with the desired state, and correct it.

Exit codes: 0 in sync (``fix``: everything it found was fixed), 3 drift found / left unfixed,
4 invalid config or option value, 5 AWS or credentials error (wrong account, no credentials, every
cluster failed), 6 some clusters failed (wins over 3). Unmanaged clusters never change it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ecs_exec.cli.common import (
    WholeNumber,
    env_options,
    run_exit,
    stop_tasks_default,
    stop_tasks_option,
    subcommand_group,
)

if TYPE_CHECKING:
    from ecs_exec.pacing import Pacer

#: ``sts:GetCallerIdentity`` (account check) needs no IAM grant; the rest is reconciler.drift.PERMISSIONS.
PERMISSIONS: tuple[str, ...] = ("sts:GetCallerIdentity",)

MAX_CONCURRENCY = 64
log = logging.getLogger("ecs_exec.drift")


def _concurrency_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--concurrency",
        type=WholeNumber(1, MAX_CONCURRENCY),
        default=8,
        show_default=True,
        help=f"Clusters read (and fixed) at once, 1-{MAX_CONCURRENCY}.",
    )(fn)


def _progress(total: int, pacer: Pacer) -> Callable[[int, int], None] | None:
    """Progress on stderr every 10% for fleets of 10 clusters or more; a line says
    ``waiting for ECS request quota`` when calls waited for the request quota since the last one."""
    from ecs_exec.pacing import quota_note

    if total < 10:
        return None
    step = max(1, total // 10)
    last = [pacer.stats()]

    def report(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            now = pacer.stats()
            note = quota_note(last[0], now)
            last[0] = now
            click.echo(f"drift: {done}/{total} clusters" + (f", {note}" if note else ""), err=True)

    return report


def _run(
    env: str | None,
    config: str | None,
    output: str,
    concurrency: int,
    fix: bool,
    dry_run: bool = False,
    stop_tasks: bool | None = None,
) -> None:
    from ecs_exec.aws import ClientFactory, verify_account
    from ecs_exec.cli.output import Document, Table, emit
    from ecs_exec.clock import utcnow
    from generator.loader import load_config
    from reconciler.drift.engine import RunOptions, run_drift
    from reconciler.drift.fix import FixOptions
    from reconciler.drift.report import (
        TABLE_COLUMNS,
        exit_code,
        missing_clusters,
        summary_line,
        table_rows,
        to_json,
    )

    spec = load_config(env, config)
    factory = ClientFactory(
        spec.region, max_pool_connections=max(20, 2 * concurrency), rate_limits=spec.api_rate_limits
    )
    identity = verify_account(factory, spec.account_id)
    fix_options = FixOptions(dry_run=dry_run, stop_tasks=stop_tasks_default(stop_tasks, spec.production))
    options = RunOptions(fix=fix, fix_options=fix_options, concurrency=concurrency)
    report = run_drift(
        spec,
        factory,
        utcnow(),
        options,
        progress=_progress(len(spec.clusters), factory.pacer),
        actor=identity["Arn"],
    )
    for err in report.errors:
        click.echo(f"drift: cluster {err.cluster}: {err.operation} failed: {err.message}", err=True)
    data = to_json(report)
    body = {k: v for k, v in data.items() if k not in ("schema_version", "command", "environment")}
    tables = [
        Table(table_rows(report), TABLE_COLUMNS),
        Table([{"unmanaged_cluster": arn} for arn in report.unmanaged], ["unmanaged_cluster"]),
    ]
    emit(output, Document(data["command"], data["environment"], body, data["schema_version"], tables))
    click.echo(f"drift {report.command} {spec.environment}: {summary_line(report)}", err=True)
    if spec.clusters and len(missing_clusters(report)) == len(spec.clusters):
        n = len(spec.clusters)
        which = (
            "the configured cluster does not exist"
            if n == 1
            else f"none of the {n} configured clusters exists"
        )
        click.echo(
            f"drift: {which} in account "
            f"{spec.account_id} ({spec.region}): nothing applied yet? run make apply ENV={spec.environment}",
            err=True,
        )
    run_exit(exit_code(report))


@subcommand_group()
def drift() -> None:
    """Compare the live account with the desired state (check) and correct it (fix)."""


@drift.command("check")
@env_options(outputs=("table", "json"))
@_concurrency_option
def drift_check(env: str | None, config: str | None, output: str, concurrency: int) -> None:
    """Report drift of clusters, exec log groups, services and running tasks; exit 3 when anything differs."""
    _run(env, config, output, concurrency, fix=False)


@drift.command("fix")
@env_options(outputs=("table", "json"))
@_concurrency_option
@click.option("--dry-run", is_flag=True, help="Log the actions with before/after values; change nothing.")
@stop_tasks_option
def drift_fix(
    env: str | None, config: str | None, output: str, concurrency: int, dry_run: bool, stop_tasks: bool | None
) -> None:
    """Correct what differs (only that); exit 0 once everything found is fixed, 3 when some is left."""
    _run(env, config, output, concurrency, fix=True, dry_run=dry_run, stop_tasks=stop_tasks)
