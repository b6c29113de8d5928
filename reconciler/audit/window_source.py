"""Read what the audit needs to know about exec windows of one cluster from AWS.

- the window events (JSON) in the stream ``spec.windows.events_stream_name`` of the cluster's exec
  log group (``logs:FilterLogEvents``, paginated);
- the task -> service map from ``DescribeTasks`` (the task's ``group`` is ``service:<name>``, or
  ``ecs-exec:<name>`` for a twin of ``ecs-exec shell --mode twin``; tasks stopped long ago are no
  longer described: a twin's service then comes from its ``opened`` event's ``task_arn``, other
  tasks' service is unknown);
- the window recorded in the services' tags (``DescribeServices`` with ``include=["TAGS"]``).

A read that fails is reported in ``errors`` and leaves the data unknown; it never stops the audit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from generator.spec import EnvironmentSpec
from reconciler.audit.model import WindowInterval
from reconciler.audit.windows import build_intervals, interval_from_tags
from reconciler.live.model import service_of_group
from reconciler.windows.record import WindowEvent, parse_window, parse_window_event, tags_to_dict

PERMISSIONS = ("logs:FilterLogEvents", "ecs:DescribeTasks", "ecs:DescribeServices")
_DESCRIBE_TASKS_MAX = 100
_DESCRIBE_SERVICES_MAX = 10


@dataclass
class ClusterWindows:
    """Window knowledge of one cluster.

    Attributes:
        intervals: open intervals from events and tags.
        has_records: True when any window event or window tag was found.
        services: task id -> service name (absent: unknown).
        stopped: task id -> ``stoppedAt`` (UTC) of the tasks that have stopped.
        skipped: window event lines that could not be used.
        errors: reads that failed (``<cluster>: cannot read ... (logs:AccessDeniedException)``).
    """

    intervals: list[WindowInterval] = field(default_factory=list)
    has_records: bool = False
    services: dict[str, str] = field(default_factory=dict)
    stopped: dict[str, datetime] = field(default_factory=dict)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def read_window_events(
    factory: ClientFactory, spec: EnvironmentSpec, cluster: str, until: datetime
) -> tuple[list[WindowEvent], int]:
    """Window events of ``cluster`` up to ``until`` (UTC) and the number of unusable lines.

    A missing log group or stream gives no events. Raises ``ClientError`` on other errors.
    """
    paginator = factory.client("logs").get_paginator("filter_log_events")
    events: list[WindowEvent] = []
    skipped = 0
    try:
        for page in paginator.paginate(
            logGroupName=spec.exec_log_group_name(cluster),
            logStreamNames=[spec.windows.events_stream_name],
            endTime=int(until.timestamp() * 1000),
        ):
            for raw in page.get("events", []):
                ev = parse_window_event(raw.get("message", ""), raw.get("timestamp"))
                if ev is None or ev.cluster != cluster:
                    skipped += 1
                else:
                    events.append(ev)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
    return events, skipped


def task_services(
    ecs: Any, cluster: str, task_ids: Iterable[str], stopped: dict[str, datetime] | None = None
) -> dict[str, str]:
    """``DescribeTasks`` (batches of 100): task id -> service name, for tasks of a service (its twins,
    group ``ecs-exec:<service>``, included: :func:`reconciler.live.model.service_of_group`).

    ``stopped``, when given, receives task id -> ``stoppedAt`` (UTC) of the stopped tasks."""
    ids = sorted(set(task_ids))
    out: dict[str, str] = {}
    for i in range(0, len(ids), _DESCRIBE_TASKS_MAX):
        resp = ecs.describe_tasks(cluster=cluster, tasks=ids[i : i + _DESCRIBE_TASKS_MAX])
        for task in resp.get("tasks", []):
            group = task.get("group") or ""
            task_id = str(task.get("taskArn", "")).rsplit("/", 1)[-1]
            owner = service_of_group(group)  # the live model's rule: twins belong to their service
            if owner is not None and task_id:
                out[task_id] = owner
            if stopped is not None and task_id and isinstance(task.get("stoppedAt"), datetime):
                stopped[task_id] = task["stoppedAt"].astimezone(UTC)
    return out


def tag_intervals(
    ecs: Any, cluster: str, services: Iterable[str], max_minutes: int | None = None
) -> list[WindowInterval]:
    """``DescribeServices`` with tags (batches of 10): the window each service's tags record (at most
    ``max_minutes`` long)."""
    names = sorted(set(services))
    out: list[WindowInterval] = []
    for i in range(0, len(names), _DESCRIBE_SERVICES_MAX):
        resp = ecs.describe_services(
            cluster=cluster, services=names[i : i + _DESCRIBE_SERVICES_MAX], include=["TAGS"]
        )
        for svc in resp.get("services", []):
            interval = interval_from_tags(
                cluster,
                svc.get("serviceName", ""),
                parse_window(tags_to_dict(svc.get("tags"))),
                max_minutes,
            )
            if interval is not None:
                out.append(interval)
    return out


def load_cluster_windows(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    task_ids: Iterable[str],
    until: datetime,
    windowless: bool = False,
) -> ClusterWindows:
    """Everything the window check of ``cluster``'s sessions needs; failures become ``errors``.

    ``windowless`` (exec mode ``always`` / ``never``): only the tasks (their stop times) are read."""
    task_ids = list(task_ids)
    result = ClusterWindows()
    if windowless:
        try:
            task_services(factory.client("ecs"), cluster, task_ids, result.stopped)
        except ClientError as exc:
            if error_code(exc) != "ClusterNotFoundException":
                result.errors.append(f"{cluster}: cannot describe tasks (ecs:{error_code(exc)})")
        return result
    twins: dict[str, str] = {}  # twin task id -> service, from `opened` events (ECS forgets stopped tasks)
    try:
        events, result.skipped = read_window_events(factory, spec, cluster, until)
        twins = {ev.task_arn.rsplit("/", 1)[-1]: ev.service for ev in events if ev.task_arn}
        result.intervals.extend(build_intervals(events, spec.access.max_window_minutes))
        result.has_records = bool(events)
    except ClientError as exc:
        result.errors.append(f"{cluster}: cannot read window events (logs:{error_code(exc)})")
    ecs = factory.client("ecs")
    try:
        result.services = task_services(ecs, cluster, task_ids, result.stopped)
    except ClientError as exc:
        if (
            error_code(exc) != "ClusterNotFoundException"
        ):  # a deleted cluster: services unknown, not a failure
            result.errors.append(f"{cluster}: cannot describe tasks (ecs:{error_code(exc)})")
    for task_id in set(task_ids):
        if task_id not in result.services and task_id in twins:
            result.services[task_id] = twins[task_id]
    if result.services:
        try:
            tagged = tag_intervals(ecs, cluster, result.services.values(), spec.access.max_window_minutes)
        except ClientError as exc:
            result.errors.append(f"{cluster}: cannot read service tags (ecs:{error_code(exc)})")
        else:
            result.intervals.extend(tagged)
            result.has_records = result.has_records or bool(tagged)
    return result
