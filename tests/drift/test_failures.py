"""One cluster failing does not stop the others; throttling is absorbed by the real standard retry mode."""

from __future__ import annotations

import json
from typing import Any

from botocore.awsrequest import AWSResponse
from drift_support import NOW, Fleet, never_service_on, retention, windowed_on_without_window

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import ExitCode
from reconciler.drift.engine import RunOptions, run_drift
from reconciler.drift.model import Status
from reconciler.drift.report import exit_code, to_json


class _Raw:
    """The ``raw`` of an AWSResponse: something with ``stream()``."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _mentions(params: dict[str, Any], cluster: str) -> bool:
    return (
        f"cluster/{cluster}" in (params.get("body") or b"").decode()
        or f'"{cluster}"' in (params.get("body") or b"").decode()
    )


def deny_cluster(fleet: Fleet, cluster: str) -> None:
    """A before-call hook answering AccessDeniedException to every ECS call about ``cluster``."""

    def deny(model: Any, params: dict[str, Any], **_: Any) -> Any:
        if _mentions(params, cluster):
            error = {"Code": "AccessDeniedException", "Message": f"not authorized on cluster/{cluster}"}
            return AWSResponse("https://ecs", 400, {}, _Raw(b"")), {
                "Error": error,
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    fleet.session.events.register("before-call.ecs", deny)


def throttle(fleet: Fleet, operation: str, cluster: str, times: int) -> list[int]:
    """A before-send hook answering HTTP 400 ThrottlingException ``times`` times; returns the hit counter."""
    hits = [0]

    def send(request: Any, **_: Any) -> Any:
        if hits[0] >= times or f"cluster/{cluster}" not in (request.body or b"").decode():
            return None
        hits[0] += 1
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body))

    fleet.session.events.register_first(f"before-send.ecs.{operation}", send)
    return hits


def test_access_denied_on_one_cluster_others_checked_and_fixed(fleet: Fleet) -> None:
    windowed_on_without_window(fleet)  # alpha
    never_service_on(fleet)  # beta (denied)
    retention(fleet)  # beta's log group: Logs still reachable, but beta's ECS is not
    deny_cluster(fleet, "beta")
    report = fleet.run(fix=True)
    alpha = next(r for r in report.results if r.name == "alpha")
    beta = next(r for r in report.results if r.name == "beta")
    assert [o.status for o in alpha.outcomes] == [Status.FIXED]
    assert [e.code for e in beta.errors] == ["AccessDeniedException"]
    assert exit_code(report) is ExitCode.PARTIAL
    doc = to_json(report)
    assert doc["exit_code"] == 6 and doc["errors"][0]["cluster"] == "beta"
    # alpha and gamma were still described (one by one after the batch failed) and alpha was fixed.
    assert any(n == "ecs:UpdateService" and p["cluster"].endswith("alpha") for n, p in fleet.calls)


def test_partial_failure_wins_over_drift(fleet: Fleet) -> None:
    windowed_on_without_window(fleet)
    deny_cluster(fleet, "gamma")
    report = fleet.run()
    assert exit_code(report) is ExitCode.PARTIAL
    assert [o.finding.cluster for o in report.outcomes] == ["alpha"]


def test_every_cluster_failing_is_an_aws_error(fleet: Fleet) -> None:
    for name in ("alpha", "beta", "gamma"):
        deny_cluster(fleet, name)
    assert exit_code(fleet.run()) is ExitCode.AWS


def test_throttled_call_succeeds_on_retry(fleet: Fleet) -> None:
    never_service_on(fleet)
    hits = throttle(fleet, "ListServices", "beta", times=1)
    retries: list[int] = []
    fleet.session.events.register(
        "after-call.ecs.ListServices",
        lambda parsed, **_: retries.append(parsed["ResponseMetadata"].get("RetryAttempts", 0)),
    )
    report = fleet.run(fix=True)
    assert hits == [1]
    assert 1 in retries  # the standard retry mode retried the throttled call
    assert report.errors == () and exit_code(report) is ExitCode.OK


def test_throttled_after_retries_is_a_partial_failure(fleet: Fleet) -> None:
    throttle(fleet, "ListServices", "beta", times=100)
    factory = ClientFactory(fleet.spec.region, session=fleet.session, max_attempts=2)
    report = run_drift(fleet.spec, factory, NOW, RunOptions(concurrency=3))
    assert [(e.cluster, e.operation, e.code) for e in report.errors] == [
        ("beta", "ListServices", "ThrottlingException")
    ]
    assert exit_code(report) is ExitCode.PARTIAL
