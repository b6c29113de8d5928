"""Declared readers: one small reader per kind of resource, with the API it calls and its permissions.

Each reader states (Cloud Custodian style) the API that lists and describes the resource, the id
field, the largest batch the describe call accepts and the IAM actions it needs; the read
functions below use exactly those, with boto3 paginators and full batches so the number of calls
is the minimum possible (``DescribeClusters`` 100 per call, ``ListServices`` 100 per page,
``DescribeServices`` 10 per call, ``ListTasks`` 100 per page, ``DescribeTasks`` 100 per call).

Every function takes the shared :class:`~ecs_exec.aws.ClientFactory` (thread-safe clients,
standard retry mode) and returns immutable records from :mod:`reconciler.drift.model`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory
from reconciler.drift.model import (
    KEY_NOT_FOUND,
    LiveCluster,
    LiveKey,
    LiveLogGroup,
    LiveService,
    LiveTask,
)
from reconciler.windows.record import tags_to_dict

T = TypeVar("T")


@dataclass(frozen=True)
class Reader:
    """How one kind of resource is read: list API (None: the describe call pages itself), describe
    API, id field, largest describe batch, and the IAM actions needed."""

    kind: str
    list_api: str | None
    describe_api: str
    id_field: str
    batch_size: int
    permissions: tuple[str, ...]


CLUSTERS = Reader(
    "cluster",
    "ecs:ListClusters",
    "ecs:DescribeClusters",
    "clusterArn",
    100,
    ("ecs:ListClusters", "ecs:DescribeClusters"),
)
LOG_GROUPS = Reader(
    "log_group", None, "logs:DescribeLogGroups", "logGroupName", 50, ("logs:DescribeLogGroups",)
)
KMS_ALIASES = Reader("kms_alias", None, "kms:ListAliases", "AliasName", 100, ("kms:ListAliases",))
#: One ``DescribeKey`` per distinct exec key (KMS has no batch describe): its ``KeyState``.
KMS_KEYS = Reader("kms_key", None, "kms:DescribeKey", "KeyId", 1, ("kms:DescribeKey",))
SERVICES = Reader(
    "service",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "serviceArn",
    10,
    ("ecs:ListServices", "ecs:DescribeServices"),
)
TASKS = Reader(
    "task", "ecs:ListTasks", "ecs:DescribeTasks", "taskArn", 100, ("ecs:ListTasks", "ecs:DescribeTasks")
)

READERS: tuple[Reader, ...] = (CLUSTERS, LOG_GROUPS, KMS_ALIASES, KMS_KEYS, SERVICES, TASKS)

#: IAM actions every reader together needs (the nightly drift role must allow them).
PERMISSIONS: tuple[str, ...] = tuple(sorted({p for r in READERS for p in r.permissions}))

#: ``include`` of DescribeClusters: ``configuration`` only comes back with CONFIGURATIONS.
CLUSTER_INCLUDE = ["CONFIGURATIONS", "SETTINGS", "TAGS"]


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items (``itertools.batched`` needs Python 3.12)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def list_cluster_arns(factory: ClientFactory) -> list[str]:
    """Every cluster ARN of the account/region (``ecs:ListClusters``, 100 per page)."""
    pages = factory.client("ecs").get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 100})
    return [arn for page in pages for arn in page.get("clusterArns", [])]


def _live_cluster(raw: dict[str, Any]) -> LiveCluster:
    settings = {s.get("name"): s.get("value") for s in raw.get("settings") or []}
    return LiveCluster(
        arn=raw["clusterArn"],
        name=raw["clusterName"],
        status=raw.get("status", ""),
        execute_command_configuration=(raw.get("configuration") or {}).get("executeCommandConfiguration"),
        container_insights=settings.get("containerInsights"),
    )


def _describe_cluster_batch(factory: ClientFactory, names: Sequence[str]) -> dict[str, LiveCluster | None]:
    answer = factory.client("ecs").describe_clusters(clusters=list(names), include=CLUSTER_INCLUDE)
    found: dict[str, LiveCluster | None] = {name: None for name in names}
    for raw in answer.get("clusters", []):
        if raw.get("status") != "INACTIVE":
            found[raw["clusterName"]] = _live_cluster(raw)
    return found


def describe_clusters(
    factory: ClientFactory, names: Sequence[str]
) -> tuple[dict[str, LiveCluster | None], dict[str, ClientError | BotoCoreError]]:
    """``ecs:DescribeClusters`` for ``names``, 100 per call, with ``include=CONFIGURATIONS,SETTINGS,TAGS``.

    Returns ``(clusters, errors)``: ``clusters[name]`` is None for a missing or INACTIVE cluster.
    When a batch fails (access denied on one cluster, throttled after retries), its clusters are
    described one by one so that only the failing ones end up in ``errors``.
    """
    clusters: dict[str, LiveCluster | None] = {}
    errors: dict[str, ClientError | BotoCoreError] = {}
    for batch in chunks(list(names), CLUSTERS.batch_size):
        try:
            clusters.update(_describe_cluster_batch(factory, batch))
            continue
        except (ClientError, BotoCoreError) as exc:
            if len(batch) == 1:
                errors[batch[0]] = exc
                continue
        for name in batch:  # isolate the failing cluster(s)
            try:
                clusters.update(_describe_cluster_batch(factory, [name]))
            except (ClientError, BotoCoreError) as exc:
                errors[name] = exc
    return clusters, errors


def read_log_groups(factory: ClientFactory, prefix: str) -> dict[str, LiveLogGroup]:
    """Log groups whose name starts with ``prefix`` (``logs:DescribeLogGroups``, 50 per page), by name."""
    pages = factory.client("logs").get_paginator("describe_log_groups").paginate(logGroupNamePrefix=prefix)
    groups: dict[str, LiveLogGroup] = {}
    for page in pages:
        for raw in page.get("logGroups", []):
            name = raw["logGroupName"]
            groups[name] = LiveLogGroup(
                name=name,
                arn=raw.get("logGroupArn") or raw.get("arn", "").removesuffix(":*"),
                kms_key_id=raw.get("kmsKeyId"),
                retention_in_days=raw.get("retentionInDays"),
            )
    return groups


def read_kms_aliases(factory: ClientFactory, prefix: str) -> dict[str, str]:
    """``{alias name: target key id}`` of the aliases starting with ``prefix`` (``kms:ListAliases``).

    ListAliases has no name filter; one paginated listing serves the whole fleet (instead of one
    ``DescribeKey`` per cluster).
    """
    pages = factory.client("kms").get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 100})
    return {
        a["AliasName"]: a["TargetKeyId"]
        for page in pages
        for a in page.get("Aliases", [])
        if a["AliasName"].startswith(prefix) and a.get("TargetKeyId")
    }


def read_key(factory: ClientFactory, key_arn: str) -> LiveKey:
    """One exec key's ``KeyMetadata.KeyState`` and ``DeletionDate`` (``kms:DescribeKey``); a key
    ``DescribeKey`` answers ``NotFoundException`` for (deleted) reads as :data:`~.model.KEY_NOT_FOUND`.

    Raises:
        ClientError / BotoCoreError: any other failure (access denied, throttled after retries).
    """
    try:
        meta = factory.client("kms").describe_key(KeyId=key_arn).get("KeyMetadata") or {}
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NotFoundException":
            return LiveKey(key_arn, KEY_NOT_FOUND)
        raise
    state = meta.get("KeyState") or ("Enabled" if meta.get("Enabled", True) else "Disabled")
    deletion = meta.get("DeletionDate")
    return LiveKey(key_arn, str(state), f"{deletion:%Y-%m-%dT%H:%M:%SZ}" if deletion else None)


def read_services(factory: ClientFactory, cluster_arn: str) -> tuple[LiveService, ...]:
    """ACTIVE services of a cluster: ``ListServices`` (100 per page) + ``DescribeServices`` (10 per call,
    ``include=["TAGS"]`` for the exec-window tags)."""
    ecs = factory.client("ecs")
    pages = ecs.get_paginator("list_services").paginate(
        cluster=cluster_arn, PaginationConfig={"PageSize": 100}
    )
    services: list[LiveService] = []
    for page in pages:
        for batch in chunks(page.get("serviceArns", []), SERVICES.batch_size):
            answer = ecs.describe_services(cluster=cluster_arn, services=list(batch), include=["TAGS"])
            for raw in answer.get("services", []):
                if raw.get("status", "ACTIVE") != "ACTIVE":
                    continue
                services.append(
                    LiveService(
                        arn=raw["serviceArn"],
                        name=raw["serviceName"],
                        enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
                        deployment_controller=(raw.get("deploymentController") or {}).get("type", "ECS"),
                        tags=tags_to_dict(raw.get("tags")),
                    )
                )
    return tuple(services)


def read_tasks(factory: ClientFactory, cluster_arn: str) -> tuple[LiveTask, ...]:
    """Running tasks of a cluster (service and standalone): ``ListTasks`` (100 per page,
    ``desiredStatus=RUNNING``) + one ``DescribeTasks`` per page (100 per call).

    Keeps only tasks whose ``clusterArn`` is this cluster (moto matches the cluster by substring)
    and that are not already STOPPED. A missing ``enableExecuteCommand`` reads as False.
    """
    ecs = factory.client("ecs")
    pages = ecs.get_paginator("list_tasks").paginate(
        cluster=cluster_arn, desiredStatus="RUNNING", PaginationConfig={"PageSize": 100}
    )
    tasks: list[LiveTask] = []
    for page in pages:
        # A page holds at most 100 ARNs on ECS; moto ignores maxResults, so batch anyway.
        for batch in chunks(page.get("taskArns", []), TASKS.batch_size):
            _describe_tasks(ecs, cluster_arn, batch, tasks)
    return tuple(tasks)


def _describe_tasks(ecs: Any, cluster_arn: str, arns: Sequence[str], into: list[LiveTask]) -> None:
    answer = ecs.describe_tasks(cluster=cluster_arn, tasks=list(arns), include=["TAGS"])
    for raw in answer.get("tasks", []):
        if raw.get("clusterArn") != cluster_arn or raw.get("lastStatus") == "STOPPED":
            continue
        into.append(
            LiveTask(
                arn=raw["taskArn"],
                group=raw.get("group", ""),
                enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
                tags=tags_to_dict(raw.get("tags")),
            )
        )
