"""``ecs-exec preflight``: explain why ECS Exec would fail, before anyone tries."""

from __future__ import annotations

import click

from ecs_exec.cli_common import env_options


@click.command()
@env_options(outputs=("table", "json"))
def preflight(env: str | None, config: str | None, output: str) -> None:
    """Check a live target: PASS / WARN / FAIL per check with reason and fix."""
    raise NotImplementedError("preflight is not implemented yet")
