"""API answers -> live records: the one parser of each answer shape. Pure, no AWS calls."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reconciler.live.model import (
    EXEC_AGENT,
    LiveCluster,
    LiveContainer,
    LiveKey,
    LiveLogGroup,
    LiveService,
    LiveTask,
)


def tags_to_dict(tags: Any) -> dict[str, str]:
    """ECS tags (``[{"key": k, "value": v}]``) as ``{k: v}``; anything else gives ``{}``."""
    if not isinstance(tags, list):
        return {}
    return {str(t["key"]): str(t.get("value", "")) for t in tags if isinstance(t, dict) and "key" in t}


def parse_cluster(raw: Mapping[str, Any]) -> LiveCluster:
    """One ``DescribeClusters`` entry (asked with ``include=["CONFIGURATIONS", "SETTINGS", "TAGS"]``)."""
    settings = {s.get("name"): s.get("value") for s in raw.get("settings") or []}
    return LiveCluster(
        arn=raw["clusterArn"],
        name=raw["clusterName"],
        status=raw.get("status", ""),
        execute_command_configuration=(raw.get("configuration") or {}).get("executeCommandConfiguration"),
        container_insights=settings.get("containerInsights"),
    )


def parse_service(raw: Mapping[str, Any], cluster: str = "") -> LiveService:
    """One ``DescribeServices`` entry (``include=["TAGS"]``); ``cluster`` is the cluster's name."""
    primary = next((d for d in raw.get("deployments") or [] if d.get("status") == "PRIMARY"), None)
    return LiveService(
        arn=raw["serviceArn"],
        name=raw["serviceName"],
        enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
        deployment_controller=(raw.get("deploymentController") or {}).get("type", "ECS"),
        tags=tags_to_dict(raw.get("tags")),
        cluster=cluster or str(raw.get("clusterArn", "")).rsplit("/", 1)[-1],
        status=str(raw.get("status", "ACTIVE")),
        primary_deployment_id=primary.get("id") if primary else None,
    )


def _container(raw: Mapping[str, Any]) -> LiveContainer:
    agent = next((a for a in raw.get("managedAgents") or [] if a.get("name") == EXEC_AGENT), None)
    return LiveContainer(
        name=str(raw.get("name", "")),
        exec_agent_status=None if agent is None else agent.get("lastStatus"),
        exec_agent_reason=None if agent is None else agent.get("reason"),
    )


def parse_task(raw: Mapping[str, Any]) -> LiveTask:
    """One ``DescribeTasks`` entry; a missing ``enableExecuteCommand`` reads as False."""
    started = raw.get("startedAt")
    return LiveTask(
        arn=raw["taskArn"],
        group=str(raw.get("group") or ""),
        enable_execute_command=bool(raw.get("enableExecuteCommand", False)),
        last_status=str(raw.get("lastStatus", "")),
        started_by=raw.get("startedBy"),
        started_at=started if isinstance(started, datetime) else None,
        containers=tuple(_container(c) for c in raw.get("containers") or [] if "name" in c),
        tags=tags_to_dict(raw.get("tags")),
    )


def parse_log_group(raw: Mapping[str, Any]) -> LiveLogGroup:
    """One ``DescribeLogGroups`` entry (the ARN without the ``:*`` suffix)."""
    return LiveLogGroup(
        name=raw["logGroupName"],
        arn=raw.get("logGroupArn") or str(raw.get("arn", "")).removesuffix(":*"),
        kms_key_id=raw.get("kmsKeyId"),
        retention_in_days=raw.get("retentionInDays"),
    )


def parse_key(arn: str, meta: Mapping[str, Any]) -> LiveKey:
    """``DescribeKey``'s ``KeyMetadata``: ``KeyState`` (older answers only say ``Enabled`` true/false)
    and ``DeletionDate``."""
    state = meta.get("KeyState") or ("Enabled" if meta.get("Enabled", True) else "Disabled")
    deletion = meta.get("DeletionDate")
    return LiveKey(arn, str(state), f"{deletion:%Y-%m-%dT%H:%M:%SZ}" if deletion else None)
