"""The command-line interface: the top layer, which nothing else imports.

``ecs-exec`` and ``exec-window`` (entry points ``ecs_exec.cli:main`` / ``ecs_exec.cli:exec_window_main``)
are defined in :mod:`ecs_exec.cli.root`; one module per command area beside it.
"""

from ecs_exec.cli.root import exec_window_main, main

__all__ = ["exec_window_main", "main"]
