"""Preflight against ``config/local.yaml`` as Terraform really renders and applies it (``applied_local``
on the shared moto server), with a service seeded on ``demo-app``: the rendered task-role policy, key
policy, bucket policy, log group and cluster configuration pass every check that judges them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

SERVICE = "preflight-api"


def _seed(env: dict[str, str], role_arn: str) -> Any:
    """A Fargate service (exec on, no running task) in a public subnet of demo-app."""
    ecs, ec2 = (
        boto3.client(s, region_name="us-east-1", endpoint_url=env["AWS_ENDPOINT_URL"]) for s in ("ecs", "ec2")
    )
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName=SERVICE, Description="preflight", VpcId=vpc)["GroupId"]
    ecs.register_task_definition(
        family=SERVICE, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        taskRoleArn=role_arn,
        containerDefinitions=[{"name": "app", "image": "x", "memory": 512, "linuxParameters": {"initProcessEnabled": True}}],
    )  # fmt: skip
    ecs.create_service(
        cluster="demo-app", serviceName=SERVICE, taskDefinition=SERVICE, desiredCount=0, launchType="FARGATE",
        platformVersion="1.4.0",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "ENABLED"}},
    )  # fmt: skip
    ecs.update_service(cluster="demo-app", service=SERVICE, enableExecuteCommand=True)
    return ecs


@pytest.mark.slow
def test_applied_local_passes_every_check_it_can_judge(applied_local: Any, tmp_path: Path) -> None:
    for name, out in (("aws", "aws-cli/2.15.30 Python/3.11.8"), ("session-manager-plugin", "1.2.553.0")):
        tool = tmp_path / name
        tool.write_text(f"#!/bin/sh\necho '{out}'\n")
        tool.chmod(0o755)
    ecs = _seed(applied_local.env(), applied_local.spec.role_arn("demo-app-api-task"))
    try:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "ecs-exec"), "preflight", "--env", "local", "--cluster", "demo-app",
             "--service", SERVICE, "--output", "json"],
            capture_output=True, text=True, env={**applied_local.env(), "PATH": f"{tmp_path}:/usr/bin:/bin"},
            timeout=120, check=False,
        )  # fmt: skip
    finally:
        ecs.update_service(cluster="demo-app", service=SERVICE, enableExecuteCommand=False)
        ecs.delete_service(cluster="demo-app", service=SERVICE, force=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    status = {c["id"]: c["status"] for c in json.loads(proc.stdout)["checks"]}
    # the server's default caller (user/moto) is no IAM user: caller checks cannot be evaluated (WARN)
    judged = {k: v for k, v in status.items() if not k.startswith("caller.") or k == "caller.identity"}
    skipped = {"task.enable-execute-command", "task.managed-agent"}  # no running task: the service is judged
    assert {k: v for k, v in judged.items() if k not in skipped and v != "PASS"} == {}
    assert {status[k] for k in skipped} == {"SKIP"}
    assert "FAIL" not in status.values()
