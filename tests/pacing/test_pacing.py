"""The pacing layer (ecs_exec.pacing) on real botocore clients, and the throttled stand-in (devtools.throttle).

Waits are recorded instead of slept where a test only checks how much pacing was asked for (no timing
assertions); the stand-in answers through botocore's real ``before-send`` / retry path.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devtools.throttle import Bucket, Throttle, ThrottleMiddleware, request_service
from ecs_exec.aws import ClientFactory
from ecs_exec.pacing import (
    DEFAULT_RATE_LIMITS,
    Pacer,
    PacingStats,
    RateLimit,
    TokenBucket,
    api_group,
    quota_note,
)
from reconciler.live import READERS

REGION = "us-east-1"
LOCAL_CONFIG = Path(__file__).resolve().parents[2] / "config" / "local.yaml"


def test_every_drift_reader_api_has_its_published_group() -> None:
    expected = {
        "ecs:ListClusters": "ecs_cluster_reads",
        "ecs:DescribeClusters": "ecs_cluster_reads",
        "ecs:ListServices": "ecs_service_reads",
        "ecs:DescribeServices": "ecs_service_reads",
        "ecs:ListTasks": "ecs_task_reads",
        "ecs:DescribeTasks": "ecs_task_reads",
        "logs:DescribeLogGroups": "logs_reads",
        "kms:ListAliases": "kms",
        "kms:DescribeKey": "kms",
    }
    service_ids = {"ecs": "ecs", "logs": "cloudwatch-logs", "kms": "kms"}
    apis = {a for r in READERS for a in (r.list_api, r.describe_api) if a}
    assert apis == set(expected)
    for api, group in expected.items():
        prefix, op = api.split(":")
        assert api_group(service_ids[prefix], op) == group
    # the figures of "Request throttling for the Amazon ECS API" (burst, refill)
    assert DEFAULT_RATE_LIMITS["ecs_cluster_reads"] == RateLimit(20, 50)
    assert DEFAULT_RATE_LIMITS["ecs_service_reads"] == RateLimit(20, 100)
    assert DEFAULT_RATE_LIMITS["ecs_task_reads"] == RateLimit(20, 100)
    assert DEFAULT_RATE_LIMITS["ecs_service_modify"] == RateLimit(5, 50)
    assert api_group("ecs", "UpdateService") == "ecs_service_modify"
    assert api_group("ecs", "StopTask") == "ecs_task_modify"
    assert api_group("cloudwatch-logs", "PutLogEvents") == "logs_writes"
    assert api_group("scheduler", "DeleteSchedule") == "scheduler"
    assert api_group("cloudtrail", "LookupEvents") == "cloudtrail_lookups"
    assert api_group("iam", "GetRole") is None


def test_bucket_spaces_concurrent_callers_by_the_refill_rate() -> None:
    now = [100.0]
    bucket = TokenBucket(RateLimit(rate=10, burst=5), clock=lambda: now[0])
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        wait = bucket.take()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the burst goes at once, then one caller every 1/rate s, whatever the thread order
    assert sorted(round(w, 6) for w in waits) == [0.0] * 5 + [round(k / 10, 6) for k in range(1, 21)]


def test_bucket_slows_down_on_throttling_and_recovers() -> None:
    now = [0.0]
    bucket = TokenBucket(RateLimit(rate=20, burst=50), clock=lambda: now[0])
    bucket.throttled()
    assert bucket.rate == 10
    assert bucket.take() == pytest.approx(0.1)  # the saved-up burst is gone
    bucket.throttled()  # within the same second: no second cut
    assert bucket.rate == 10
    now[0] = 2.0
    bucket.throttled()
    assert bucket.rate == 5
    for _ in range(1000):
        bucket.succeeded()
    assert bucket.rate == 20


def test_factory_clients_wait_for_their_group_bucket() -> None:
    slept: list[float] = []
    with mock_aws():
        # one token, then one every 100 s: the 4 calls after the first each wait (recorded, not slept)
        pacer = Pacer({"ecs_cluster_reads": RateLimit(0.01, 1)}, sleep=slept.append)
        factory = ClientFactory(REGION, pacer=pacer)
        ecs = factory.client("ecs")
        for _ in range(5):
            ecs.list_clusters()
        factory.client("logs").describe_log_groups()  # another group: its own bucket
        stats = factory.pacer.stats()
    assert len(slept) == 4 and slept == sorted(slept) and slept[0] > 90
    assert stats.paced_calls == 6 and stats.waits == 4 and stats.throttled == 0
    assert quota_note(PacingStats(), stats) == "waiting for ECS request quota"


def test_assumed_role_factory_shares_the_pacer() -> None:
    factory = ClientFactory(REGION)
    assert factory.with_session(boto3.Session(region_name=REGION)).pacer is factory.pacer


def test_config_overrides_replace_the_default_and_unknown_groups_are_refused() -> None:
    pacer = Pacer({"ecs_service_reads": RateLimit(50, 200)})
    assert pacer.limits["ecs_service_reads"] == RateLimit(50, 200)
    assert pacer.limits["ecs_task_reads"] == DEFAULT_RATE_LIMITS["ecs_task_reads"]
    with pytest.raises(KeyError):
        Pacer({"ecs_servce_reads": RateLimit(1, 1)})


def test_throttled_calls_are_retried_until_they_pass() -> None:
    """The stand-in's bucket (burst 2, one token a second) is far smaller than the client's:
    botocore parses its 400 ThrottlingException, the pacer slows down and retries; every call passes."""
    throttle = Throttle(rate=20, burst=2, services=("ecs",))
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        throttle.install(session)
        factory = ClientFactory(REGION, session=session)
        ecs = factory.client("ecs")
        for _ in range(8):
            assert ecs.list_clusters()["clusterArns"] == []
        stats = factory.pacer.stats()
    seen = throttle.stats()
    assert seen.throttled["ecs"] > 0
    assert stats.throttled == seen.throttled["ecs"]
    assert seen.requests["ecs"] == 8 + seen.throttled["ecs"]


def test_past_the_throttle_attempts_the_throttling_error_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda _seconds: None)  # no backoff wait
    throttle = Throttle(rate=0.001, burst=1, services=("ecs",))
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        throttle.install(session)
        ecs = ClientFactory(REGION, session=session, max_attempts=3, throttle_max_attempts=3).client("ecs")
        ecs.list_clusters()
        with pytest.raises(ClientError) as caught:
            ecs.list_clusters()
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert throttle.stats().throttled["ecs"] == 3


def test_server_middleware_answers_like_ecs() -> None:
    passed: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        passed.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"{}"]

    middleware = ThrottleMiddleware(app, Throttle(rate=0.001, burst=1, services=("ecs",)))
    auth = "AWS4-HMAC-SHA256 Credential=testing/20261204/us-east-1/ecs/aws4_request, SignedHeaders=host"
    environ = {"PATH_INFO": "/", "HTTP_AUTHORIZATION": auth}
    assert request_service(environ) == "ecs"
    answers: list[tuple[str, dict[str, str]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answers.append((status, dict(headers)))

    first = middleware(environ, start_response)
    second = middleware(environ, start_response)
    logs = {"PATH_INFO": "/", "HTTP_AUTHORIZATION": auth.replace("/ecs/", "/logs/")}
    middleware(logs, start_response)  # another service: not throttled
    assert first == [b"{}"] and passed == ["/", "/"]
    assert answers[1][0].startswith("400")
    assert answers[1][1]["x-amzn-ErrorType"] == "ThrottlingException"
    assert b'"__type": "ThrottlingException"' in second[0]


def test_stand_in_bucket_refuses_past_the_burst_and_refills() -> None:
    now = [0.0]
    bucket = Bucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 0.5
    assert [bucket.allow() for _ in range(2)] == [True, False]


def test_drift_progress_says_when_it_waits_for_the_quota(capsys: pytest.CaptureFixture[str]) -> None:
    from ecs_exec.cli.drift import _progress

    slept: list[float] = []
    with mock_aws():
        pacer = Pacer({"ecs_service_reads": RateLimit(0.01, 1)}, sleep=slept.append)
        ecs = ClientFactory(REGION, pacer=pacer).client("ecs")
        ecs.create_cluster(clusterName="default")
        report = _progress(10, pacer)
        assert report is not None
        ecs.list_services(cluster="default")  # the one token of the burst
        report(1, 10)
        ecs.list_services(cluster="default")  # waits for the refill
        report(2, 10)
        report(3, 10)
    assert capsys.readouterr().err.splitlines() == [
        "drift: 1/10 clusters",
        "drift: 2/10 clusters, waiting for ECS request quota",
        "drift: 3/10 clusters",
    ]
    assert len(slept) == 1


def test_audit_transcript_lookups_go_through_the_same_pacing() -> None:
    from generator.loader import load_config
    from reconciler.audit.transcripts import find_transcript

    spec = load_config(config=LOCAL_CONFIG)
    slept: list[float] = []
    with mock_aws():
        pacer = Pacer({"logs_reads": RateLimit(0.01, 1)}, sleep=slept.append)
        factory = ClientFactory(spec.region, pacer=pacer)
        boto3.client("logs", region_name=spec.region).create_log_group(
            logGroupName=spec.exec_log_group_name("demo-app")
        )
        for i in range(4):
            ref = find_transcript(factory, spec, "demo-app", f"ecs-execute-command-{i}")
            assert ref.log_stream is None and ref.error is None
        stats = pacer.stats()
    assert len(slept) == 3  # one DescribeLogStreams per session: the burst of 1, then each waits
    assert quota_note(PacingStats(), stats) == "waiting for CloudWatch Logs request quota"


def test_commands_build_their_factory_from_the_config_api_rate_limits() -> None:
    from ecs_exec.cli.audit import make_factory
    from generator.loader import parse_config

    config = LOCAL_CONFIG.read_text() + "\napi_rate_limits:\n  cloudtrail_lookups: {rate: 5, burst: 10}\n"
    spec = parse_config(config, "local.yaml")
    factory = make_factory(spec.region, spec.api_rate_limits)
    assert factory.pacer.limits["cloudtrail_lookups"] == RateLimit(5, 10)
    assert factory.pacer.limits["ecs_service_reads"] == DEFAULT_RATE_LIMITS["ecs_service_reads"]
