"""``ecs-exec check PATH``: checkov's built-ins plus our ECS Exec policy pack."""

from __future__ import annotations

import click


@click.command()
@click.argument("path", type=click.Path(), default="terraform/")
@click.option("--output", "-o", type=click.Choice(["table", "json", "sarif"]), default="table", show_default=True)
def check(path: str, output: str) -> None:
    """Run the policy checks on Terraform under PATH; exit 3 when anything fails."""
    raise NotImplementedError("check is not implemented yet")
