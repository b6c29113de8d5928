"""Services: ``ListServices`` + ``DescribeServices(include=["TAGS"])``; only active services count.

See :attr:`reconciler.live.model.LiveService.active` for the rule (``ACTIVE``; a ``DRAINING``
service is being deleted).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from ecs_exec.errors import NotFoundError
from reconciler.live.declared import SERVICES, chunks
from reconciler.live.model import LiveService
from reconciler.live.parse import parse_service


def _cluster_name(cluster: str) -> str:
    return cluster.rsplit("/", 1)[-1]


def read_services(
    factory: ClientFactory, cluster: str, *, include_draining: bool = False
) -> tuple[LiveService, ...]:
    """The active services of ``cluster`` (name or ARN): ``ListServices`` (100 per page) +
    ``DescribeServices`` (10 per call, ``include=["TAGS"]`` for the exec-window tags), in listing order.

    ``include_draining`` keeps ``DRAINING`` ones too (their tasks are stragglers; no job updates them).

    Raises:
        ClientError / BotoCoreError: a call failed (``ClusterNotFoundException`` for a missing cluster).
    """
    ecs = factory.client("ecs")
    pages = ecs.get_paginator("list_services").paginate(cluster=cluster, PaginationConfig={"PageSize": 100})
    services: list[LiveService] = []
    for page in pages:
        for batch in chunks(page.get("serviceArns", []), SERVICES.batch_size):
            answer = ecs.describe_services(cluster=cluster, services=list(batch), include=["TAGS"])
            for raw in answer.get("services", []):
                svc = parse_service(raw, _cluster_name(cluster))
                if svc.active or (include_draining and svc.status == "DRAINING"):
                    services.append(svc)
    return tuple(services)


def describe_service_answer(factory: ClientFactory, cluster: str, service: str) -> dict[str, Any]:
    """The ``DescribeServices`` answer (``include=["TAGS"]``) of one active service, for a job that
    needs more of it than :class:`LiveService` keeps (preflight); :func:`describe_service` parses it.

    Raises:
        NotFoundError: the cluster or the service does not exist, or the service is not active
            (``DRAINING`` / ``INACTIVE``) (exit 4).
        ClientError / BotoCoreError: any other failure.
    """
    try:
        answer = factory.client("ecs").describe_services(
            cluster=cluster, services=[service], include=["TAGS"]
        )
    except ClientError as exc:
        code = error_code(exc)
        if code == "ClusterNotFoundException":
            raise NotFoundError(f"--cluster: cluster {cluster!r} does not exist in ECS") from None
        if code not in ("ServiceNotFoundException", "InvalidParameterException"):  # a malformed name
            raise
        answer = {}
    found = [dict(raw) for raw in answer.get("services", [])]
    active = [raw for raw in found if parse_service(raw).active]
    if not active:
        draining = (
            " (it is DRAINING: being deleted)" if any(r.get("status") == "DRAINING" for r in found) else ""
        )
        raise NotFoundError(
            f"--service: service {service!r} does not exist in cluster {_cluster_name(cluster)!r}{draining}"
        )
    return active[0]


def describe_service(factory: ClientFactory, cluster: str, service: str) -> LiveService:
    """One active service (``DescribeServices``, ``include=["TAGS"]``); see :func:`describe_service_answer`."""
    return parse_service(describe_service_answer(factory, cluster, service), _cluster_name(cluster))
