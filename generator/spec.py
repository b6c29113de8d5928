"""The desired-state model: one ``config/<env>.yaml`` validated by strict pydantic models.

One model feeds both sides of the project: the generator renders Terraform from it and derives
the *expected API shapes* (see :mod:`generator.expected`), and the reconciler compares the live
account with those shapes. Every model forbids unknown keys and is frozen.

Names and ARNs that more than one side needs (the exec log group of a cluster, the exec-window
role ARN, the schedule group) are derived here, once, so that Terraform, the reconciler and
the exec-window commands can never disagree.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from generator.api_limits import ApiRateLimits
from generator.spec_access import (  # noqa: F401 - re-exported
    AccessSpec,
    OperatorSpec,
    WindowsSpec,
    principal_arns,
)
from generator.spec_base import (  # noqa: F401 - re-exported: the model is generator.spec
    ACCOUNT_ID,
    BUCKET_RE,
    CONTAINER_NAME,
    ECS_NAME,
    IAM_POLICY_NAME_MAX,
    KMS_ALIAS_MAX,
    KMS_KEY_ARN_RE,
    LOG_GROUP_MAX,
    LOG_GROUP_RE,
    LOG_RETENTION_DAYS,
    MAX_TAGS,
    MAX_WINDOW_MINUTES,
    PRINCIPAL_ARN_RE,
    REGION,
    ROLE_NAME,
    TAG_RE,
    BackendSpec,
    ContainerInsights,
    DeploymentController,
    ExecMode,
    _Strict,
)
from generator.spec_logging import (  # noqa: F401 - re-exported
    ExecLoggingSpec,
    KmsSpec,
    ObjectLockMode,
    ObjectLockSpec,
    S3LoggingSpec,
)
from generator.spec_trust import DriftSpec, check_trust_rules


class ServiceSpec(_Strict):
    """A service the config knows about (windows also work on services the config does not name)."""

    name: ECS_NAME
    task_role_name: ROLE_NAME = Field(
        description="Task role (not the execution role) that gets the exec policy."
    )
    create_task_role: StrictBool = Field(
        default=False, description="Render the task role itself (local/demo environments)."
    )
    deployment_controller: DeploymentController = DeploymentController.ECS
    containers: list[CONTAINER_NAME] = Field(
        default_factory=lambda: ["app"], description="Container names in the task definition."
    )
    task_definition_family: ECS_NAME | None = Field(
        default=None,
        description="Task-definition family of the service (default: the service name): the exec-window "
        "role may RunTask only these families (`ecs-exec shell --mode twin`).",
    )
    execution_role_name: ROLE_NAME | None = Field(
        default=None,
        description="The task definition's execution role, when it has one: the exec-window role may "
        "pass it (with the task role) to ECS for a twin task.",
    )

    @property
    def family(self) -> str:
        """The task-definition family a twin of this service runs (``task_definition_family`` or the name)."""
        return self.task_definition_family or self.name


class ClusterExecSpec(_Strict):
    mode: ExecMode = ExecMode.WINDOWED


class ClusterSpec(_Strict):
    """One ECS cluster and its exec setup."""

    name: ECS_NAME
    existing: StrictBool = Field(default=False, description="Adopt an existing cluster with an import block.")
    container_insights: ContainerInsights = ContainerInsights.ENABLED
    exec: ClusterExecSpec = Field(default_factory=ClusterExecSpec)
    services: list[ServiceSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_services(self) -> ClusterSpec:
        seen: set[str] = set()
        for i, svc in enumerate(self.services):
            if svc.name in seen:
                raise ValueError(f"services[{i}].name: duplicate service name {svc.name!r}")
            seen.add(svc.name)
        return self


class EnvironmentSpec(_Strict):
    """The whole desired state of one environment (``config/<env>.yaml``)."""

    environment: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,20}$")]
    region: REGION
    account_id: ACCOUNT_ID
    production: StrictBool = Field(
        default=False, description="Production: 'always' is refused, close stops tasks by default."
    )
    backend: BackendSpec | None = Field(default=None, description="S3 backend; absent means local state.")
    tags: dict[str, str] = Field(default_factory=dict, description="Default tags on every resource.")
    exec_logging: ExecLoggingSpec = Field(default_factory=ExecLoggingSpec)
    access: AccessSpec = Field(default_factory=AccessSpec)
    windows: WindowsSpec
    drift_role_name: ROLE_NAME = Field(description="Least-privilege role of the nightly drift job.")
    drift: DriftSpec = Field(default_factory=DriftSpec, description="Who may assume the drift role.")
    clusters: list[ClusterSpec] = Field(min_length=1)
    api_rate_limits: ApiRateLimits = Field(
        default_factory=dict,
        description="Request quotas that differ from AWS's defaults, per API group (raised quotas).",
    )

    @model_validator(mode="after")
    def _rules(self) -> EnvironmentSpec:
        names: set[str] = set()
        for i, cl in enumerate(self.clusters):
            if cl.name in names:
                raise ValueError(f"clusters[{i}].name: duplicate cluster name {cl.name!r}")
            names.add(cl.name)
            if self.production and cl.exec.mode is ExecMode.ALWAYS:
                raise ValueError(
                    f"clusters[{i}].exec.mode: 'always' is refused in a production environment (use 'windowed')"
                )
        for i, op in enumerate(self.access.operators):
            for c in op.clusters:
                if c != "*" and c not in names:
                    raise ValueError(f"access.operators[{i}].clusters: unknown cluster {c!r}")
        self._trust_rules()
        s3 = self.exec_logging.s3
        if s3 is not None:
            for cl in self.clusters:
                if len(f"{s3.bucket_prefix}-{cl.name}") > 63:
                    raise ValueError(
                        f"exec_logging.s3.bucket_prefix: bucket name for cluster {cl.name!r} would exceed 63 characters"
                    )
        return self

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_text(cls, v: object) -> object:
        if isinstance(v, int) and not isinstance(v, bool):
            raise ValueError(
                'must be a quoted string of 12 digits (account_id: "012345678901"); YAML read a number'
            )
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        if len(v) > MAX_TAGS:
            raise ValueError(
                f"{len(v)} tags; at most {MAX_TAGS} (AWS allows 50 per resource; clusters carry ecs-exec:exec-mode)"
            )
        for key, value in v.items():
            if not 1 <= len(key) <= 128 or not TAG_RE.match(key) or key.lower().startswith("aws:"):
                raise ValueError(
                    f"key {key[:40]!r}: must be 1-128 letters, digits, spaces or _ . : / = + - @, not starting with 'aws:'"
                )
            if len(value) > 256 or not TAG_RE.match(value):
                raise ValueError(
                    f"{key}: value must be at most 256 letters, digits, spaces or _ . : / = + - @"
                )
        return v

    @model_validator(mode="after")
    def _derived_names(self) -> EnvironmentSpec:
        """Names AWS would refuse at apply time, refused here: too long once derived from a cluster
        name, equal after the bucket-name transformation, or one IAM role name used twice."""
        buckets: dict[str, str] = {}
        for i, cl in enumerate(self.clusters):
            for what, name, limit in (
                ("task exec policy name", self.task_exec_policy_name(cl.name), IAM_POLICY_NAME_MAX),
                ("KMS alias", self.kms_alias_name(cl.name), KMS_ALIAS_MAX),
                ("exec log group name", self.exec_log_group_name(cl.name), LOG_GROUP_MAX),
            ):
                if len(name) > limit:
                    raise ValueError(
                        f"clusters[{i}].name: the {what} {name[:40]}... would be {len(name)} characters (AWS allows {limit})"
                    )
            bucket = self.s3_bucket_name(cl.name)
            if bucket is not None:
                if bucket in buckets:
                    raise ValueError(
                        f"clusters[{i}].name: S3 bucket {bucket!r} would be the same as for cluster "
                        f"{buckets[bucket]!r} (bucket names are lowercase with '-' for '_')"
                    )
                if ".." in bucket or ".-" in bucket or "-." in bucket:
                    raise ValueError(
                        f"exec_logging.s3.bucket_prefix: {bucket!r} is not a valid S3 bucket name"
                    )
                buckets[bucket] = cl.name
        self._unique_roles()
        key = self.exec_logging.kms.key_arn
        if key is not None:
            partition, region = key.split(":")[1], key.split(":")[3]
            if (partition, region) != (self.partition, self.region):
                raise ValueError(
                    f"exec_logging.kms.key_arn: the key is in {partition}/{region} but the environment in "
                    f"{self.partition}/{self.region} (ECS exec and CloudWatch Logs use a key of their own region)"
                )
        return self

    def _trust_rules(self) -> None:
        """The root rule of :mod:`generator.spec_trust` on every principal list of the config."""
        check_trust_rules(
            [op.trusted_principals for op in self.access.operators], self.windows.sweep_principals,
            self.drift, self.access.scp, account_id=self.account_id, partition=self.partition,
            production=self.production,
        )  # fmt: skip

    def _unique_roles(self) -> None:
        """Every role this root creates (operators, window, scheduler, drift, created task roles) has a
        name of its own, and no created role takes the name of a task role of the config."""
        created: dict[str, str] = {}
        task_roles = {s.task_role_name: f"clusters[{i}].services[{j}].task_role_name"
                      for i, c in enumerate(self.clusters) for j, s in enumerate(c.services)}  # fmt: skip
        owners = [(f"access.operators[{i}].name", op.name) for i, op in enumerate(self.access.operators)]
        owners += [
            ("windows.role_name", self.windows.role_name),
            ("windows.scheduler_role_name", self.windows.scheduler_role_name),
            ("drift_role_name", self.drift_role_name),
        ]
        for where, name in owners:
            if name in created or name in task_roles:
                other = created.get(name) or task_roles[name]
                raise ValueError(f"{where}: role name {name!r} is already used by {other}")
            created[name] = where

    # ---- derived names and ARNs (one place, used by generator, reconciler and windows) ----

    @property
    def partition(self) -> str:
        """AWS partition of the region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    def cluster(self, name: str) -> ClusterSpec | None:
        """The cluster named ``name``, or None when the config does not name it."""
        return next((c for c in self.clusters if c.name == name), None)

    def role_arn(self, role_name: str) -> str:
        """``arn:<partition>:iam::<account_id>:role/<role_name>``."""
        return f"arn:{self.partition}:iam::{self.account_id}:role/{role_name}"

    def cluster_arn(self, cluster: str) -> str:
        return f"arn:{self.partition}:ecs:{self.region}:{self.account_id}:cluster/{cluster}"

    def exec_log_group_name(self, cluster: str) -> str:
        """The dedicated exec-session log group of ``cluster``: ``<prefix>/<environment>/<cluster>``."""
        return f"{self.exec_logging.log_group_prefix}/{self.environment}/{cluster}"

    def exec_log_group_arn(self, cluster: str) -> str:
        """Log group ARN without the trailing ``:*`` (as IAM conditions and KMS encryption context use it)."""
        return (
            f"arn:{self.partition}:logs:{self.region}:{self.account_id}:log-group:"
            f"{self.exec_log_group_name(cluster)}"
        )

    def kms_alias_name(self, cluster: str) -> str:
        """Alias of the key the generator creates for ``cluster``: ``alias/ecs-exec/<env>/<cluster>``."""
        return f"alias/ecs-exec/{self.environment}/{cluster}"

    def s3_bucket_name(self, cluster: str) -> str | None:
        """Transcript bucket of ``cluster`` (``<bucket_prefix>-<cluster>``), or None without S3 logging."""
        s3 = self.exec_logging.s3
        return None if s3 is None else f"{s3.bucket_prefix}-{cluster.lower().replace('_', '-')}"

    def task_exec_policy_name(self, cluster: str) -> str:
        """Managed policy attached to the task roles of ``cluster``: ``ecs-exec-task-<env>-<cluster>``."""
        return f"ecs-exec-task-{self.environment}-{cluster}"

    @property
    def guard_policy_name(self) -> str:
        """Managed policy denying exec to be turned on: ``ecs-exec-guard-<env>``."""
        return f"ecs-exec-guard-{self.environment}"

    def policy_arn(self, policy_name: str) -> str:
        """``arn:<partition>:iam::<account_id>:policy/<policy_name>``."""
        return f"arn:{self.partition}:iam::{self.account_id}:policy/{policy_name}"

    @property
    def window_role_arn(self) -> str:
        return self.role_arn(self.windows.role_name)

    @property
    def scheduler_role_arn(self) -> str:
        return self.role_arn(self.windows.scheduler_role_name)

    @property
    def dead_letter_queue_arn(self) -> str:
        return (
            f"arn:{self.partition}:sqs:{self.region}:{self.account_id}:{self.windows.dead_letter_queue_name}"
        )
