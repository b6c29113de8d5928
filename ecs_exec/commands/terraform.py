"""``ecs-exec plan`` and ``ecs-exec apply``."""

from __future__ import annotations

import click

from ecs_exec.cli_common import env_options


@click.command()
@env_options(outputs=("table", "json"))
def plan(env: str | None, config: str | None, output: str) -> None:
    """Render, terraform fmt -check, checkov, terraform init + plan; summary and build/<env>/plan.json."""
    raise NotImplementedError("plan is not implemented yet")


@click.command()
@env_options(outputs=("table", "json"))
def apply(env: str | None, config: str | None, output: str) -> None:
    """Apply the saved plan when it is fresh; plan first when there is none."""
    raise NotImplementedError("apply is not implemented yet")
