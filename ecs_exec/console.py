"""Progress and log lines on stderr, never on stdout (which carries a command's data).

Part of the shared ground so that the Terraform runner and the jobs can report progress without
importing the CLI.
"""

from __future__ import annotations

import click


def info(message: str) -> None:
    """Write ``message`` as one line on stderr."""
    click.echo(message, err=True)
