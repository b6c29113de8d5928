"""Helpers of the exec-window tests (plain module: pytest cannot import conftest.py by name).

``seed`` stands in for the applied local environment (clusters, exec log groups, schedule group)
and adds services: ``api`` (in the config), ``adhoc`` (not in the config), ``bluegreen``
(CODE_DEPLOY) in ``demo-app``, ``worker`` in the ``never`` cluster ``demo-batch``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.windows.identity import Actor

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ALICE = Actor(arn="arn:aws:iam::123456789012:user/alice", source_identity="alice")
BOB = Actor(arn="arn:aws:iam::123456789012:user/bob", source_identity="bob")


SERVICES = {"demo-app": ("api", "adhoc", "bluegreen"), "demo-batch": ("worker",)}


def _ignore_exists(fn: Any, **kwargs: Any) -> None:
    try:
        fn(**kwargs)
    except ClientError as exc:
        if (
            "AlreadyExists" not in exc.response["Error"]["Code"]
            and "Conflict" not in exc.response["Error"]["Code"]
        ):
            raise


def seed(session: Any, spec: EnvironmentSpec) -> None:
    """Create clusters, exec log groups, the schedule group, a task definition and the services."""
    ecs = session.client("ecs", region_name=spec.region)
    logs = session.client("logs", region_name=spec.region)
    scheduler = session.client("scheduler", region_name=spec.region)
    _ignore_exists(scheduler.create_schedule_group, Name=spec.windows.schedule_group_name)
    ecs.register_task_definition(
        family="demo",
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )
    for cluster, services in SERVICES.items():
        ecs.create_cluster(clusterName=cluster)
        _ignore_exists(logs.create_log_group, logGroupName=spec.exec_log_group_name(cluster))
        for name in services:
            controller = "CODE_DEPLOY" if name == "bluegreen" else "ECS"
            ecs.create_service(
                cluster=cluster,
                serviceName=name,
                taskDefinition="demo",
                desiredCount=1,
                launchType="FARGATE",
                deploymentController={"type": controller},
            )


def run_service_task(session: Any, cluster: str, service: str, started_by: str | None = None) -> str:
    """Start a task that looks like one of ``service``'s (group ``service:<name>``); returns its ARN."""
    ecs = session.client("ecs", region_name="us-east-1")
    kwargs: dict[str, Any] = {"startedBy": started_by} if started_by else {}
    task = ecs.run_task(
        cluster=cluster, taskDefinition="demo", launchType="FARGATE", group=f"service:{service}", **kwargs
    )
    return str(task["tasks"][0]["taskArn"])


class Calls:
    """Records ``service:Operation`` of every API call a session's clients make (``before-call``)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.names.append(f"{model.service_model.endpoint_prefix}:{model.name}")

    def iam_actions(self) -> set[str]:
        return set(self.names)


def hooked_factory(spec: EnvironmentSpec, *hooks: tuple[str, Callable[..., Any]]) -> ClientFactory:
    """A factory whose clients carry botocore event ``hooks`` (registered before any client exists)."""
    session = boto3.Session(region_name=spec.region)
    for event, handler in hooks:
        session.events.register(event, handler)
    return ClientFactory(spec.region, session=session, max_attempts=1)


def exec_tasks_hook(exec_on: set[str]) -> tuple[str, Callable[..., Any]]:
    """``after-call`` hook adding ``enableExecuteCommand`` to DescribeTasks answers, and to the tasks
    with exec on a RUNNING ``ExecuteCommandAgent`` in every container, as ECS answers (moto leaves both out)."""

    def add(parsed: dict[str, Any], **_: Any) -> None:
        for task in parsed.get("tasks", []):
            task["enableExecuteCommand"] = task["taskArn"] in exec_on
            if task["enableExecuteCommand"]:
                for container in task.get("containers", []):
                    container["managedAgents"] = [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}]

    return ("after-call.ecs.DescribeTasks", add)


def service(session: boto3.Session, cluster: str, name: str) -> dict[str, Any]:
    answer = session.client("ecs").describe_services(cluster=cluster, services=[name], include=["TAGS"])
    return dict(answer["services"][0])


def tags_of(session: boto3.Session, cluster: str, name: str) -> dict[str, str]:
    return {t["key"]: t["value"] for t in service(session, cluster, name).get("tags", [])}


def schedules(session: boto3.Session, spec: EnvironmentSpec) -> list[dict[str, Any]]:
    sched = session.client("scheduler")
    names = [s["Name"] for s in sched.list_schedules(GroupName=spec.windows.schedule_group_name)["Schedules"]]
    return [sched.get_schedule(GroupName=spec.windows.schedule_group_name, Name=n) for n in names]


def events(session: boto3.Session, spec: EnvironmentSpec, cluster: str) -> list[dict[str, Any]]:
    logs = session.client("logs")
    try:
        answer = logs.get_log_events(
            logGroupName=spec.exec_log_group_name(cluster), logStreamName=spec.windows.events_stream_name
        )
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [json.loads(e["message"]) for e in answer["events"]]
