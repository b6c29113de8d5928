"""A fully correct ECS Exec target in in-process moto, built like ``make demo`` builds ``config/local.yaml``.

Cluster ``demo-app`` with its exec configuration (KMS key, OVERRIDE logging into the dedicated log
group and the S3 bucket), the log group with the key, the SSE-KMS bucket with the TLS-only bucket
policy, the key policy, the task role with the task-exec policy as the generator renders it (from
:mod:`generator.permissions`), an operator role whose session is the caller, a public subnet, a
Fargate task definition, service ``api`` with ``enableExecuteCommand`` and one RUNNING task.

moto's tasks carry no ``enableExecuteCommand`` / ``managedAgents``: an ``after-call`` hook on the
factory's ECS client adds them to ``DescribeTasks`` answers (:attr:`World.task_patch` says what).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session

from ecs_exec.aws import ClientFactory
from generator.loader import load_config
from generator.permissions import (
    KMS_LOGS_SERVICE_ACTIONS,
    OPERATOR_DENIED_ACTIONS,
    OPERATOR_DESCRIBE_ACTIONS,
    OPERATOR_EXEC_ACTIONS,
    OPERATOR_KMS_ACTIONS,
    OPERATOR_LIST_ACTIONS,
    TASK_ROLE_KMS_ACTIONS,
    TASK_ROLE_KMS_S3_ACTIONS,
    TASK_ROLE_LOGS_LIST_ACTIONS,
    TASK_ROLE_LOGS_WRITE_ACTIONS,
    TASK_ROLE_S3_BUCKET_ACTIONS,
    TASK_ROLE_S3_OBJECT_ACTIONS,
    TASK_ROLE_SSM_ACTIONS,
)
from generator.spec import EnvironmentSpec
from reconciler.preflight.tools import Tools

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
CLUSTER = "demo-app"
SERVICE = "api"
CONTAINER = "app"
FAMILY = "demo-app-api"


#: One botocore loader for every session of the tests: service models are parsed once, not per test.
_LOADER = botocore.loaders.create_loader()


def new_session(**credentials: Any) -> boto3.Session:
    """A boto3 session sharing :data:`_LOADER` (``credentials``: aws_access_key_id, ...)."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, region_name=REGION, **credentials)


def local_spec() -> EnvironmentSpec:
    return load_config(config=REPO / "config" / "local.yaml")


def fake_tools(
    aws_version: str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64", plugin: bool = True
) -> Tools:
    """Tools that find ``aws`` and (unless ``plugin=False``) ``session-manager-plugin`` without a PATH."""
    paths = {"aws": "/usr/local/bin/aws", "session-manager-plugin": "/usr/local/bin/session-manager-plugin"}
    if not plugin:
        paths.pop("session-manager-plugin")
    outputs = {"/usr/local/bin/aws": aws_version, "/usr/local/bin/session-manager-plugin": "1.2.553.0"}
    return Tools(which=paths.get, run=lambda argv: (0, outputs.get(argv[0], "")))


def task_policy_document(spec: EnvironmentSpec, cluster: str, key_arn: str) -> dict[str, Any]:
    """The task-exec policy as ``modules/ecs-exec-cluster`` renders it (``aws_iam_policy.this``)."""
    group_arn = spec.exec_log_group_arn(cluster)
    bucket = spec.s3_bucket_name(cluster)
    statements: list[dict[str, Any]] = [
        {
            "Sid": "SsmMessagesChannels",
            "Effect": "Allow",
            "Action": sorted(TASK_ROLE_SSM_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "FindTheExecLogGroup",
            "Effect": "Allow",
            "Action": sorted(TASK_ROLE_LOGS_LIST_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "WriteSessionLogsToTheExecLogGroupOnly",
            "Effect": "Allow",
            "Action": sorted(TASK_ROLE_LOGS_WRITE_ACTIONS),
            "Resource": f"{group_arn}:*",
        },
        {
            "Sid": "DecryptSessionData",
            "Effect": "Allow",
            "Action": sorted(TASK_ROLE_KMS_ACTIONS),
            "Resource": key_arn,
        },
    ]
    if bucket is not None and spec.exec_logging.s3 is not None:
        bucket_arn = f"arn:aws:s3:::{bucket}"
        statements += [
            {
                "Sid": "PutTranscripts",
                "Effect": "Allow",
                "Action": sorted(TASK_ROLE_S3_OBJECT_ACTIONS),
                "Resource": f"{bucket_arn}/{spec.exec_logging.s3.key_prefix}*",
            },
            {
                "Sid": "CheckBucketEncryption",
                "Effect": "Allow",
                "Action": sorted(TASK_ROLE_S3_BUCKET_ACTIONS),
                "Resource": bucket_arn,
            },
            {
                "Sid": "EncryptTranscripts",
                "Effect": "Allow",
                "Action": sorted(TASK_ROLE_KMS_S3_ACTIONS),
                "Resource": key_arn,
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def key_policy_document(spec: EnvironmentSpec, cluster: str) -> dict[str, Any]:
    """The key policy as rendered: the account administers the key, CloudWatch Logs uses it for the group."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{spec.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsForTheExecLogGroupOnly",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{spec.region}.amazonaws.com"},
                "Action": list(KMS_LOGS_SERVICE_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"kms:EncryptionContext:aws:logs:arn": spec.exec_log_group_arn(cluster)}
                },
            },
        ],
    }


def bucket_policy_document(bucket: str) -> dict[str, Any]:
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def operator_policy_document(spec: EnvironmentSpec, cluster: str, key_arn: str) -> dict[str, Any]:
    """The operator policy (allows; the ssm:StartSession deny is a separate inline policy)."""
    cluster_arn = spec.cluster_arn(cluster)
    task_arns = cluster_arn.replace(":cluster/", ":task/") + "/*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Exec",
                "Effect": "Allow",
                "Action": list(OPERATOR_EXEC_ACTIONS),
                "Resource": [cluster_arn, task_arns],
            },
            {
                "Sid": "FindTasks",
                "Effect": "Allow",
                "Action": list(OPERATOR_DESCRIBE_ACTIONS + OPERATOR_LIST_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "SessionKey",
                "Effect": "Allow",
                "Action": list(OPERATOR_KMS_ACTIONS),
                "Resource": key_arn,
            },
        ],
    }


DENY_SSM_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "NoSsmToEcs",
            "Effect": "Deny",
            "Action": list(OPERATOR_DENIED_ACTIONS),
            "Resource": "arn:aws:ecs:*:*:task/*",
        }
    ],
}

TRUST_ECS_TASKS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass
class World:
    """Handles of the seeded target. ``factory`` is the caller's (the operator role session);
    ``admin`` is a session with the default moto credentials for seeding misconfigurations."""

    spec: EnvironmentSpec
    factory: ClientFactory
    admin: boto3.Session
    key_arn: str
    bucket: str
    task_role: str
    task_policy_arn: str
    operator_role: str
    subnet: str
    security_group: str
    route_table: str
    task_arn: str | None
    task_patch: dict[str, Any] = field(
        default_factory=lambda: {"enableExecuteCommand": True, "agentStatus": "RUNNING"}
    )
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def patch_tasks(self, factory: ClientFactory) -> None:
        """Add ``enableExecuteCommand`` / ``managedAgents`` (per :attr:`task_patch`) to the
        ``DescribeTasks`` answers of ``factory``'s ECS client (after-call hook)."""
        factory.client("ecs").meta.events.register(
            "after-call.ecs.DescribeTasks", _patch_describe_tasks(self)
        )

    def client(self, service: str) -> Any:
        """An admin client (default moto credentials), created once per service."""
        if service not in self._clients:
            self._clients[service] = self.admin.client(service, region_name=REGION)
        return self._clients[service]

    def set_task_policy(self, transform: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Replace the task-exec policy with ``transform(current document)`` (a new default version)."""
        doc = task_policy_document(self.spec, CLUSTER, self.key_arn)
        self.client("iam").create_policy_version(
            PolicyArn=self.task_policy_arn, PolicyDocument=json.dumps(transform(doc)), SetAsDefault=True
        )

    def run_variant_task(
        self, overrides: dict[str, Any] | None = None, platform_version: str = "1.4.0", **td_changes: Any
    ) -> str:
        """Register a new revision of the family with ``td_changes`` (``containerDefinitions`` entries are
        merged into the ``app`` container) and run one task of it; returns the task ARN."""
        ecs = self.client("ecs")
        td = ecs.describe_task_definition(taskDefinition=FAMILY)["taskDefinition"]
        container = {**td["containerDefinitions"][0], **td_changes.pop("container", {})}
        ecs.register_task_definition(
            family=FAMILY,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            taskRoleArn=td["taskRoleArn"],
            containerDefinitions=[container],
            **td_changes,
        )
        return run_task(self, overrides=overrides, platform_version=platform_version)


def run_task(world: World, overrides: dict[str, Any] | None = None, platform_version: str = "1.4.0") -> str:
    ecs = world.client("ecs")
    task = ecs.run_task(
        cluster=CLUSTER,
        taskDefinition=FAMILY,
        launchType="FARGATE",
        platformVersion=platform_version,
        group=f"service:{SERVICE}",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [world.subnet],
                "securityGroups": [world.security_group],
                "assignPublicIp": "ENABLED",
            }
        },
        overrides=overrides or {},
    )["tasks"][0]
    return str(task["taskArn"])


def _patch_describe_tasks(world: World) -> Callable[..., None]:
    def handler(parsed: dict[str, Any], **_: Any) -> None:
        for task in parsed.get("tasks", []):
            task["enableExecuteCommand"] = world.task_patch["enableExecuteCommand"]
            for container in task.get("containers", []):
                agent = {"name": "ExecuteCommandAgent", "lastStatus": world.task_patch["agentStatus"]}
                if world.task_patch.get("agentReason"):
                    agent["reason"] = world.task_patch["agentReason"]
                container["managedAgents"] = [agent]
                container["lastStatus"] = "RUNNING"

    return handler


def build_world(spec: EnvironmentSpec | None = None, *, with_task: bool = True) -> World:
    """Seed the fully correct target (call inside ``mock_aws`` with ECS tasks held RUNNING)."""
    spec = spec or local_spec()
    admin = new_session()
    iam, kms, logs, s3 = (admin.client(s, region_name=REGION) for s in ("iam", "kms", "logs", "s3"))
    ecs, ec2, sts = (admin.client(s, region_name=REGION) for s in ("ecs", "ec2", "sts"))

    key_arn = kms.create_key(Policy=json.dumps(key_policy_document(spec, CLUSTER)))["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=spec.kms_alias_name(CLUSTER), TargetKeyId=key_arn)
    group = spec.exec_log_group_name(CLUSTER)
    logs.create_log_group(logGroupName=group, kmsKeyId=key_arn)
    bucket = spec.s3_bucket_name(CLUSTER)
    assert bucket is not None and spec.exec_logging.s3 is not None
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(bucket_policy_document(bucket)))

    service_spec = spec.cluster(CLUSTER).services[0]  # type: ignore[union-attr]
    task_role_arn = iam.create_role(
        RoleName=service_spec.task_role_name, AssumeRolePolicyDocument=TRUST_ECS_TASKS
    )["Role"]["Arn"]
    policy_arn = iam.create_policy(
        PolicyName=spec.task_exec_policy_name(CLUSTER),
        PolicyDocument=json.dumps(task_policy_document(spec, CLUSTER, key_arn)),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=service_spec.task_role_name, PolicyArn=policy_arn)

    operator = spec.access.operators[0].name
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{spec.account_id}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    operator_arn = iam.create_role(RoleName=operator, AssumeRolePolicyDocument=json.dumps(trust))["Role"][
        "Arn"
    ]
    op_policy = iam.create_policy(
        PolicyName=f"{operator}-exec",
        PolicyDocument=json.dumps(operator_policy_document(spec, CLUSTER, key_arn)),
    )
    iam.attach_role_policy(RoleName=operator, PolicyArn=op_policy["Policy"]["Arn"])
    iam.put_role_policy(
        RoleName=operator, PolicyName="deny-ssm-to-ecs", PolicyDocument=json.dumps(DENY_SSM_DOCUMENT)
    )

    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    sg = ec2.create_security_group(GroupName="demo-app-api", Description="api", VpcId=vpc)["GroupId"]

    ecs.create_cluster(
        clusterName=CLUSTER,
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration={
            "executeCommandConfiguration": {
                "kmsKeyId": key_arn,
                "logging": "OVERRIDE",
                "logConfiguration": {
                    "cloudWatchLogGroupName": group,
                    "cloudWatchEncryptionEnabled": True,
                    "s3BucketName": bucket,
                    "s3EncryptionEnabled": True,
                    "s3KeyPrefix": spec.exec_logging.s3.key_prefix,
                },
            }
        },
    )
    ecs.register_task_definition(
        family=FAMILY,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        taskRoleArn=task_role_arn,
        containerDefinitions=[
            {
                "name": CONTAINER,
                "image": "public.ecr.aws/docker/library/nginx:latest",
                "memory": 512,
                "essential": True,
                "linuxParameters": {"initProcessEnabled": True},
            }
        ],
    )
    network = {
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "ENABLED"}
    }
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=SERVICE,
        taskDefinition=FAMILY,
        desiredCount=1,
        launchType="FARGATE",
        platformVersion="1.4.0",
        networkConfiguration=network,
        deploymentController={"type": "ECS"},
    )
    ecs.update_service(
        cluster=CLUSTER, service=SERVICE, enableExecuteCommand=True
    )  # CreateService ignores it

    creds = sts.assume_role(RoleArn=operator_arn, RoleSessionName="alice")["Credentials"]
    caller = new_session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    world = World(
        spec=spec,
        factory=ClientFactory(REGION, session=caller),
        admin=admin,
        key_arn=key_arn,
        bucket=bucket,
        task_role=task_role_arn,
        task_policy_arn=policy_arn,
        operator_role=operator_arn,
        subnet=subnet,
        security_group=sg,
        route_table=table,
        task_arn=None,
    )
    if with_task:
        world.task_arn = run_task(world)
    world.patch_tasks(world.factory)
    return world
