"""``ecs-exec render`` and ``ecs-exec schema``."""

from __future__ import annotations


import click

from ecs_exec.cli_common import env_options
from ecs_exec.output import emit_json


@click.command()
@env_options(outputs=("table", "json"))
def render(env: str | None, config: str | None, output: str) -> None:
    """Render config/<env>.yaml into terraform/envs/<env>/ (and terraform/modules/)."""
    raise NotImplementedError("render is not implemented yet")


@click.command()
def schema() -> None:
    """Print the JSON Schema of config/<env>.yaml."""
    from generator.spec import EnvironmentSpec

    emit_json(EnvironmentSpec.model_json_schema())
