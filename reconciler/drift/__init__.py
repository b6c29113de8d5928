"""Drift: compare live clusters, exec log groups, services and tasks with the desired state, and fix.

- :mod:`reconciler.live` — the live model every job reads through (declared readers, live records);
- :mod:`~reconciler.drift.model` — immutable records (cluster state, findings, outcomes);
- :mod:`~reconciler.drift.diff` — the pure comparison;
- :mod:`~reconciler.drift.fix` — actions that send only what differs;
- :mod:`~reconciler.drift.engine` — fleet reads and the bounded per-cluster pool;
- :mod:`~reconciler.drift.report` — rows, JSON and the exit code.
"""

from __future__ import annotations

from reconciler import live
from reconciler.drift import fix

#: Every IAM action ``drift check`` and ``drift fix`` need (the generator's drift role must allow them).
PERMISSIONS: tuple[str, ...] = tuple(
    sorted(set(live.PERMISSIONS) | set(fix.PERMISSIONS) | set(fix.CLOSE_WINDOW_PERMISSIONS))
)
