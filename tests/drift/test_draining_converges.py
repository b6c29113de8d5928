"""A DRAINING service with exec on: ``drift fix`` and ``exec-window sweep`` treat it the same way.

The live model's rule (README "The live model"): a DRAINING service is not active. Neither job
updates it (ECS refuses ``UpdateService`` on it); its running tasks that still allow exec are stopped
when ``--stop-tasks`` is on, and left (reported) otherwise. moto deletes a service straight to
INACTIVE, so ``DescribeServices`` answers it DRAINING through an ``after-call`` hook.
"""

from __future__ import annotations

from typing import Any

import pytest
from drift_support import NOW, Fleet

from reconciler.drift.model import Kind, Status
from reconciler.windows import sweep_windows


def _drain_api_with_exec_on(fleet: Fleet) -> str:
    """alpha/api: exec on, its task allows exec, answered as DRAINING. Returns the task ARN."""
    fleet.client("ecs").update_service(cluster="alpha", service="api", enableExecuteCommand=True)
    ecs = fleet.client("ecs")
    arns = ecs.list_tasks(cluster="alpha")["taskArns"]
    (task,) = [
        t["taskArn"]
        for t in ecs.describe_tasks(cluster="alpha", tasks=arns)["tasks"]
        if t["group"] == "service:api"
    ]
    fleet.exec_tasks.add(task)

    def draining(parsed: dict[str, Any], **_: Any) -> None:
        for svc in parsed.get("services", []):
            if svc.get("serviceName") == "api":
                svc["status"] = "DRAINING"

    fleet.session.events.register("after-call.ecs.DescribeServices", draining)
    return task


def _calls(fleet: Fleet, action: str) -> list[dict[str, Any]]:
    return [params for name, params in fleet.calls if name == action]


def _run(fleet: Fleet, job: str, stop_tasks: bool) -> None:
    if job == "drift fix":
        report = fleet.run(fix=True, stop_tasks=stop_tasks)
        (task,) = [o for o in report.outcomes if o.finding.kind is Kind.TASK]
        assert task.finding.note.startswith("service api is DRAINING")
        assert task.status is (Status.FIXED if stop_tasks else Status.SKIPPED)
        assert not [o for o in report.outcomes if o.finding.kind is Kind.SERVICE]
    else:
        report = sweep_windows(fleet.factory, fleet.spec, now=NOW, actor="arn:aws:iam::123456789012:user/ops",
                               stop_tasks=stop_tasks)  # fmt: skip
        assert report.failures == ()
        (result,) = report.results
        assert (result.cluster, result.service) == ("alpha", "api") and "DRAINING" in result.message


@pytest.mark.parametrize("stop_tasks", [True, False])
@pytest.mark.parametrize("job", ["drift fix", "sweep"])
def test_drift_fix_and_sweep_treat_a_draining_service_the_same(
    fleet: Fleet, job: str, stop_tasks: bool
) -> None:
    task = _drain_api_with_exec_on(fleet)
    _run(fleet, job, stop_tasks)
    updated = [p.get("service") for p in _calls(fleet, "ecs:UpdateService")]
    assert "api" not in updated  # ECS refuses UpdateService on a DRAINING service: never sent
    stopped = [p["task"] for p in _calls(fleet, "ecs:StopTask")]
    assert stopped == ([task] if stop_tasks else [])
