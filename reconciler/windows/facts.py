"""What the windows know about one live ECS service and its tasks: typed facts, no AWS calls.

:mod:`reconciler.windows.aws` builds them from ``DescribeServices`` / ``DescribeTasks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.windows.record import WINDOW_TAG_KEYS, WindowState, parse_window


@dataclass(frozen=True)
class ServiceFacts:
    """What the windows need to know about one live ECS service (from ``DescribeServices``).

    Attributes:
        enable_execute_command: the service's ``enableExecuteCommand``.
        deployment_controller: ``deploymentController.type`` (``ECS`` when absent).
        primary_deployment_id: id of the ``PRIMARY`` deployment (``ecs-svc/...``), if any.
        tags: the service's tags as a dict.
    """

    cluster: str
    service: str
    service_arn: str
    enable_execute_command: bool
    deployment_controller: str = "ECS"
    primary_deployment_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def window(self) -> WindowState | None:
        """The window recorded in the tags (None when there is none or it is unreadable)."""
        return parse_window(dict(self.tags))

    @property
    def has_window_tags(self) -> bool:
        """True when any ``ecs-exec:window-*`` tag is present (even an unreadable one)."""
        return any(key in self.tags for key in WINDOW_TAG_KEYS)


@dataclass(frozen=True)
class TaskFacts:
    """One task of a service (from ``DescribeTasks``).

    Attributes:
        enable_execute_command: the task's ``enableExecuteCommand`` (False when the API leaves it out).
        started_by: ``startedBy`` (the deployment id for service tasks).
        containers: container names, in task-definition order.
        agent_ready: False while any container's ``ExecuteCommandAgent`` is known and not RUNNING.
    """

    task_arn: str
    last_status: str
    enable_execute_command: bool
    started_by: str | None = None
    containers: tuple[str, ...] = ()
    agent_ready: bool = True

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]

    @property
    def allows_exec(self) -> bool:
        """Running (or about to run) with exec enabled: a shell can be opened into it."""
        return self.enable_execute_command and self.last_status in {
            "PROVISIONING",
            "PENDING",
            "ACTIVATING",
            "RUNNING",
        }
