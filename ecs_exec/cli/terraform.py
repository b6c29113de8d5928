"""``ecs-exec plan`` and ``ecs-exec apply`` (the pipelines live in :mod:`tfrunner.pipeline`)."""

from __future__ import annotations

from typing import Any

import click

from ecs_exec.cli.common import env_options
from ecs_exec.cli.output import Document, emit


def _echo_summary(command: str, data: dict[str, object], line: str, output: str) -> None:
    """``-o json``: the result in the shared envelope; else Terraform's summary line."""
    if output == "json":
        body = {k: v for k, v in data.items() if k not in ("schema_version", "environment")}
        version = data["schema_version"]
        assert isinstance(version, int)
        emit("json", Document(command, str(data["environment"]), body, version))
    else:
        click.echo(line)


def _skip_checks_option(fn: Any) -> Any:
    return click.option(
        "--skip-checks",
        is_flag=True,
        help="Do not run checkov and our ECSX_ checks (e.g. without the [check] extra); "
        "the summary line then says so.",
    )(fn)


@click.command()
@env_options(outputs=("table", "json"))
@_skip_checks_option
def plan(env: str | None, config: str | None, output: str, skip_checks: bool) -> None:
    """Render, terraform fmt -check, checkov, terraform init + plan; summary and build/<env>/plan.json.

    Exits 0 with or without changes; 3 on a fmt or checkov finding; 4 on a bad config or without
    checkov (pip install 'ecs-exec-operator[check]', or --skip-checks); 5 when the
    credentials are of another account than the config's account_id; 1 when terraform itself failed
    (its first Error: lines are shown).
    Against a moto server (AWS_ENDPOINT_URL) the state is local, under build/<env>/.
    """
    from tfrunner import pipeline as tf_flow

    target = tf_flow.load_target(env, config)
    settings = tf_flow.Settings.from_environment(target.env, skip_checks=skip_checks)
    result = tf_flow.plan_env(target, settings)
    _echo_summary("plan", result.as_dict(), result.summary_line(), output)


@click.command()
@env_options(outputs=("table", "json"))
@click.option("--dry-run", is_flag=True, help="Plan if needed and show what would be applied; apply nothing.")
@_skip_checks_option
def apply(env: str | None, config: str | None, output: str, dry_run: bool, skip_checks: bool) -> None:
    """Apply the saved plan when it is fresh; plan first when there is none or it is stale.

    A plan is fresh while the rendered tree, the config file and AWS_ENDPOINT_URL are unchanged;
    Terraform itself refuses a plan whose state moved (then this plans again, once). A plan saved
    with --skip-checks is planned again (with the checks) unless apply has --skip-checks too.
    """
    from tfrunner import pipeline as tf_flow

    target = tf_flow.load_target(env, config)
    settings = tf_flow.Settings.from_environment(target.env, skip_checks=skip_checks)
    result = tf_flow.apply_env(target, settings, dry_run=dry_run)
    _echo_summary(
        "apply", {**result.as_dict(), "dry_run": dry_run}, result.summary_line(dry_run=dry_run), output
    )
