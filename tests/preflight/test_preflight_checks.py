"""Preflight against in-process moto: a fully correct target passes every check, and each seeded
misconfiguration is reported by exactly the expected check id (and nothing else FAILs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from preflight_world import CLUSTER, CONTAINER, SERVICE, World, build_world, fake_tools

from reconciler.preflight.checks import CHECKS
from reconciler.preflight.model import Report, Status
from reconciler.preflight.runner import run_preflight


def preflight(world: World, *, task: str | None = None, **kwargs: Any) -> Report:
    tools = kwargs.pop("tools", fake_tools())
    target = {"task": task} if task else {"service": kwargs.pop("service", SERVICE)}
    return run_preflight(world.spec, world.factory, CLUSTER, tools=tools, **target, **kwargs)


def assert_only(report: Report, check_id: str, status: Status) -> None:
    """``check_id`` has ``status``; no other check FAILs (and, for a WARN, no other check WARNs)."""
    got = report.result(check_id)
    assert got.status is status, (got, [r for r in report.results if r.status is not Status.PASS])
    assert got.reason and got.fix
    others = [r for r in report.results if r.id != check_id and r.status in (Status.FAIL, Status.WARN)]
    assert others == [], others
    assert report.exit_code == (3 if status is Status.FAIL else 0)


def test_fully_correct_target_passes_every_check(world: World) -> None:
    report = preflight(world)
    assert [r.id for r in report.results] == [c.id for c in CHECKS]
    assert {r.id: r.status.value for r in report.results if r.status is not Status.PASS} == {}
    assert report.exit_code == 0
    assert report.target["task"] == world.task_arn
    assert any("permission boundaries" in n for n in report.notes)


def test_check_ids_are_unique_and_grouped() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    assert [c.group for c in CHECKS][:2] == ["client", "client"]
    assert all(c.id.startswith(c.group + ".") for c in CHECKS)


# ---- seeded misconfigurations: (check id, status, seed) ----


def _deny_inline(role_attr: str, action: str, resource: str = "*") -> Callable[[World], dict[str, Any]]:
    def seed(w: World) -> dict[str, Any]:
        doc = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": action, "Resource": resource}],
        }
        role = getattr(w, role_attr).rsplit("/", 1)[-1]
        w.client("iam").put_role_policy(
            RoleName=role, PolicyName="seeded-deny", PolicyDocument=json.dumps(doc)
        )
        return {}

    return seed


def _drop_statement(sid: str) -> Callable[[World], dict[str, Any]]:
    def seed(w: World) -> dict[str, Any]:
        w.set_task_policy(lambda d: {**d, "Statement": [s for s in d["Statement"] if s["Sid"] != sid]})
        return {}

    return seed


def _rescope(sid: str, resource: Callable[[World], str]) -> Callable[[World], dict[str, Any]]:
    def seed(w: World) -> dict[str, Any]:
        def change(d: dict[str, Any]) -> dict[str, Any]:
            return {
                **d,
                "Statement": [
                    {**s, "Resource": resource(w)} if s["Sid"] == sid else s for s in d["Statement"]
                ],
            }

        w.set_task_policy(change)
        return {}

    return seed


def _old_cli(w: World) -> dict[str, Any]:
    return {"tools": fake_tools(aws_version="aws-cli/1.18.69 Python/3.8.10 Linux/5.4 botocore/1.17.0")}


def _no_plugin(w: World) -> dict[str, Any]:
    return {"tools": fake_tools(plugin=False)}


def _logging_none(w: World) -> dict[str, Any]:
    w.client("ecs").update_cluster(
        cluster=CLUSTER,
        configuration={"executeCommandConfiguration": {"kmsKeyId": w.key_arn, "logging": "NONE"}},
    )
    return {}


def _no_log_group(w: World) -> dict[str, Any]:
    w.client("logs").delete_log_group(logGroupName=w.spec.exec_log_group_name(CLUSTER))
    return {}


def _log_group_without_key(w: World) -> dict[str, Any]:
    logs = w.client("logs")
    logs.delete_log_group(logGroupName=w.spec.exec_log_group_name(CLUSTER))
    logs.create_log_group(logGroupName=w.spec.exec_log_group_name(CLUSTER))
    return {}


def _bucket_unencrypted(w: World) -> dict[str, Any]:
    w.client("s3").delete_bucket_encryption(Bucket=w.bucket)
    return {}


def _no_bucket(w: World) -> dict[str, Any]:
    s3 = w.client("s3")
    s3.delete_bucket_policy(Bucket=w.bucket)
    s3.delete_bucket(Bucket=w.bucket)
    return {}


def _override_missing_role(w: World) -> dict[str, Any]:
    arn = w.run_variant_task(overrides={"taskRoleArn": "arn:aws:iam::123456789012:role/gone"})
    return {"task": arn}


def _key_policy_denies(w: World) -> dict[str, Any]:
    doc = json.loads(w.client("kms").get_key_policy(KeyId=w.key_arn, PolicyName="default")["Policy"])
    doc["Statement"].append(
        {
            "Sid": "NoTaskDecrypt",
            "Effect": "Deny",
            "Principal": {"AWS": w.task_role},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    w.client("kms").put_key_policy(KeyId=w.key_arn, PolicyName="default", Policy=json.dumps(doc))
    return {}


def _bucket_policy_denies(w: World) -> dict[str, Any]:
    doc = json.loads(w.client("s3").get_bucket_policy(Bucket=w.bucket)["Policy"])
    doc["Statement"].append(
        {
            "Sid": "NoUploads",
            "Effect": "Deny",
            "Principal": {"AWS": w.task_role},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{w.bucket}/*",
        }
    )
    w.client("s3").put_bucket_policy(Bucket=w.bucket, Policy=json.dumps(doc))
    return {}


def _task_without_flag(w: World) -> dict[str, Any]:
    w.task_patch["enableExecuteCommand"] = False
    return {}


def _agent_stopped(w: World) -> dict[str, Any]:
    w.task_patch.update(agentStatus="STOPPED", agentReason="failed to start: permission denied")
    return {}


def _old_platform(w: World) -> dict[str, Any]:
    return {"task": w.run_variant_task(platform_version="1.3.0")}


def _no_init(w: World) -> dict[str, Any]:
    return {"task": w.run_variant_task(container={"linuxParameters": {"initProcessEnabled": False}})}


def _readonly(w: World) -> dict[str, Any]:
    return {"task": w.run_variant_task(container={"readonlyRootFilesystem": True})}


def _credentials_in_override(w: World) -> dict[str, Any]:
    env = [{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAEXAMPLE"}]
    return {
        "task": w.run_variant_task(
            overrides={"containerOverrides": [{"name": CONTAINER, "environment": env}]}
        )
    }


def _credentials_in_secrets(w: World) -> dict[str, Any]:
    secret = [
        {
            "name": "AWS_SECRET_ACCESS_KEY",
            "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x",
        }
    ]
    return {"task": w.run_variant_task(container={"secrets": secret})}


def _pid_mode(w: World) -> dict[str, Any]:
    return {"task": w.run_variant_task(pidMode="task")}


def _private_subnet(w: World) -> dict[str, Any]:
    w.client("ec2").delete_route(RouteTableId=w.route_table, DestinationCidrBlock="0.0.0.0/0")
    return {}


def _ssm_allowed(w: World) -> dict[str, Any]:
    iam = w.client("iam")
    role = w.operator_role.rsplit("/", 1)[-1]
    iam.delete_role_policy(RoleName=role, PolicyName="deny-ssm-to-ecs")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=role, PolicyName="broad-ssm", PolicyDocument=json.dumps(doc))
    return {}


def _code_deploy_service(w: World) -> dict[str, Any]:
    ecs = w.client("ecs")
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="blue-green",
        taskDefinition="demo-app-api",
        desiredCount=0,
        launchType="FARGATE",
        platformVersion="1.4.0",
        deploymentController={"type": "CODE_DEPLOY"},
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [w.subnet],
                "securityGroups": [w.security_group],
                "assignPublicIp": "ENABLED",
            }
        },
    )
    ecs.update_service(cluster=CLUSTER, service="blue-green", enableExecuteCommand=True)
    return {"service": "blue-green"}


def _key_disabled(w: World) -> dict[str, Any]:
    w.client("kms").disable_key(KeyId=w.key_arn.rsplit("/", 1)[-1])
    return {}


SEEDS: list[tuple[str, Status, Callable[[World], dict[str, Any]]]] = [
    ("client.aws-cli", Status.FAIL, _old_cli),
    ("client.session-manager-plugin", Status.FAIL, _no_plugin),
    ("caller.ecs-execute-command", Status.FAIL, _deny_inline("operator_role", "ecs:ExecuteCommand")),
    ("caller.kms-generate-data-key", Status.FAIL, _deny_inline("operator_role", "kms:GenerateDataKey")),
    ("caller.ssm-start-session", Status.WARN, _ssm_allowed),
    ("cluster.exec-configuration", Status.FAIL, _logging_none),
    ("cluster.kms-key", Status.FAIL, _key_disabled),
    ("cluster.log-group", Status.FAIL, _no_log_group),
    ("cluster.log-group", Status.FAIL, _log_group_without_key),
    ("cluster.s3-bucket", Status.FAIL, _bucket_unencrypted),
    ("cluster.s3-bucket", Status.FAIL, _no_bucket),
    ("task.role", Status.FAIL, _override_missing_role),
    ("task.role.ssmmessages", Status.FAIL, _deny_inline("task_role", "ssmmessages:OpenDataChannel")),
    (
        "task.role.logs-describe",
        Status.FAIL,
        _rescope("FindTheExecLogGroup", lambda w: w.spec.exec_log_group_arn(CLUSTER) + ":*"),
    ),
    (
        "task.role.logs-write",
        Status.FAIL,
        _rescope("WriteSessionLogsToTheExecLogGroupOnly", lambda w: w.spec.exec_log_group_arn(CLUSTER)),
    ),
    ("task.role.s3", Status.FAIL, _drop_statement("PutTranscripts")),
    ("task.role.kms", Status.FAIL, _drop_statement("EncryptTranscripts")),
    ("task.key-policy", Status.FAIL, _key_policy_denies),
    ("task.bucket-policy", Status.FAIL, _bucket_policy_denies),
    ("task.enable-execute-command", Status.FAIL, _task_without_flag),
    ("task.platform-version", Status.FAIL, _old_platform),
    ("task.managed-agent", Status.FAIL, _agent_stopped),
    ("task.init-process", Status.WARN, _no_init),
    ("task.readonly-root-filesystem", Status.FAIL, _readonly),
    ("task.aws-credentials", Status.FAIL, _credentials_in_override),
    ("task.aws-credentials", Status.FAIL, _credentials_in_secrets),
    ("task.pid-mode", Status.WARN, _pid_mode),
    ("task.network", Status.WARN, _private_subnet),
    ("service.deployment-controller", Status.WARN, _code_deploy_service),
]


@pytest.mark.parametrize(
    ("check_id", "status", "seed"), SEEDS, ids=[f"{c}-{s.__name__.strip('_')}" for c, _, s in SEEDS]
)
def test_seeded_misconfiguration(
    world: World, check_id: str, status: Status, seed: Callable[[World], dict[str, Any]]
) -> None:
    report = preflight(world, **seed(world))
    assert_only(report, check_id, status)


def test_every_check_has_a_seeded_misconfiguration() -> None:
    seeded = {c for c, _, _ in SEEDS} | {"caller.identity", "service.enable-execute-command"}
    assert seeded == {c.id for c in CHECKS}


def test_wrong_account_fails_identity_and_skips_the_rest(world: World) -> None:
    spec = world.spec.model_copy(update={"account_id": "999999999999"})
    report = run_preflight(spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    assert report.result("caller.identity").status is Status.FAIL
    assert "999999999999" in report.result("caller.identity").reason
    assert [r.id for r in report.by_status(Status.FAIL)] == ["caller.identity"]
    assert {r.status for r in report.results if r.group != "client" and r.id != "caller.identity"} == {
        Status.SKIP
    }
    assert report.exit_code == 3


def test_service_without_running_task_judges_the_service_flag(aws: None) -> None:
    world = build_world(with_task=False)
    world.client("ecs").update_service(cluster=CLUSTER, service=SERVICE, enableExecuteCommand=False)
    report = preflight(world)
    assert_only(report, "service.enable-execute-command", Status.FAIL)
    assert "exec-window open" in report.result("service.enable-execute-command").fix
    for runtime in ("task.enable-execute-command", "task.managed-agent"):
        assert report.result(runtime).status is Status.SKIP
    # the task definition is still judged, and the service's Fargate platform version
    assert report.result("task.role.ssmmessages").status is Status.PASS
    assert report.result("task.platform-version").status is Status.PASS
    assert report.target["task"] is None and report.target["running_tasks"] == 0


def test_service_without_running_task_and_flag_on_passes(aws: None) -> None:
    report = preflight(build_world(with_task=False))
    assert report.exit_code == 0
    assert report.by_status(Status.FAIL) == [] and report.by_status(Status.WARN) == []


def test_service_flag_off_with_exec_task_running_is_a_warning(world: World) -> None:
    world.client("ecs").update_service(cluster=CLUSTER, service=SERVICE, enableExecuteCommand=False)
    assert_only(preflight(world), "service.enable-execute-command", Status.WARN)


def test_task_target_skips_service_checks(world: World) -> None:
    assert world.task_arn is not None
    report = preflight(world, task=world.task_arn.rsplit("/", 1)[-1], container=CONTAINER)
    assert report.exit_code == 0
    assert report.result("service.enable-execute-command").status is Status.SKIP
    assert report.result("service.deployment-controller").status is Status.SKIP
    assert report.result("task.managed-agent").status is Status.PASS


def test_private_subnet_with_endpoints_passes(world: World) -> None:
    ec2 = world.client("ec2")
    ec2.delete_route(RouteTableId=world.route_table, DestinationCidrBlock="0.0.0.0/0")
    vpc = ec2.describe_subnets(SubnetIds=[world.subnet])["Subnets"][0]["VpcId"]
    for name in ("ssmmessages", "logs", "kms"):
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.us-east-1.{name}",
            VpcEndpointType="Interface",
            SubnetIds=[world.subnet],
        )
    report = preflight(world)
    assert report.result("task.network").status is Status.WARN
    assert (
        "s3" in report.result("task.network").reason
        and "ssmmessages" not in report.result("task.network").reason
    )
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[world.route_table],
    )
    assert preflight(world).result("task.network").status is Status.PASS


def test_nat_route_counts_as_a_way_out(world: World) -> None:
    ec2 = world.client("ec2")
    ec2.delete_route(RouteTableId=world.route_table, DestinationCidrBlock="0.0.0.0/0")
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=world.subnet, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=world.route_table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    assert preflight(world).result("task.network").status is Status.PASS


def test_caller_without_readable_policies_is_warned_not_failed(world: World) -> None:
    from ecs_exec.aws import ClientFactory

    default_caller = ClientFactory("us-east-1", session=world.admin)  # moto's user/moto: not an IAM user
    world.patch_tasks(default_caller)
    report = run_preflight(world.spec, default_caller, CLUSTER, service=SERVICE, tools=fake_tools())
    for check_id in (
        "caller.ecs-execute-command",
        "caller.kms-generate-data-key",
        "caller.ssm-start-session",
    ):
        assert report.result(check_id).status is Status.WARN, report.result(check_id)
        assert "cannot be evaluated" in report.result(check_id).reason
    assert report.exit_code == 0


def test_conditional_caller_policy_is_not_reported_as_allowed(world: World) -> None:
    iam = world.client("iam")
    role = world.operator_role.rsplit("/", 1)[-1]
    for att in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role, PolicyArn=att["PolicyArn"])
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ecs:ExecuteCommand",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
            {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "*"},
        ],
    }
    iam.put_role_policy(RoleName=role, PolicyName="conditional", PolicyDocument=json.dumps(doc))
    report = preflight(world)
    result = report.result("caller.ecs-execute-command")
    assert result.status is Status.WARN and "aws:SourceIp" in result.reason
    assert report.exit_code == 0


def test_container_name_condition_is_decided_per_container(world: World) -> None:
    iam = world.client("iam")
    role = world.operator_role.rsplit("/", 1)[-1]
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "ecs:ExecuteCommand",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"ecs:container-name": "envoy"}},
            }
        ],
    }
    iam.put_role_policy(RoleName=role, PolicyName="only-envoy", PolicyDocument=json.dumps(doc))
    assert_only(preflight(world, container=CONTAINER), "caller.ecs-execute-command", Status.FAIL)


def test_permissions_boundary_is_named_as_not_evaluated(world: World) -> None:
    iam = world.client("iam")
    boundary = iam.create_policy(
        PolicyName="boundary",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(
        RoleName=world.task_role.rsplit("/", 1)[-1], PermissionsBoundary=boundary
    )
    result = preflight(world).result("task.role")
    assert (
        result.status is Status.PASS and f"permissions boundary {boundary} is not evaluated" in result.reason
    )
