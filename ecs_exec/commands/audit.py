"""``ecs-exec audit``: who ran which exec session, and where is its transcript."""

from __future__ import annotations

import click

from ecs_exec.cli_common import env_options


@click.command()
@env_options(outputs=("table", "json", "csv"))
def audit(env: str | None, config: str | None, output: str) -> None:
    """Join CloudTrail ExecuteCommand events with session transcripts."""
    raise NotImplementedError("audit is not implemented yet")
