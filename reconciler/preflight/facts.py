"""Everything preflight looks at in the live account, read once and cached (the AWS edge).

:func:`resolve` finds the target (cluster, service, task) and raises :class:`NotFoundError`
(exit 4) for an unknown one; :class:`Facts` then reads the rest lazily, each reader declaring
the IAM actions it needs (``@reads``); :data:`PERMISSIONS` is their union. The cluster, service,
tasks, log group and key are read through the live model (:mod:`reconciler.live`, its rules and
records); the rest return AWS API shapes. A reader that fails raises botocore's error, which the
runner turns into a WARN of the check that needed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from ecs_exec.errors import NotFoundError
from reconciler.live import clusters as live_clusters
from reconciler.live import logs_keys
from reconciler.live import services as live_services
from reconciler.live import tasks as live_tasks
from reconciler.live.model import LiveCluster, LiveKey, LiveLogGroup
from reconciler.live.parse import parse_task

F = TypeVar("F", bound=Callable[..., Any])
_MISSING = object()


def reads(*actions: str) -> Callable[[F], F]:
    """Mark a reader with the IAM actions it needs and cache its answer per arguments."""

    def decorate(fn: F) -> F:
        def wrapper(self: Facts, *args: Any) -> Any:
            key = (fn.__name__, *args)
            value = self._cache.get(key, _MISSING)
            if value is _MISSING:
                value = fn(self, *args)
                self._cache[key] = value
            return value

        wrapper.__doc__ = fn.__doc__
        wrapper.__name__ = fn.__name__
        wrapper.permissions = actions  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


#: Read while resolving the target (see :func:`resolve`).
RESOLVE_PERMISSIONS = ("ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTasks", "ecs:ListTasks")


@dataclass
class Target:
    """The resolved target. ``task`` is None when ``--service`` has no running task.

    ``running_tasks`` counts the service's running tasks (the live model's rule, twins included; a
    RUNNING one is judged before one still starting, the newest first). ``service`` and ``task`` are
    the API answers (preflight judges more fields than the live records keep).
    """

    cluster: LiveCluster
    service: dict[str, Any] | None
    task: dict[str, Any] | None
    container: str | None
    running_tasks: int = 0

    @property
    def cluster_name(self) -> str:
        """``clusterName`` of the resolved cluster."""
        return self.cluster.name

    @property
    def cluster_arn(self) -> str:
        """``clusterArn`` of the resolved cluster."""
        return self.cluster.arn

    @property
    def task_definition_arn(self) -> str | None:
        """The task's task definition, else the service's (None: an ``EXTERNAL`` service keeps it
        in its task sets, and ``DescribeServices`` then has no ``taskDefinition``)."""
        if self.task is not None and self.task.get("taskDefinitionArn"):
            return str(self.task["taskDefinitionArn"])
        if self.service is not None and self.service.get("taskDefinition"):
            return str(self.service["taskDefinition"])
        return None

    def describe(self) -> dict[str, Any]:
        """The ``target`` object of the JSON report."""
        return {
            "cluster": self.cluster_name,
            "service": None if self.service is None else self.service["serviceName"],
            "task": None if self.task is None else self.task["taskArn"],
            "container": self.container,
            "running_tasks": self.running_tasks,
        }


def _task_arn_cluster(task: str) -> str | None:
    """Cluster name in a long task ARN (``arn:aws:ecs:r:a:task/<cluster>/<id>``), else None."""
    m = re.match(r"^arn:[^:]+:ecs:[^:]*:\d*:task/([^/]+)/[^/]+$", task)
    return m.group(1) if m else None


def _newest(tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """The task to judge: a RUNNING one before one still starting, then the newest."""
    return max(
        tasks,
        key=lambda t: (t.get("lastStatus") == "RUNNING", str(t.get("startedAt") or t.get("createdAt") or "")),
    )


def resolve(
    factory: ClientFactory,
    cluster: str,
    *,
    service: str | None = None,
    task: str | None = None,
    container: str | None = None,
) -> Target:
    """Find the target through the live model (:mod:`reconciler.live`): the cluster (``DescribeClusters``
    with ``include=["CONFIGURATIONS", "SETTINGS", "TAGS"]``), the active service (``DescribeServices``),
    and the task (``DescribeTasks``; for a service its newest running task, twins included, via
    ``ListTasks``, or none).

    Raises:
        NotFoundError: unknown or inactive cluster, unknown or not active (DRAINING) service, unknown
            task, or a ``container`` the task does not have (exit 4; one line naming the resource).
        botocore errors: access denied and the like (the CLI maps them to exit 5).
    """
    cl = live_clusters.describe_cluster(factory, cluster)
    if cl is None:
        raise NotFoundError(f"--cluster: cluster {cluster!r} not found in {factory.region}")
    svc: dict[str, Any] | None = None
    tsk: dict[str, Any] | None = None
    running = 0
    if service is not None:
        try:
            svc = live_services.describe_service_answer(factory, cl.arn, service)
        except NotFoundError as exc:
            draining = " (it is DRAINING: being deleted)" if "DRAINING" in exc.message else ""
            raise NotFoundError(
                f"--service: service {service!r} not found in cluster {cluster!r}{draining}"
            ) from None
        tasks = [
            t
            for t in live_tasks.running_task_answers(factory, cl.arn)
            if parse_task(t).service_name == service
        ]
        running = len(tasks)
        tsk = _newest(tasks) if tasks else None
    if task is not None:
        owner = _task_arn_cluster(task)
        if owner is not None and owner != cl.name:
            raise NotFoundError(f"--task: task {task!r} belongs to cluster {owner!r}, not {cluster!r}")
        try:
            found = live_tasks.describe_task_answers(factory, cl.arn, [task])
        except ClientError as exc:
            if error_code(exc) != "InvalidParameterException":  # ECS: a malformed task id or ARN
                raise
            found = []
        if not found:
            raise NotFoundError(f"--task: task {task!r} not found in cluster {cluster!r}")
        tsk = found[0]
        running = 1 if parse_task(tsk).running else 0
    if container is not None and tsk is not None:
        names = [c.get("name") for c in tsk.get("containers", [])]
        if container not in names:
            raise NotFoundError(
                f"--container: task {tsk['taskArn']} has no container {container!r} (has: {', '.join(map(str, names))})"
            )
    return Target(cluster=cl, service=svc, task=tsk, container=container, running_tasks=running)


@dataclass(frozen=True)
class BucketEncryption:
    """``GetBucketEncryption`` condensed: ``exists`` False for NoSuchBucket; ``algorithm`` None without
    default encryption, else ``AES256`` / ``aws:kms`` / ``aws:kms:dsse`` with ``kms_key`` (may be None)."""

    exists: bool
    algorithm: str | None = None
    kms_key: str | None = None


def _json(doc: Any) -> Any:
    return json.loads(doc) if isinstance(doc, str) else doc


@dataclass
class Facts:
    """Lazily read, cached facts about one target (see each reader for the AWS API it follows)."""

    factory: ClientFactory
    target: Target
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    @reads("ecs:DescribeTaskDefinition")
    def task_definition(self) -> dict[str, Any] | None:
        """ECS ``DescribeTaskDefinition`` of the task's (else the service's) task definition."""
        arn = self.target.task_definition_arn
        if arn is None:
            return None
        answer = self.factory.client("ecs").describe_task_definition(taskDefinition=arn)
        return dict(answer["taskDefinition"])

    @reads("logs:DescribeLogGroups")
    def log_group(self, name: str) -> LiveLogGroup | None:
        """CloudWatch Logs ``DescribeLogGroups`` (prefix ``name``, exact match), or None (the live model's read)."""
        return logs_keys.read_log_group(self.factory, name)

    @reads("s3:GetEncryptionConfiguration")
    def bucket_encryption(self, bucket: str) -> BucketEncryption:
        """S3 ``GetBucketEncryption``: whether ``bucket`` exists and its default encryption."""
        try:
            answer = self.factory.client("s3").get_bucket_encryption(Bucket=bucket)
        except ClientError as exc:
            code = error_code(exc)
            if code == "NoSuchBucket":
                return BucketEncryption(exists=False)
            if code == "ServerSideEncryptionConfigurationNotFoundError":
                return BucketEncryption(exists=True)
            raise
        for rule in answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
            default = rule.get("ApplyServerSideEncryptionByDefault") or {}
            if default.get("SSEAlgorithm"):
                return BucketEncryption(True, default["SSEAlgorithm"], default.get("KMSMasterKeyID"))
        return BucketEncryption(exists=True)

    @reads("s3:GetBucketPolicy")
    def bucket_policy(self, bucket: str) -> Any | None:
        """S3 ``GetBucketPolicy`` as a dict, or None when the bucket has no policy."""
        try:
            return _json(self.factory.client("s3").get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucketPolicy":
                return None
            raise

    @reads("kms:GetKeyPolicy")
    def key_policy(self, key_arn: str) -> Any:
        """KMS ``GetKeyPolicy`` (``PolicyName="default"``) as a dict."""
        return _json(self.factory.client("kms").get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])

    @reads("kms:DescribeKey")
    def key(self, key_arn: str) -> LiveKey:
        """KMS ``DescribeKey``: the key's state (:attr:`LiveKey.usable`, the live model's one rule)."""
        return logs_keys.read_key(self.factory, key_arn)

    @reads("ecs:DescribeContainerInstances")
    def container_instance(self, arn: str) -> dict[str, Any] | None:
        """ECS ``DescribeContainerInstances`` of one instance of the target cluster, or None."""
        answer = self.factory.client("ecs").describe_container_instances(
            cluster=self.target.cluster_arn, containerInstances=[arn]
        )
        found = answer.get("containerInstances", [])
        return dict(found[0]) if found else None

    @reads("ec2:DescribeSubnets")
    def subnet(self, subnet_id: str) -> dict[str, Any]:
        """EC2 ``DescribeSubnets`` of one subnet."""
        return dict(self.factory.client("ec2").describe_subnets(SubnetIds=[subnet_id])["Subnets"][0])

    @reads("ec2:DescribeRouteTables")
    def route_table(self, subnet_id: str, vpc_id: str) -> dict[str, Any] | None:
        """EC2 ``DescribeRouteTables``: the subnet's explicitly associated table, else the VPC's main table."""
        ec2 = self.factory.client("ec2")
        explicit = ec2.describe_route_tables(
            Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
        )
        tables = explicit.get("RouteTables", [])
        if not tables:
            main = ec2.describe_route_tables(
                Filters=[
                    {"Name": "vpc-id", "Values": [vpc_id]},
                    {"Name": "association.main", "Values": ["true"]},
                ]
            )
            tables = main.get("RouteTables", [])
        return dict(tables[0]) if tables else None

    @reads("ec2:DescribeVpcEndpoints")
    def vpc_endpoint_services(self, vpc_id: str) -> frozenset[str]:
        """EC2 ``DescribeVpcEndpoints`` of the VPC: the short service names (``ssmmessages``, ``logs``)
        of endpoints that are not deleted or failed."""
        names: set[str] = set()
        paginator = self.factory.client("ec2").get_paginator("describe_vpc_endpoints")
        for page in paginator.paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]):
            for ep in page.get("VpcEndpoints", []):
                if str(ep.get("State", "available")).lower() in ("deleted", "deleting", "failed", "rejected"):
                    continue
                names.add(re.sub(r"^.*\.", "", str(ep.get("ServiceName", ""))))
        return frozenset(names)


PERMISSIONS = tuple(
    sorted(
        set(RESOLVE_PERMISSIONS) | {a for fn in vars(Facts).values() for a in getattr(fn, "permissions", ())}
    )
)
