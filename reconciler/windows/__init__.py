"""Exec windows: open, extend, close, list and sweep time-boxed ECS Exec on one service.

State lives only in AWS (the service's tags, the schedule, the window-events log stream), so any
machine can list, extend, close or sweep. Modules, one job each:

- :mod:`.record`: the window as tags and as a window event (one writer, one parser each), status enums;
- :mod:`.facts`, :mod:`.schedule`, :mod:`.plan`: typed live facts, the closing schedule, pure decisions;
- :mod:`.aws`: the thin AWS layer (clients from an injected factory); :mod:`.identity`: who acts;
- :mod:`.open`, :mod:`.extend`, :mod:`.close`, :mod:`.sweep` (list and sweep): the operations, with
  :mod:`.steps`, :mod:`.waiter`, :mod:`.result`; :mod:`.permissions`: their IAM actions;
- :mod:`.report`: the ``--output json`` documents;
- ``ecs-exec shell``: :mod:`.shellrun` (one run), :mod:`.shell` / :mod:`.shellmodel` (the window it
  uses), :mod:`.twin` / :mod:`.twin_sweep` (twin mode), :mod:`.target` (service, waiting), :mod:`.pick`,
  :mod:`.session` (ExecuteCommand, the plugin's argv), :mod:`.plugin` (running it, signals),
  :mod:`.leave` (close on leave), :mod:`.transcript`.

The names below are the entry points the CLI and the drift fix use.
"""

from reconciler.windows.close import close_window, wait_until_closed
from reconciler.windows.extend import extend_window
from reconciler.windows.open import open_window, wait_for_exec_task
from reconciler.windows.permissions import (
    CLOSE_PERMISSIONS,
    EXTEND_PERMISSIONS,
    LIST_PERMISSIONS,
    OPEN_PERMISSIONS,
    PERMISSIONS,
    SHELL_PERMISSIONS,
    SWEEP_PERMISSIONS,
)
from reconciler.windows.result import WindowResult
from reconciler.windows.sweep import SweepFailure, SweepReport, WindowRow, list_windows, sweep_windows
from reconciler.windows.waiter import Waiter

__all__ = [
    "CLOSE_PERMISSIONS",
    "EXTEND_PERMISSIONS",
    "LIST_PERMISSIONS",
    "OPEN_PERMISSIONS",
    "PERMISSIONS",
    "SHELL_PERMISSIONS",
    "SWEEP_PERMISSIONS",
    "SweepFailure",
    "SweepReport",
    "Waiter",
    "WindowResult",
    "WindowRow",
    "close_window",
    "extend_window",
    "list_windows",
    "open_window",
    "sweep_windows",
    "wait_for_exec_task",
    "wait_until_closed",
]
