"""``ecs-exec window ...`` / ``exec-window ...``: open, extend, close, list, sweep."""

from __future__ import annotations

from ecs_exec.cli_common import subcommand_group


@subcommand_group()
def window() -> None:
    """Time-boxed ECS Exec windows on one service."""
