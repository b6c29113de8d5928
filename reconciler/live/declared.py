"""Declared readers: one small declaration per kind of resource, with the API it calls and its permissions.

Each reader states (Cloud Custodian style) the API that lists and describes the resource, the id
field, the largest batch the describe call accepts and the IAM actions it needs; the read functions
of :mod:`reconciler.live` use exactly those, with boto3 paginators and full batches so the number of
calls is the minimum possible (``DescribeClusters`` 100 per call, ``ListServices`` 100 per page,
``DescribeServices`` 10 per call, ``ListTasks`` 100 per page, ``DescribeTasks`` 100 per call).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

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
    "cluster", "ecs:ListClusters", "ecs:DescribeClusters", "clusterArn", 100,
    ("ecs:ListClusters", "ecs:DescribeClusters"),
)  # fmt: skip
LOG_GROUPS = Reader(
    "log_group", None, "logs:DescribeLogGroups", "logGroupName", 50, ("logs:DescribeLogGroups",)
)
KMS_ALIASES = Reader("kms_alias", None, "kms:ListAliases", "AliasName", 100, ("kms:ListAliases",))
#: One ``DescribeKey`` per distinct exec key (KMS has no batch describe): its ``KeyState``.
KMS_KEYS = Reader("kms_key", None, "kms:DescribeKey", "KeyId", 1, ("kms:DescribeKey",))
SERVICES = Reader(
    "service", "ecs:ListServices", "ecs:DescribeServices", "serviceArn", 10,
    ("ecs:ListServices", "ecs:DescribeServices"),
)  # fmt: skip
TASKS = Reader(
    "task", "ecs:ListTasks", "ecs:DescribeTasks", "taskArn", 100, ("ecs:ListTasks", "ecs:DescribeTasks")
)

READERS: tuple[Reader, ...] = (CLUSTERS, LOG_GROUPS, KMS_ALIASES, KMS_KEYS, SERVICES, TASKS)

#: ``include`` of DescribeClusters: ``configuration`` only comes back with CONFIGURATIONS.
CLUSTER_INCLUDE = ["CONFIGURATIONS", "SETTINGS", "TAGS"]


def permissions_of(*readers: Reader) -> tuple[str, ...]:
    """The IAM actions ``readers`` need together, sorted."""
    return tuple(sorted({p for r in readers for p in r.permissions}))


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items (``itertools.batched`` needs Python 3.12)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
