"""Seed an account (moto) with what an environment describes, in sync: for tests, ``bench/`` and demos.

Creates per configured cluster what ``make apply`` creates (the KMS key and the generator's alias,
the exec log group with its key and retention, the cluster with the expected exec configuration and
Container Insights setting) plus services and running tasks (``RunTask`` with
``group="service:<name>"``, Fargate), which Terraform does not own. Against moto, hold the
``ecs::task`` transition at RUNNING first (``MotoServer.hold_tasks_running``). Never run it against
a real account.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ecs_exec.aws import ClientFactory
from generator.expected import expected_container_insights, expected_execute_command_configuration
from generator.spec import EnvironmentSpec, ExecMode

#: IAM actions the seeder uses (a development tool; not part of the drift role).
PERMISSIONS: tuple[str, ...] = (
    "ecs:CreateCluster",
    "ecs:CreateService",
    "ecs:RegisterTaskDefinition",
    "ecs:RunTask",
    "ecs:UpdateService",
    "kms:CreateAlias",
    "kms:CreateKey",
    "logs:CreateLogGroup",
    "logs:PutRetentionPolicy",
)

#: moto's Fargate RunTask only needs some subnet id.
_NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-00000000"], "assignPublicIp": "DISABLED"}}


@dataclass(frozen=True)
class SeedPlan:
    """What to create besides the configured services.

    Attributes:
        extra_services: synthetic services per cluster (``svc-0000`` ...), ECS controller.
        tasks_per_service: running tasks per service (``group="service:<name>"``).
        standalone_tasks: running tasks per cluster outside any service.
        infra: also create keys, aliases, log groups and clusters (False: they exist, e.g. after apply).
    """

    extra_services: int = 0
    tasks_per_service: int = 0
    standalone_tasks: int = 0
    infra: bool = True


def _run_tasks(factory: ClientFactory, cluster: str, family: str, group: str, count: int) -> list[str]:
    ecs = factory.client("ecs")
    arns: list[str] = []
    while count > 0:
        batch = min(count, 10)  # RunTask starts at most 10 tasks per call
        answer = ecs.run_task(
            cluster=cluster, taskDefinition=family, count=batch, group=group, launchType="FARGATE",
            networkConfiguration=_NETWORK,
        )  # fmt: skip
        arns += [t["taskArn"] for t in answer["tasks"]]
        count -= batch
    return arns


def seed_cluster(factory: ClientFactory, spec: EnvironmentSpec, name: str, plan: SeedPlan) -> list[str]:
    """Create one cluster's resources (see the module docstring); returns the task ARNs started."""
    ecs = factory.client("ecs")
    cluster = spec.cluster(name)
    if cluster is None:
        raise KeyError(name)
    if plan.infra:
        kms, logs = factory.client("kms"), factory.client("logs")
        key_arn = spec.exec_logging.kms.key_arn
        if key_arn is None:
            key = kms.create_key(Description=f"ecs-exec {spec.environment}/{name}")["KeyMetadata"]
            kms.create_alias(AliasName=spec.kms_alias_name(name), TargetKeyId=key["KeyId"])
            key_arn = key["Arn"]
        group = spec.exec_log_group_name(name)
        logs.create_log_group(logGroupName=group, kmsKeyId=key_arn)
        logs.put_retention_policy(logGroupName=group, retentionInDays=spec.exec_logging.retention_in_days)
        ecs.create_cluster(
            clusterName=name,
            configuration={
                "executeCommandConfiguration": expected_execute_command_configuration(spec, name, key_arn)
            },
            settings=[{"name": "containerInsights", "value": expected_container_insights(spec, name)}],
        )
    family = f"{name}-app"
    ecs.register_task_definition(
        family=family,
        containerDefinitions=[
            {"name": "app", "image": "public.ecr.aws/docker/library/busybox", "memory": 128}
        ],
    )
    services = [(s.name, s.deployment_controller.value) for s in cluster.services]
    services += [(f"svc-{i:04d}", "ECS") for i in range(plan.extra_services)]
    tasks: list[str] = []
    for svc, controller in services:
        ecs.create_service(
            cluster=name, serviceName=svc, taskDefinition=family, desiredCount=plan.tasks_per_service,
            deploymentController={"type": controller},
        )  # fmt: skip
        if cluster.exec.mode is ExecMode.ALWAYS:  # CreateService ignores enableExecuteCommand in moto
            ecs.update_service(cluster=name, service=svc, enableExecuteCommand=True)
        tasks += _run_tasks(factory, name, family, f"service:{svc}", plan.tasks_per_service)
    tasks += _run_tasks(factory, name, family, f"family:{family}", plan.standalone_tasks)
    return tasks


def seed_environment(
    factory: ClientFactory, spec: EnvironmentSpec, plan: SeedPlan | None = None, concurrency: int = 1
) -> list[str]:
    """Seed every configured cluster (``concurrency`` at once); returns all task ARNs started."""
    plan = plan or SeedPlan()
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        results = pool.map(lambda c: seed_cluster(factory, spec, c.name, plan), spec.clusters)
        return [arn for arns in results for arn in arns]
