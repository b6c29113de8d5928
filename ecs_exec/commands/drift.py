"""``ecs-exec drift check|fix``."""

from __future__ import annotations

import click

from ecs_exec.cli_common import env_options, subcommand_group


@subcommand_group()
def drift() -> None:
    """Compare the live account with the desired state (check) and correct it (fix)."""


@drift.command("check")
@env_options(outputs=("table", "json"))
def drift_check(env: str | None, config: str | None, output: str) -> None:
    """Report drift; exit 3 when anything differs."""
    raise NotImplementedError("drift check is not implemented yet")
