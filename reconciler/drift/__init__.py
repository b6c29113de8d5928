"""Drift: compare live clusters, exec log groups, services and tasks with the desired state, and fix.

- :mod:`~reconciler.drift.readers` — declared readers (API, id field, batch size, permissions);
- :mod:`~reconciler.drift.model` — immutable records (live state, findings, outcomes);
- :mod:`~reconciler.drift.diff` — the pure comparison;
- :mod:`~reconciler.drift.fix` — actions that send only what differs;
- :mod:`~reconciler.drift.engine` — fleet reads and the bounded per-cluster pool;
- :mod:`~reconciler.drift.report` — rows, JSON and the exit code.
"""

from __future__ import annotations

from reconciler.drift import fix, readers

#: Every IAM action ``drift check`` and ``drift fix`` need (the generator's drift role must allow them).
PERMISSIONS: tuple[str, ...] = tuple(
    sorted(set(readers.PERMISSIONS) | set(fix.PERMISSIONS) | set(fix.CLOSE_WINDOW_PERMISSIONS))
)
