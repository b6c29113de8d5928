"""Immutable records of the drift reconciler: what was read (live records of :mod:`reconciler.live`),
what differs, what was done. Names follow the AWS API fields they come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The live records are the live model's (one reader for every job); drift keeps only its own records.
from reconciler.live.model import (  # noqa: F401 - re-exported for the drift modules
    KEY_NOT_FOUND,
    LiveCluster,
    LiveKey,
    LiveLogGroup,
    LiveService,
    LiveTask,
)

#: Version of the ``--output json`` document; bump on any incompatible change.
SCHEMA_VERSION = 1


class Kind(StrEnum):
    """Kind of resource a finding is about."""

    CLUSTER = "cluster"
    LOG_GROUP = "log_group"
    SERVICE = "service"
    TASK = "task"
    KMS_KEY = "kms_key"


class Action(StrEnum):
    """What ``drift fix`` does (or asks a person to do) about a finding."""

    UPDATE_CLUSTER = "UpdateCluster"  #: ecs:UpdateCluster with the desired configuration / settings
    PUT_RETENTION_POLICY = "PutRetentionPolicy"  #: logs:PutRetentionPolicy
    UPDATE_SERVICE = "UpdateService"  #: enableExecuteCommand + forceNewDeployment (ECS controller)
    CLOSE_WINDOW = "CloseWindow"  #: a windowed service left open: close it like `exec-window close`
    STOP_TASK = "StopTask"  #: only with --stop-tasks
    #: a twin task (``ecs-exec shell --mode twin``) past its window, or in a ``never`` cluster: always
    #: stopped, whatever ``--stop-tasks`` says, because the twin *is* the window
    STOP_TWIN = "StopTask (twin)"
    RUN_MAKE_APPLY = "run make apply"  #: missing cluster / log group / key: Terraform creates it
    NEW_CODEDEPLOY_DEPLOYMENT = "new CodeDeploy deployment"  #: CODE_DEPLOY / EXTERNAL services
    #: exec key disabled / pending deletion: a person cancels the deletion and enables it (never
    #: ``make apply``: a new key cannot decrypt the transcripts kept so far).
    RESTORE_KEY = "restore KMS key"

    @property
    def automatic(self) -> bool:
        """True when ``drift fix`` can carry the action out itself."""
        return self not in (Action.RUN_MAKE_APPLY, Action.NEW_CODEDEPLOY_DEPLOYMENT, Action.RESTORE_KEY)


class Status(StrEnum):
    """State of a finding in a report."""

    DRIFT = "drift"  #: found by ``check``
    FIXED = "fixed"  #: corrected by ``fix``
    DRY_RUN = "dry-run"  #: ``fix --dry-run``: would be corrected
    MANUAL = "manual"  #: needs a person (make apply, CodeDeploy deployment)
    SKIPPED = "skipped"  #: fixable but not asked for (a task without --stop-tasks)
    FAILED = "failed"  #: the fixing call failed


@dataclass(frozen=True)
class ClusterState:
    """Everything read about one configured cluster.

    Attributes:
        kms_key_arn: the desired key ARN (configured, or resolved from the generator's alias);
            None when the alias does not exist (the key is missing: run make apply).
        cluster: None when the cluster does not exist (or is INACTIVE).
        kms_key: the key's state (None: not read, e.g. its DescribeKey failed).
    """

    name: str
    arn: str
    kms_key_arn: str | None
    cluster: LiveCluster | None
    log_group: LiveLogGroup | None
    services: tuple[LiveService, ...] = ()
    tasks: tuple[LiveTask, ...] = ()
    kms_key: LiveKey | None = None


@dataclass(frozen=True)
class Finding:
    """One field of one resource that differs from the desired state.

    ``desired`` / ``live`` are JSON values (str, bool, int or None). ``service`` names the service
    of a service finding, or the owning service of a task (None: standalone task).
    """

    cluster: str
    kind: Kind
    resource: str
    field: str
    desired: Any
    live: Any
    action: Action
    service: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """A finding and what became of it (``check``: always DRIFT or MANUAL)."""

    finding: Finding
    status: Status
    message: str = ""


@dataclass(frozen=True)
class ClusterError:
    """An AWS failure that stopped one cluster (or a fleet-level read) from being fully handled.

    ``cluster`` is ``"*"`` for a fleet-level read (ListClusters); ``code`` is the AWS error code.
    """

    cluster: str
    operation: str
    code: str
    message: str


@dataclass(frozen=True)
class ClusterResult:
    """What happened to one configured cluster."""

    name: str
    outcomes: tuple[Outcome, ...] = ()
    errors: tuple[ClusterError, ...] = ()
    services_read: int = 0
    tasks_read: int = 0


@dataclass(frozen=True)
class DriftReport:
    """The whole run: one result per configured cluster, the unmanaged clusters, fleet-level errors,
    and how many answers were throttled (``ThrottlingException`` and the like, each retried or failed)."""

    command: str
    environment: str
    results: tuple[ClusterResult, ...]
    unmanaged: tuple[str, ...] = ()
    fleet_errors: tuple[ClusterError, ...] = ()
    throttled_retries: int = 0

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(o for r in self.results for o in r.outcomes)

    @property
    def errors(self) -> tuple[ClusterError, ...]:
        return self.fleet_errors + tuple(e for r in self.results for e in r.errors)
