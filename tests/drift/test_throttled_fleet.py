"""A drift check of a few hundred services against a throttled stand-in: no error, every finding.

The stand-in (``devtools.throttle.Throttle`` as a ``before-send`` handler) keeps ONE small bucket for
all ECS calls, far below the client's per-group defaults from the ECS quota page, so the run is
throttled for real: botocore parses the 400 ``ThrottlingException``, the pacer slows down and
retries, and the report counts the throttled answers.
"""

from __future__ import annotations

import boto3
from drift_support import NOW
from moto import mock_aws
from moto.moto_api import state_manager

from devtools.fleet import SeedPlan, seed_environment
from devtools.throttle import Throttle
from ecs_exec.aws import ClientFactory
from ecs_exec.errors import ExitCode
from ecs_exec.pacing import DEFAULT_RATE_LIMITS, RateLimit
from generator.spec import EnvironmentSpec
from reconciler.drift.engine import RunOptions, run_drift
from reconciler.drift.report import exit_code, to_json

CLUSTERS, SERVICES = 30, 10
#: Seeding is arrangement, not the code under test: no pacing.
UNPACED = {group: RateLimit(100_000, 100_000) for group in DEFAULT_RATE_LIMITS}


def _spec() -> EnvironmentSpec:
    return EnvironmentSpec.model_validate(
        {
            "environment": "fleet",
            "region": "us-east-1",
            "account_id": "123456789012",
            "windows": {"role_name": "w", "scheduler_role_name": "s", "schedule_group_name": "g",
                        "dead_letter_queue_name": "q"},
            "drift_role_name": "d",
            "clusters": [{"name": f"c{i:02d}", "exec": {"mode": "windowed"}} for i in range(CLUSTERS)],
        }
    )  # fmt: skip


def test_drift_check_of_300_services_on_a_small_bucket_finds_everything_without_errors() -> None:
    spec = _spec()
    with mock_aws():
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})
        seed_environment(
            ClientFactory(spec.region, rate_limits=UNPACED),
            spec,
            SeedPlan(extra_services=SERVICES, standalone_tasks=1),
            concurrency=4,
        )
        ecs = boto3.client("ecs", region_name=spec.region)
        seeded = set()
        for i in range(0, CLUSTERS, 2):  # exec on without an open window: drift in every other cluster
            answer = ecs.update_service(cluster=f"c{i:02d}", service="svc-0003", enableExecuteCommand=True)
            seeded.add(answer["service"]["serviceArn"])

        throttle = Throttle(rate=40, burst=10, services=("ecs",))
        session = boto3.Session(region_name=spec.region)
        throttle.install(session)
        report = run_drift(spec, ClientFactory(spec.region, session=session), NOW, RunOptions(concurrency=8))

    assert report.errors == ()
    assert {o.finding.resource for o in report.outcomes} == seeded
    assert exit_code(report) is ExitCode.FINDINGS
    assert sum(r.services_read for r in report.results) == CLUSTERS * SERVICES
    assert sum(r.tasks_read for r in report.results) == CLUSTERS
    throttled = throttle.stats().throttled.get("ecs", 0)
    assert throttled > 0  # the stand-in did throttle the run ...
    assert report.throttled_retries == throttled  # ... and every throttled answer was retried
    assert to_json(report)["summary"]["throttled_retries"] == throttled
