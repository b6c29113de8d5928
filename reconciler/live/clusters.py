"""Clusters: ``ListClusters`` and ``DescribeClusters`` (always with ``include=CONFIGURATIONS,SETTINGS,TAGS``)."""

from __future__ import annotations

from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory
from reconciler.live.declared import CLUSTER_INCLUDE, CLUSTERS, chunks
from reconciler.live.model import LiveCluster
from reconciler.live.parse import parse_cluster


def list_cluster_arns(factory: ClientFactory) -> list[str]:
    """Every cluster ARN of the account/region (``ecs:ListClusters``, 100 per page)."""
    pages = factory.client("ecs").get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 100})
    return [arn for page in pages for arn in page.get("clusterArns", [])]


def _describe_batch(factory: ClientFactory, names: Sequence[str]) -> dict[str, LiveCluster | None]:
    answer = factory.client("ecs").describe_clusters(clusters=list(names), include=CLUSTER_INCLUDE)
    found: dict[str, LiveCluster | None] = {name: None for name in names}
    for raw in answer.get("clusters", []):
        if raw.get("status") != "INACTIVE":
            found[raw["clusterName"]] = parse_cluster(raw)
    return found


def describe_clusters(
    factory: ClientFactory, names: Sequence[str]
) -> tuple[dict[str, LiveCluster | None], dict[str, ClientError | BotoCoreError]]:
    """``ecs:DescribeClusters`` for ``names``, 100 per call, with ``include=CONFIGURATIONS,SETTINGS,TAGS``
    (moto returns ``configuration`` without it; real ECS does not).

    Returns ``(clusters, errors)``: ``clusters[name]`` is None for a missing or INACTIVE cluster.
    When a batch fails (access denied on one cluster, throttled after retries), its clusters are
    described one by one so that only the failing ones end up in ``errors``.
    """
    clusters: dict[str, LiveCluster | None] = {}
    errors: dict[str, ClientError | BotoCoreError] = {}
    for batch in chunks(list(names), CLUSTERS.batch_size):
        try:
            clusters.update(_describe_batch(factory, batch))
            continue
        except (ClientError, BotoCoreError) as exc:
            if len(batch) == 1:
                errors[batch[0]] = exc
                continue
        for name in batch:  # isolate the failing cluster(s)
            try:
                clusters.update(_describe_batch(factory, [name]))
            except (ClientError, BotoCoreError) as exc:
                errors[name] = exc
    return clusters, errors


def describe_cluster(factory: ClientFactory, name: str) -> LiveCluster | None:
    """One cluster (``ecs:DescribeClusters``, same ``include``), None when missing or INACTIVE.

    Raises:
        ClientError / BotoCoreError: the call failed.
    """
    return _describe_batch(factory, [name])[name]
