"""The thin AWS layer of exec windows: one function per API use, clients from an injected factory.

Reads go through the live model (:mod:`reconciler.live`: services, tasks and their rules) and return
the typed facts of :mod:`reconciler.windows.facts`; writes send exactly what the
planner decided. Errors other than the ones handled here (a missing cluster or service, a schedule
that exists / does not exist) propagate as botocore errors, which the CLI maps to exit 5.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from ecs_exec.errors import AwsError, NotFoundError
from reconciler.live import services as live_services
from reconciler.live import tasks as live_tasks
from reconciler.live.model import LiveTask
from reconciler.live.parse import parse_service
from reconciler.windows.facts import ServiceFacts
from reconciler.windows.record import WINDOW_TAG_KEYS

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


def describe_service(factory: ClientFactory, cluster: str, service: str) -> ServiceFacts:
    """The active service ``cluster``/``service`` (the live model's ``DescribeServices`` read).

    Raises:
        NotFoundError: the cluster or the service does not exist, or it is not active (exit 4).
    """
    return ServiceFacts.from_live(live_services.describe_service(factory, cluster, service))


def list_service_facts(factory: ClientFactory, cluster: str) -> list[ServiceFacts]:
    """Every active and every DRAINING service of ``cluster`` (the live model's ``ListServices`` +
    ``DescribeServices``), by name; :attr:`ServiceFacts.active` tells them apart.

    Raises:
        NotFoundError: the cluster does not exist.
    """
    try:
        found = live_services.read_services(factory, cluster, include_draining=True)
    except ClientError as exc:
        if error_code(exc) == "ClusterNotFoundException":
            raise NotFoundError(f"cluster {cluster!r} does not exist in ECS") from None
        raise
    return sorted((ServiceFacts.from_live(s) for s in found), key=lambda f: f.service)


def service_tasks(factory: ClientFactory, cluster: str, service: str) -> list[LiveTask]:
    """Running tasks of ``service``, its twins included (the live model's ``ListTasks`` / ``DescribeTasks``)."""
    return live_tasks.service_tasks(factory, cluster, service)


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
    return parse_service(answer["service"], cluster).primary_deployment_id


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
