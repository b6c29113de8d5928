"""Seed moto with what the audit reads: transcripts (log streams, S3 objects), window events, a service task."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import boto3

from ecs_exec.clock import parse_utc
from generator.spec import EnvironmentSpec

REGION = "us-east-1"


def _ms(at: str) -> int:
    return int(parse_utc(at).timestamp() * 1000)


def put_stream(
    spec: EnvironmentSpec, cluster: str, stream: str, lines: list[str], at: str = "2026-11-30T10:05:00Z"
) -> None:
    """A log stream with ``lines`` in the cluster's exec log group (created when missing)."""
    logs = boto3.client("logs", region_name=REGION)
    group = spec.exec_log_group_name(cluster)
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    if lines:
        events = [{"timestamp": _ms(at) + i, "message": line} for i, line in enumerate(lines)]
        resp = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        assert not resp.get("rejectedLogEventsInfo"), resp["rejectedLogEventsInfo"]  # too old / too new


def put_object(spec: EnvironmentSpec, cluster: str, key: str, body: str, versioned: bool = True) -> str:
    """An object in the cluster's transcript bucket (created when missing, versioned as the rendered
    bucket is unless ``versioned`` is False). Returns the new version id (``null`` unversioned)."""
    s3 = boto3.client("s3", region_name=REGION)
    bucket = spec.s3_bucket_name(cluster)
    assert bucket is not None
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
        if versioned:
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return str(s3.put_object(Bucket=bucket, Key=key, Body=body.encode()).get("VersionId", "null"))


def window_event(kind: str, cluster: str, service: str, at: str, expires_at: str) -> dict[str, Any]:
    return {
        "event": kind,
        "cluster": cluster,
        "service": service,
        "at": at,
        "expires_at": expires_at,
        "opened_by": "arn:aws:iam::123456789012:user/window-opener",
    }


def put_window_events(
    spec: EnvironmentSpec, cluster: str, events: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()
) -> None:
    """Window events (JSON) in the cluster's window-events stream, plus any raw ``extra_lines``."""
    lines = [json.dumps(e) for e in events] + list(extra_lines)
    put_stream(
        spec,
        cluster,
        spec.windows.events_stream_name,
        lines,
        at=events[0]["at"] if events else "2026-11-30T08:00:00Z",
    )


def service_task(cluster: str, service: str, tags: dict[str, str] | None = None) -> str:
    """A cluster, a service (with ``tags``) and one task started by it; returns the task id."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=service,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "app:1", "memory": 512}],
    )
    ecs.create_service(
        cluster=cluster,
        serviceName=service,
        taskDefinition=service,
        desiredCount=0,
        tags=[{"key": k, "value": v} for k, v in (tags or {}).items()],
    )
    task = ecs.run_task(
        cluster=cluster,
        taskDefinition=service,
        launchType="FARGATE",
        group=f"service:{service}",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}},
    )["tasks"][0]
    return str(task["taskArn"]).rsplit("/", 1)[-1]


def as_of(at: str) -> datetime:
    return parse_utc(at)
