"""Network check: can the agent reach the SSM, logging, KMS and S3 endpoints from the task's subnet?"""

from __future__ import annotations

from typing import Any

from reconciler.preflight.context import Context
from reconciler.preflight.model import Outcome, passed, skip, warn


def _subnets(ctx: Context) -> tuple[list[str], str | None]:
    """The task's ENI subnet, else the service's awsvpc subnets; and ``assignPublicIp`` when known."""
    awsvpc = ((ctx.target.service or {}).get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    public_ip = awsvpc.get("assignPublicIp")
    if ctx.task is not None:
        for att in ctx.task.get("attachments", []):
            details = {d.get("name"): d.get("value") for d in att.get("details", [])}
            if details.get("subnetId"):
                return [str(details["subnetId"])], public_ip
        return [], public_ip
    return [str(s) for s in awsvpc.get("subnets", [])], public_ip


def _needed_endpoints(ctx: Context) -> list[str]:
    needed = ["ssmmessages"]
    if ctx.log_group_name():
        needed.append("logs")
    if ctx.kms_key_arn():
        needed.append("kms")
    if ctx.bucket():
        needed.append("s3")
    return needed


def _route_out(table: dict[str, Any] | None) -> str | None:
    for route in (table or {}).get("Routes", []):
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" or route.get("State") == "blackhole":
            continue
        if str(route.get("GatewayId", "")).startswith("igw-"):
            return "igw"
        if any(
            route.get(k) for k in ("NatGatewayId", "TransitGatewayId", "NetworkInterfaceId", "InstanceId")
        ):
            return "nat"
    return None


def task_network(ctx: Context) -> Outcome:
    """A private subnet without the ``ssmmessages`` (and ``logs``, ``kms``, ``s3``) endpoints and no
    NAT route (warn): the agent cannot reach the SSM and logging endpoints."""
    mode = (ctx.facts.task_definition() or {}).get("networkMode")
    if mode != "awsvpc":
        return skip(f"network mode {mode or 'bridge'}: the container instance's network applies")
    subnets, public_ip = _subnets(ctx)
    if not subnets:
        return skip("no subnet known for the task")
    problems = []
    for subnet_id in subnets:
        vpc_id = str(ctx.facts.subnet(subnet_id)["VpcId"])
        route = _route_out(ctx.facts.route_table(subnet_id, vpc_id))
        if route == "nat" or (route == "igw" and public_ip != "DISABLED"):
            continue
        missing = [s for s in _needed_endpoints(ctx) if s not in ctx.facts.vpc_endpoint_services(vpc_id)]
        if missing:
            how = (
                "a public subnet but assignPublicIp DISABLED"
                if route == "igw"
                else "no NAT or internet route"
            )
            problems.append(f"{subnet_id}: {how} and no VPC endpoint for {', '.join(missing)}")
    if problems:
        return warn(
            "; ".join(problems),
            "add a NAT route, or interface endpoints (ssmmessages, logs, kms) and the s3 gateway endpoint",
        )
    return passed(f"subnet(s) {', '.join(subnets)} reach the SSM and logging endpoints")
