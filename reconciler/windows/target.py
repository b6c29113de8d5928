"""What a shell needs to know about its service, and waiting for a task it can open in (AWS reads).

:func:`read_service` reads the service and its task definition once (ECS ``DescribeServices`` and
``DescribeTaskDefinition``): the containers to pick from, the deployment controller, and what a twin
copies (launch type or capacity-provider strategy, network configuration, platform version).
:func:`wait_for_shell_tasks` polls ECS ``ListTasks`` / ``DescribeTasks`` with the existing
:class:`~reconciler.windows.waiter.Waiter` until a task qualifies (:func:`~.pick.qualifying`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecs_exec.aws import ClientFactory
from ecs_exec.clock import iso
from ecs_exec.errors import WaitTimeoutError
from reconciler.windows import aws
from reconciler.windows.pick import ContainerDef, ShellTask, qualifying
from reconciler.windows.record import WindowState
from reconciler.windows.waiter import Waiter

PERMISSIONS = ("ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTasks", "ecs:DescribeTasks")


@dataclass(frozen=True)
class ServiceView:
    """A service as a shell sees it.

    Attributes:
        task_definition: the service's ``taskDefinition`` ARN (the twin runs it).
        launch_type / capacity_provider_strategy / network_configuration / platform_version: the
            service's own fields (``DescribeServices`` names), copied by a twin.
        containers: the task definition's containers, in order.
    """

    cluster: str
    service: str
    service_arn: str
    task_definition: str
    deployment_controller: str
    containers: tuple[ContainerDef, ...]
    launch_type: str | None = None
    capacity_provider_strategy: tuple[Mapping[str, Any], ...] = ()
    network_configuration: Mapping[str, Any] | None = None
    platform_version: str | None = None
    enable_execute_command: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


def read_service(factory: ClientFactory, cluster: str, service: str) -> ServiceView:
    """ECS ``DescribeServices`` (via :func:`reconciler.windows.aws.describe_service`) and
    ``DescribeTaskDefinition`` of its task definition.

    Raises:
        NotFoundError: no such cluster or service (exit 4).
    """
    facts = aws.describe_service(factory, cluster, service)
    ecs = factory.client("ecs")
    raw = ecs.describe_services(cluster=cluster, services=[service])["services"][0]
    task_definition = str(raw.get("taskDefinition") or "")
    containers: tuple[ContainerDef, ...] = ()
    if task_definition:
        td = ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]
        containers = tuple(ContainerDef.of(c) for c in td.get("containerDefinitions", []))
    return ServiceView(
        cluster=cluster,
        service=service,
        service_arn=facts.service_arn,
        task_definition=task_definition,
        deployment_controller=facts.deployment_controller,
        containers=containers,
        launch_type=raw.get("launchType"),
        capacity_provider_strategy=tuple(raw.get("capacityProviderStrategy") or ()),
        network_configuration=raw.get("networkConfiguration"),
        platform_version=raw.get("platformVersion"),
        enable_execute_command=facts.enable_execute_command,
        tags=facts.tags,
    )


def group_tasks(factory: ClientFactory, cluster: str, group: str) -> list[dict[str, Any]]:
    """RUNNING and starting tasks of ``cluster`` whose ``group`` is ``group`` (``service:<name>`` or a
    twin's ``ecs-exec:<name>``): ECS ``ListTasks`` (paginated) + ``DescribeTasks`` by 100.

    Filters on ``group`` and the cluster ARN's name (moto's ``ListTasks`` ignores ``serviceName`` and
    matches clusters by substring; the group filter is right on real ECS too).
    """
    ecs = factory.client("ecs")
    arns = [a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster) for a in page["taskArns"]]
    found: list[dict[str, Any]] = []
    for i in range(0, len(arns), 100):
        for raw in ecs.describe_tasks(cluster=cluster, tasks=arns[i : i + 100]).get("tasks", []):
            if raw.get("group") == group and str(raw.get("clusterArn", "")).rsplit("/", 1)[-1] == cluster:
                found.append(dict(raw))
    return found


def wait_for_shell_tasks(
    factory: ClientFactory,
    cluster: str,
    group: str,
    container: str,
    waiter: Waiter,
    *,
    started_by: str | None,
    window: WindowState | None,
    now: datetime,
    task_arns: Sequence[str] = (),
) -> list[ShellTask]:
    """Wait until some task of ``group`` qualifies for a shell in ``container``; those tasks, newest first.

    ``started_by`` (a new deployment's id) or ``task_arns`` (a twin) narrow which tasks count. Bounded
    by the waiter's timeout (``--wait-timeout``) and the window's expiry, whichever is sooner.

    Raises:
        WaitTimeoutError: none in time (exit 7), saying which bound ran out.
    """
    if window is not None:
        waiter = waiter.capped(window.seconds_left(now))

    def probe() -> tuple[bool, list[ShellTask], str]:
        raw = [
            t
            for t in group_tasks(factory, cluster, group)
            if (started_by is None or t.get("startedBy") == started_by)
            and (not task_arns or t.get("taskArn") in task_arns)
        ]
        ready = qualifying(raw, container)
        running = sum(1 for t in raw if t.get("lastStatus") == "RUNNING")
        return bool(ready), ready, f"{running} running task(s), none with exec and its agent ready yet"

    try:
        return waiter.until(probe, f"a task of {cluster}/{group} to open a shell in")
    except WaitTimeoutError as exc:
        until = f" (the window expires at {iso(window.expires_at)})" if window is not None else ""
        raise WaitTimeoutError(f"{exc.message}{until}", hint=exc.hint) from None
