"""Ctrl-C during a run: clusters not started are cancelled, running ones make no further fix.

Before, leaving the thread pool waited for every queued cluster, so Ctrl-C on ``drift fix`` went on
reading and *fixing* the rest of the fleet before exiting 130.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from drift_support import NOW, Fleet, never_service_on, retention

from reconciler.drift.engine import RunOptions, run_drift
from reconciler.drift.fix import FixOptions


def test_interrupt_cancels_queued_clusters_and_stops_running_fixes(fleet: Fleet) -> None:
    never_service_on(fleet)  # beta: UpdateService would be sent
    retention(fleet)  # beta: PutRetentionPolicy would be sent
    stop = threading.Event()

    def hold_beta(params: dict[str, Any], **_: Any) -> None:
        # beta's job waits here until the run is interrupted (so it is running, and gamma queued).
        if "cluster/beta" in json.loads(params.get("body") or b"{}").get("cluster", ""):
            assert stop.wait(10), "the run was never interrupted"

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C in the main thread once alpha is done

    fleet.session.events.register("before-call.ecs.ListServices", hold_beta)
    with pytest.raises(KeyboardInterrupt):
        run_drift(
            fleet.spec,
            fleet.factory,
            NOW,
            RunOptions(fix=True, fix_options=FixOptions(stop_tasks=True), concurrency=1),
            progress=interrupt,
            stop=stop,
        )
    touched = {(name, str(p.get("cluster", p.get("logGroupName", "")))) for name, p in fleet.calls}
    assert not any("gamma" in target for _, target in touched), "a queued cluster was still read"
    writes = {name for name, _ in fleet.calls} & {
        "ecs:UpdateService",
        "logs:PutRetentionPolicy",
        "ecs:StopTask",
    }
    assert writes == set(), "a fix was sent after Ctrl-C"
