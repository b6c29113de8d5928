"""``exec-window sweep`` over a throttled stand-in: every expired window is closed, none fails.

The stand-in (``devtools.throttle.Throttle`` as a ``before-send`` handler) keeps one small bucket for
all ECS calls (10 requests/s, burst 3), below what the sweep sends in-process, so throttled answers
(HTTP 400 ``ThrottlingException``) reach botocore's retry path and the shared pacer.
"""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from window_helpers import ALICE, NOW, schedules, service

from devtools.throttle import Throttle
from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.windows import open_window, sweep_windows

EXTRA = [f"svc-{i}" for i in range(8)]


def test_sweep_over_a_throttled_stand_in_closes_every_expired_window(
    spec: EnvironmentSpec,
    factory: ClientFactory,
    moto_account: boto3.Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ecs = moto_account.client("ecs")
    for name in EXTRA:
        ecs.create_service(cluster="demo-app", serviceName=name, taskDefinition="demo", desiredCount=0)
    for name in ["api", *EXTRA]:
        open_window(factory, spec, "demo-app", name, minutes=30, reason="r", actor=ALICE, now=NOW)
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)  # no backoff wait

    throttle = Throttle(rate=10, burst=3, services=("ecs",))
    session = boto3.Session(region_name=spec.region)
    throttle.install(session)
    throttled_factory = ClientFactory(spec.region, session=session)
    report = sweep_windows(
        throttled_factory, spec, now=NOW + timedelta(minutes=31), actor=ALICE, stop_tasks=False
    )

    assert report.failures == ()
    assert sorted(r.service for r in report.results if r.status == "closed") == sorted(["api", *EXTRA])
    for name in ["api", *EXTRA]:
        assert service(moto_account, "demo-app", name)["enableExecuteCommand"] is False
    assert schedules(moto_account, spec) == []
    assert throttle.stats().throttled["ecs"] > 0
    assert throttled_factory.pacer.stats().throttled == throttle.stats().throttled["ecs"]
