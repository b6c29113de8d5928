"""Throttling on the exec-window path: the standard retry mode of ClientFactory retries it; past the
retries the failing step is named (exit 5); ``test_sweep_reports_a_failure_and_goes_on`` covers the sweep.

The throttled answer comes from a ``before-send`` hook (a real 400 ``ThrottlingException`` through the
real retry handler). Under ``mock_aws`` moto's own ``before-send`` handler still runs, so the request
also reaches moto; the hook's answer is the one botocore uses (more specific handlers run first).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from window_helpers import ALICE, NOW, service

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import AwsError
from generator.spec import EnvironmentSpec
from reconciler.windows import open_window


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _throttle(times: int, attempts: list[str]) -> Callable[..., AWSResponse | None]:
    def send(request: Any, **_: Any) -> AWSResponse | None:
        attempts.append(request.url)
        if len(attempts) > times:
            return None  # let moto answer
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r"}
        return AWSResponse(request.url, 400, headers, _Body(body))

    return send


@pytest.fixture()
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)


def _factory(spec: EnvironmentSpec, event: str, handler: Callable[..., Any], attempts: int) -> ClientFactory:
    session = boto3.Session(region_name=spec.region)
    session.events.register(event, handler)
    return ClientFactory(spec.region, session=session, max_attempts=attempts, throttle_max_attempts=attempts)


def test_throttled_update_service_is_retried(
    spec: EnvironmentSpec, moto_account: boto3.Session, no_backoff: None
) -> None:
    attempts: list[str] = []
    factory = _factory(spec, "before-send.ecs.UpdateService", _throttle(1, attempts), attempts=3)
    result = open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    assert result.status == "opened"
    assert len(attempts) == 2
    assert service(moto_account, "demo-app", "api")["enableExecuteCommand"] is True


def test_throttled_past_the_retries_names_the_step(
    spec: EnvironmentSpec, moto_account: boto3.Session, no_backoff: None
) -> None:
    attempts: list[str] = []
    factory = _factory(spec, "before-send.ecs.UpdateService", _throttle(99, attempts), attempts=2)
    with pytest.raises(AwsError) as caught:
        open_window(factory, spec, "demo-app", "api", minutes=30, reason="r", actor=ALICE, now=NOW)
    assert len(attempts) == 2  # throttle_max_attempts counts every attempt
    assert caught.value.exit_code == 5
    assert "open step 3 (UpdateService enableExecuteCommand=true) failed: ThrottlingException" in str(
        caught.value
    )
    assert caught.value.hint is not None and "the schedule turns exec off" in caught.value.hint
