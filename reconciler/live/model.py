"""The live model: immutable records of what the account holds, and the one definition of each rule.

Every job (drift, windows, audit, preflight) reads ECS, CloudWatch Logs and KMS through
:mod:`reconciler.live` and judges with the definitions below, so the commands cannot disagree:

- **active service** (:attr:`LiveService.active`): ``status == "ACTIVE"``. A ``DRAINING`` service is
  being deleted (ECS refuses ``UpdateService`` on it): no job updates it or counts it as a service;
  its tasks that still allow exec are stragglers (their service is not active).
- **running task** (:attr:`LiveTask.running`): listed by ``ListTasks(desiredStatus="RUNNING")`` and
  ``lastStatus`` one of :data:`RUNNING_STATES` (``PROVISIONING``, ``PENDING``, ``ACTIVATING``,
  ``RUNNING``): a task that is or is about to be running.
- **task that allows exec** (:attr:`LiveTask.allows_exec`): a running task with ``enableExecuteCommand``
  (a shell can be opened in it now or once it runs).
- **exec-ready task** (:attr:`LiveTask.exec_ready`): ``lastStatus == "RUNNING"``, ``enableExecuteCommand``
  and every container's ``ExecuteCommandAgent`` (``managedAgents``) ``RUNNING``; a container whose
  answer lists no such agent is not ready.
- **a task's service** (:attr:`LiveTask.service_name`): the ``group`` ``service:<name>`` (started by
  the service) or ``ecs-exec:<name>`` (a twin task of ``ecs-exec shell --mode twin``): twins belong
  to their service.
- **key state** (:attr:`LiveKey.usable`): ``KeyMetadata.KeyState == "Enabled"``; a key ``DescribeKey``
  does not find reads as :data:`KEY_NOT_FOUND`.
- **exec configuration equality**: :func:`reconciler.live.exec_config.exec_config_differences`.

Records keep only the fields the jobs need, never the raw API answers (a fleet of 10,000 services
stays small in memory); names follow the AWS API fields they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: ``lastStatus`` values of a running task (see the module docstring).
RUNNING_STATES = frozenset({"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"})
#: ``group`` prefixes that tie a task to a service: started by the service, or its twin.
SERVICE_GROUP = "service:"
TWIN_GROUP = "ecs-exec:"
#: The managed agent ECS Exec needs in every container.
EXEC_AGENT = "ExecuteCommandAgent"
#: :attr:`LiveKey.state` of a key ``DescribeKey`` does not find (deleted).
KEY_NOT_FOUND = "NotFound"


def service_of_group(group: str | None) -> str | None:
    """The service a task ``group`` ties it to (``service:api`` and the twin's ``ecs-exec:api`` ->
    ``api``), or None (a standalone task)."""
    for prefix in (SERVICE_GROUP, TWIN_GROUP):
        if group and group.startswith(prefix) and len(group) > len(prefix):
            return group[len(prefix) :]
    return None


@dataclass(frozen=True)
class LiveCluster:
    """A cluster as ``DescribeClusters(include=[CONFIGURATIONS, SETTINGS, TAGS])`` returns it."""

    arn: str
    name: str
    status: str
    execute_command_configuration: Mapping[str, Any] | None
    container_insights: str | None


@dataclass(frozen=True)
class LiveLogGroup:
    """A log group from ``DescribeLogGroups``: ``kmsKeyId`` (key ARN) and ``retentionInDays`` (None: never expire)."""

    name: str
    arn: str
    kms_key_id: str | None
    retention_in_days: int | None


@dataclass(frozen=True)
class LiveKey:
    """A KMS key from ``DescribeKey``: ``KeyState`` (``Enabled``, ``Disabled``, ``PendingDeletion``,
    ... or :data:`KEY_NOT_FOUND`) and ``DeletionDate`` (ISO 8601 UTC, or None)."""

    arn: str
    state: str
    deletion_date: str | None = None

    @property
    def usable(self) -> bool:
        """The one key-state rule: only an ``Enabled`` key encrypts sessions (disabled or pending
        deletion, every session fails; once deleted the transcripts kept so far are unreadable)."""
        return self.state == "Enabled"


@dataclass(frozen=True)
class LiveService:
    """A service from ``DescribeServices(include=["TAGS"])``; ``tags`` as a plain ``{key: value}``.

    Attributes:
        cluster: the cluster's name; status: ``ACTIVE``, ``DRAINING`` or ``INACTIVE``.
        deployment_controller: ``deploymentController.type`` (``ECS`` when absent).
        primary_deployment_id: id of the ``PRIMARY`` deployment (``ecs-svc/...``), if any.
    """

    arn: str
    name: str
    enable_execute_command: bool
    deployment_controller: str = "ECS"
    tags: Mapping[str, str] = field(default_factory=dict)
    cluster: str = ""
    status: str = "ACTIVE"
    primary_deployment_id: str | None = None

    @property
    def active(self) -> bool:
        """The one active-service rule: ``status == "ACTIVE"`` (``DRAINING`` is being deleted)."""
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class LiveContainer:
    """One container of a task: its name and its ``ExecuteCommandAgent``'s ``lastStatus`` /
    ``reason`` (None when the answer lists no such agent)."""

    name: str
    exec_agent_status: str | None = None
    exec_agent_reason: str | None = None


@dataclass(frozen=True)
class LiveTask:
    """A task from ``DescribeTasks``.

    Attributes:
        group: ``service:<name>`` for a service's task, ``ecs-exec:<name>`` for its twin.
        enable_execute_command: False when the API leaves it out.
        started_by: ``startedBy`` (the deployment id for service tasks); started_at: ``startedAt``.
        containers: in task-definition order.
    """

    arn: str
    group: str
    enable_execute_command: bool
    last_status: str = "RUNNING"
    started_by: str | None = None
    started_at: datetime | None = None
    containers: tuple[LiveContainer, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def twin_of(self) -> str | None:
        """The service this task is the twin of (group ``ecs-exec:<service>``), else None."""
        return service_of_group(self.group) if self.is_twin else None

    @property
    def task_id(self) -> str:
        """The last part of the task ARN."""
        return self.arn.rsplit("/", 1)[-1]

    @property
    def service_name(self) -> str | None:
        """Owning service name (its twin included), or None for a standalone task."""
        return service_of_group(self.group)

    @property
    def is_twin(self) -> bool:
        """A twin task (``group`` ``ecs-exec:<service>``)."""
        return self.group.startswith(TWIN_GROUP)

    @property
    def running(self) -> bool:
        """The one running-task rule: ``lastStatus`` in :data:`RUNNING_STATES`."""
        return self.last_status in RUNNING_STATES

    @property
    def allows_exec(self) -> bool:
        """Running with ``enableExecuteCommand``: a shell can be opened in it (now or once it runs)."""
        return self.running and self.enable_execute_command

    @property
    def agents_ready(self) -> bool:
        """Every container's ``ExecuteCommandAgent`` is ``RUNNING`` (a container without one is not)."""
        return bool(self.containers) and all(c.exec_agent_status == "RUNNING" for c in self.containers)

    @property
    def exec_ready(self) -> bool:
        """The one exec-ready rule: ``RUNNING``, ``enableExecuteCommand``, every agent ``RUNNING``."""
        return self.last_status == "RUNNING" and self.enable_execute_command and self.agents_ready

    @property
    def container_names(self) -> tuple[str, ...]:
        """Container names, in task-definition order."""
        return tuple(c.name for c in self.containers)
