"""Helpers of the drift tests: an in-process moto account seeded in sync, with botocore hooks.

``make_fleet`` gives a session whose clients all pass through hooks registered on it: every API call is
recorded (``before-call``), and ``DescribeTasks`` answers get ``enableExecuteCommand`` added for the
task ARNs in ``fleet.exec_tasks`` (moto's tasks carry no such field; see DESIGN.md).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from moto.moto_api import state_manager

from devtools.fleet import SeedPlan, seed_environment
from ecs_exec.aws import ClientFactory
from generator.loader import parse_config
from generator.spec import EnvironmentSpec
from reconciler.drift.engine import RunOptions, run_drift
from reconciler.drift.fix import FixOptions
from reconciler.drift.model import DriftReport
from reconciler.windows.record import TAG_EXPIRES_AT, TAG_WINDOW_ID

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

CONFIG = """
environment: unit
region: us-east-1
account_id: "123456789012"
exec_logging:
  retention_in_days: 30
windows:
  role_name: win
  scheduler_role_name: win-sched
  schedule_group_name: win-group
  dead_letter_queue_name: win-dlq
drift_role_name: drift
clusters:
  - name: alpha
    exec: {mode: windowed}
    services:
      - {name: api, task_role_name: api-task}
      - {name: ledger, task_role_name: ledger-task, deployment_controller: CODE_DEPLOY}
  - name: beta
    container_insights: disabled
    exec: {mode: never}
    services:
      - {name: worker, task_role_name: worker-task}
  - name: gamma
    exec: {mode: always}
    services:
      - {name: tools, task_role_name: tools-task}
"""


def unit_spec() -> EnvironmentSpec:
    return parse_config(CONFIG, "unit.yaml")


@dataclass
class Fleet:
    """A seeded moto account: ``factory`` for the code under test, ``calls`` recorded as
    ``("ecs:DescribeClusters", api params)``, ``exec_tasks`` the task ARNs reported with exec on."""

    spec: EnvironmentSpec
    session: boto3.Session
    factory: ClientFactory
    tasks: list[str]
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    exec_tasks: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str) -> Any:
        """A plain client for arranging state (not recorded)."""
        return boto3.client(service, region_name=self.spec.region)

    def run(self, fix: bool = False, concurrency: int = 4, **flags: bool) -> DriftReport:
        return run_drift(
            self.spec,
            self.factory,
            NOW,
            RunOptions(fix=fix, fix_options=FixOptions(**flags), concurrency=concurrency),
        )

    def actions(self) -> set[str]:
        return {name for name, _ in self.calls}


def iam_action(model: Any) -> str:
    """IAM action of a botocore operation model: ``logs:DescribeLogGroups`` (the event name says
    ``cloudwatch-logs``; the signing name is the IAM prefix)."""
    return f"{model.service_model.signing_name}:{model.name}"


def make_fleet(spec: EnvironmentSpec, plan: SeedPlan) -> Fleet:
    """Seed ``spec`` in the active mock and return a hooked session/factory (call inside mock_aws)."""
    state_manager.set_transition(
        model_name="ecs::task", transition={"progression": "manual", "times": 1_000_000}
    )
    tasks = seed_environment(ClientFactory(spec.region), spec, plan)
    session = boto3.Session(region_name=spec.region)
    fleet = Fleet(spec, session, ClientFactory(spec.region, session=session), tasks)

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        # ``params`` is the serialized request; ECS, Logs and KMS speak JSON: keep the API parameters.
        body = params.get("body") or b"{}"
        api_params = json.loads(body) if model.service_model.protocol == "json" else {}
        with fleet.lock:
            fleet.calls.append((iam_action(model), api_params))

    def add_exec_flag(parsed: dict[str, Any], **_: Any) -> None:
        for task in parsed.get("tasks", []):
            task["enableExecuteCommand"] = task["taskArn"] in fleet.exec_tasks

    session.events.register("before-call", record)
    session.events.register("after-call.ecs.DescribeTasks", add_exec_flag)
    return fleet


# ---- drift makers: each puts one kind of drift into a seeded fleet ----

ARN = "arn:aws:ecs:us-east-1:123456789012"


def _cluster_config(fleet: Fleet, name: str) -> dict[str, Any]:
    raw = fleet.client("ecs").describe_clusters(clusters=[name], include=["CONFIGURATIONS"])["clusters"][0]
    return raw["configuration"]["executeCommandConfiguration"]


def logging_default(fleet: Fleet) -> None:
    key = _cluster_config(fleet, "alpha")["kmsKeyId"]
    fleet.client("ecs").update_cluster(
        cluster="alpha",
        configuration={"executeCommandConfiguration": {"kmsKeyId": key, "logging": "DEFAULT"}},
    )


def other_kms_key(fleet: Fleet) -> None:
    conf = _cluster_config(fleet, "alpha")
    conf["kmsKeyId"] = fleet.client("kms").create_key()["KeyMetadata"]["Arn"]
    fleet.client("ecs").update_cluster(cluster="alpha", configuration={"executeCommandConfiguration": conf})


def insights_on(fleet: Fleet) -> None:
    fleet.client("ecs").update_cluster(
        cluster="beta", settings=[{"name": "containerInsights", "value": "enabled"}]
    )


def retention(fleet: Fleet) -> None:
    fleet.client("logs").put_retention_policy(logGroupName="/ecs-exec/unit/beta", retentionInDays=7)


def never_service_on(fleet: Fleet) -> None:
    fleet.client("ecs").update_service(cluster="beta", service="worker", enableExecuteCommand=True)


def expired_window(fleet: Fleet) -> None:
    ecs = fleet.client("ecs")
    ecs.update_service(cluster="alpha", service="api", enableExecuteCommand=True)
    expired = (NOW - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ecs.tag_resource(
        resourceArn=f"{ARN}:service/alpha/api",
        tags=[{"key": TAG_EXPIRES_AT, "value": expired}, {"key": TAG_WINDOW_ID, "value": "w-1"}],
    )


def windowed_on_without_window(fleet: Fleet) -> None:
    fleet.client("ecs").update_service(cluster="alpha", service="api", enableExecuteCommand=True)


def always_service_off(fleet: Fleet) -> None:
    fleet.client("ecs").update_service(cluster="gamma", service="tools", enableExecuteCommand=False)


def _task(fleet: Fleet, cluster: str, group: str) -> str:
    ecs = fleet.client("ecs")
    arns = ecs.list_tasks(cluster=cluster)["taskArns"]
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]
    return next(
        t["taskArn"] for t in tasks if t["group"] == group and t["clusterArn"].endswith(f"/{cluster}")
    )


def service_task_exec(fleet: Fleet) -> None:
    fleet.exec_tasks.add(_task(fleet, "beta", "service:worker"))


def standalone_task_exec(fleet: Fleet) -> None:
    fleet.exec_tasks.add(_task(fleet, "alpha", "family:alpha-app"))
