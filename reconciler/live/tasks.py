"""Tasks: ``ListTasks(desiredStatus="RUNNING")`` + ``DescribeTasks``, kept when running (the one rule).

moto's ``ListTasks`` ignores ``serviceName`` and matches the cluster by substring, and a twin task
(``group`` ``ecs-exec:<service>``) is no task of the service for ECS: a service's tasks are read as
the cluster's running tasks filtered on ``clusterArn`` and ``group`` (right on real ECS too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecs_exec.aws import ClientFactory
from reconciler.live.declared import TASKS, chunks
from reconciler.live.model import LiveTask
from reconciler.live.parse import parse_task


def _same_cluster(raw: dict[str, Any], cluster: str) -> bool:
    """``raw``'s ``clusterArn`` is ``cluster`` (a name or an ARN)."""
    arn = str(raw.get("clusterArn", ""))
    return arn == cluster or arn.rsplit("/", 1)[-1] == cluster


def describe_task_answers(factory: ClientFactory, cluster: str, arns: Sequence[str]) -> list[dict[str, Any]]:
    """``DescribeTasks`` (100 per call) of ``arns``: the API's answers of the tasks of ``cluster``."""
    ecs = factory.client("ecs")
    out: list[dict[str, Any]] = []
    for batch in chunks(list(arns), TASKS.batch_size):
        answer = ecs.describe_tasks(cluster=cluster, tasks=list(batch), include=["TAGS"])
        out.extend(dict(raw) for raw in answer.get("tasks", []) if _same_cluster(raw, cluster))
    return out


def running_task_answers(factory: ClientFactory, cluster: str) -> list[dict[str, Any]]:
    """The answers of the running tasks of ``cluster``: ``ListTasks(desiredStatus="RUNNING")``
    (100 per page) + ``DescribeTasks`` per page, kept when :attr:`LiveTask.running`."""
    ecs = factory.client("ecs")
    pages = ecs.get_paginator("list_tasks").paginate(
        cluster=cluster, desiredStatus="RUNNING", PaginationConfig={"PageSize": 100}
    )
    out: list[dict[str, Any]] = []
    for page in pages:
        # A page holds at most 100 ARNs on ECS; moto ignores maxResults, describe_task_answers batches.
        out.extend(
            r
            for r in describe_task_answers(factory, cluster, page.get("taskArns", []))
            if parse_task(r).running
        )
    return out


def read_tasks(factory: ClientFactory, cluster: str) -> tuple[LiveTask, ...]:
    """Running tasks of ``cluster`` (service, twin and standalone)."""
    return tuple(parse_task(raw) for raw in running_task_answers(factory, cluster))


def service_tasks(factory: ClientFactory, cluster: str, service: str) -> list[LiveTask]:
    """Running tasks of ``service`` in ``cluster``, its twins included (:attr:`LiveTask.service_name`)."""
    return [t for t in read_tasks(factory, cluster) if t.service_name == service]
