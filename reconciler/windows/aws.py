"""The thin AWS layer of exec windows: one function per API use, clients from an injected factory.

Reads return the typed facts of :mod:`reconciler.windows.facts`; writes send exactly what the
planner decided. Errors other than the ones handled here (a missing cluster or service, a schedule
that exists / does not exist) propagate as botocore errors, which the CLI maps to exit 5.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from ecs_exec.errors import AwsError, NotFoundError
from reconciler.windows.facts import ServiceFacts, TaskFacts
from reconciler.windows.record import WINDOW_TAG_KEYS, tags_to_dict

#: Every IAM action this module's functions call. ``iam:PassRole`` (of the scheduler role) is what
#: CreateSchedule/UpdateSchedule need besides their own action; no API call shows it.
PERMISSIONS = (
    "ecs:DescribeServices",
    "ecs:ListServices",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:StopTask",
    "ecs:TagResource",
    "ecs:UntagResource",
    "ecs:UpdateService",
    "scheduler:CreateSchedule",
    "scheduler:GetSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "iam:PassRole",
    "logs:DescribeLogStreams",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    # ecs-exec shell (reconciler.windows.target / twin / leave / transcript)
    "ecs:DescribeClusters",
    "ecs:DescribeTaskDefinition",
    "ecs:RunTask",
    "ssm:DescribeSessions",
)

_ACTIVE_TASK = {"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"}


def _service_facts(cluster: str, raw: Mapping[str, Any]) -> ServiceFacts:
    primary = next((d for d in raw.get("deployments", []) if d.get("status") == "PRIMARY"), None)
    return ServiceFacts(
        cluster=cluster,
        service=raw["serviceName"],
        service_arn=raw["serviceArn"],
        enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
        deployment_controller=(raw.get("deploymentController") or {}).get("type", "ECS"),
        primary_deployment_id=primary.get("id") if primary else None,
        tags=tags_to_dict(raw.get("tags")),
    )


def describe_service(factory: ClientFactory, cluster: str, service: str) -> ServiceFacts:
    """ECS ``DescribeServices`` (``include=["TAGS"]``) of one service.

    Raises:
        NotFoundError: the cluster or the service does not exist (or the service is INACTIVE) (exit 4).
    """
    try:
        answer = factory.client("ecs").describe_services(
            cluster=cluster, services=[service], include=["TAGS"]
        )
    except ClientError as exc:
        if error_code(exc) == "ClusterNotFoundException":
            raise NotFoundError(f"--cluster: cluster {cluster!r} does not exist in ECS") from None
        raise
    active = [s for s in answer.get("services", []) if s.get("status") != "INACTIVE"]
    if not active:
        raise NotFoundError(f"--service: service {service!r} does not exist in cluster {cluster!r}")
    return _service_facts(cluster, active[0])


def list_service_facts(factory: ClientFactory, cluster: str) -> list[ServiceFacts]:
    """Every active service of ``cluster``: ECS ``ListServices`` (paginated) + ``DescribeServices`` by 10.

    Raises:
        NotFoundError: the cluster does not exist.
    """
    ecs = factory.client("ecs")
    try:
        arns = [
            a
            for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
            for a in page["serviceArns"]
        ]
    except ClientError as exc:
        if error_code(exc) == "ClusterNotFoundException":
            raise NotFoundError(f"cluster {cluster!r} does not exist in ECS") from None
        raise
    facts: list[ServiceFacts] = []
    for i in range(0, len(arns), 10):  # DescribeServices takes at most 10 services
        answer = ecs.describe_services(cluster=cluster, services=arns[i : i + 10], include=["TAGS"])
        facts.extend(
            _service_facts(cluster, s) for s in answer.get("services", []) if s.get("status") != "INACTIVE"
        )
    return sorted(facts, key=lambda f: f.service)


def _task_facts(raw: Mapping[str, Any]) -> TaskFacts:
    containers = raw.get("containers", [])
    agent_ready = True
    for container in containers:
        for agent in container.get("managedAgents", []):
            if agent.get("name") == "ExecuteCommandAgent" and agent.get("lastStatus") != "RUNNING":
                agent_ready = False
    return TaskFacts(
        task_arn=raw["taskArn"],
        last_status=raw.get("lastStatus", ""),
        enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
        started_by=raw.get("startedBy"),
        containers=tuple(c["name"] for c in containers if "name" in c),
        agent_ready=agent_ready,
    )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def service_tasks(factory: ClientFactory, cluster: str, service: str) -> list[TaskFacts]:
    """Active tasks of ``service``: ECS ``ListTasks`` (paginated) + ``DescribeTasks`` by 100.

    Filters on the task's ``group`` (``service:<name>``) and cluster ARN too: that is right on real
    ECS and needed on moto, whose ``ListTasks`` ignores ``serviceName``.
    """
    ecs = factory.client("ecs")
    paginator = ecs.get_paginator("list_tasks")
    arns = [a for page in paginator.paginate(cluster=cluster, serviceName=service) for a in page["taskArns"]]
    tasks: list[TaskFacts] = []
    for chunk in _chunks(arns, 100):
        for raw in ecs.describe_tasks(cluster=cluster, tasks=chunk).get("tasks", []):
            cluster_name = str(raw.get("clusterArn", "")).rsplit("/", 1)[-1]
            if (
                raw.get("group") == f"service:{service}"
                and cluster_name == cluster
                and raw.get("lastStatus") in _ACTIVE_TASK
            ):
                tasks.append(_task_facts(raw))
    return tasks


def tag_service(factory: ClientFactory, service_arn: str, tags: Mapping[str, str]) -> None:
    """ECS ``TagResource`` (values must already be sanitised)."""
    factory.client("ecs").tag_resource(
        resourceArn=service_arn, tags=[{"key": k, "value": v} for k, v in tags.items()]
    )


def untag_service(factory: ClientFactory, service_arn: str) -> None:
    """ECS ``UntagResource`` of every window tag."""
    factory.client("ecs").untag_resource(resourceArn=service_arn, tagKeys=list(WINDOW_TAG_KEYS))


def set_service_exec(factory: ClientFactory, cluster: str, service: str, enable: bool) -> str | None:
    """ECS ``UpdateService(enableExecuteCommand=enable, forceNewDeployment=True)``.

    Returns the id of the new ``PRIMARY`` deployment (None when the answer lists none).
    """
    answer = factory.client("ecs").update_service(
        cluster=cluster, service=service, enableExecuteCommand=enable, forceNewDeployment=True
    )
    return _service_facts(cluster, answer["service"]).primary_deployment_id


def stop_tasks(factory: ClientFactory, cluster: str, task_arns: list[str], reason: str) -> list[str]:
    """ECS ``StopTask`` for each task (``reason`` at most 255 chars). Returns the stopped task ARNs."""
    ecs = factory.client("ecs")
    for arn in task_arns:
        ecs.stop_task(cluster=cluster, task=arn, reason=reason[:255])
    return task_arns


def create_schedule(factory: ClientFactory, request: Mapping[str, Any]) -> bool:
    """Scheduler ``CreateSchedule``. Returns False when the schedule already exists (``ConflictException``).

    The conflict is the window's lock: two operators opening at once, only one creates it.
    """
    try:
        factory.client("scheduler").create_schedule(**request)
    except ClientError as exc:
        if error_code(exc) == "ConflictException":
            return False
        raise
    return True


def get_schedule(factory: ClientFactory, group: str, name: str) -> dict[str, Any] | None:
    """Scheduler ``GetSchedule``; None when it does not exist."""
    try:
        return dict(factory.client("scheduler").get_schedule(GroupName=group, Name=name))
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def update_schedule(factory: ClientFactory, request: Mapping[str, Any]) -> None:
    """Scheduler ``UpdateSchedule`` (replaces the whole definition: pass every field)."""
    factory.client("scheduler").update_schedule(**request)


def delete_schedule(factory: ClientFactory, group: str, name: str) -> bool:
    """Scheduler ``DeleteSchedule``; False when it was already gone (it deletes itself after it ran)."""
    try:
        factory.client("scheduler").delete_schedule(GroupName=group, Name=name)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return False
        raise
    return True


def check_events_stream(factory: ClientFactory, log_group: str, stream: str) -> bool:
    """Logs ``DescribeLogStreams``: True when ``stream`` exists in ``log_group``.

    Raises:
        AwsError: the exec log group does not exist (the environment is not applied) (exit 5).
    """
    try:
        answer = factory.client("logs").describe_log_streams(
            logGroupName=log_group, logStreamNamePrefix=stream
        )
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            raise AwsError(
                f"exec log group {log_group} does not exist", hint="apply the environment first (make apply)"
            ) from None
        raise
    return any(s.get("logStreamName") == stream for s in answer.get("logStreams", []))


def put_event(factory: ClientFactory, log_group: str, stream: str, message: str, at: datetime) -> None:
    """Logs ``PutLogEvents`` of one event ``message`` at ``at`` (``CreateLogStream`` first when the
    stream is missing)."""
    logs = factory.client("logs")
    if not check_events_stream(factory, log_group, stream):
        try:
            logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
        except ClientError as exc:
            if error_code(exc) != "ResourceAlreadyExistsException":
                raise
    logs.put_log_events(
        logGroupName=log_group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(at.timestamp() * 1000), "message": message}],
    )
