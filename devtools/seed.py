"""``make seed ENV=local`` (``python -m devtools.seed --env local``): services with running tasks on
the embedded AWS stand-in, so that exec windows, drift and preflight have something to act on.

Terraform creates the clusters, keys, log groups and roles (``make apply ENV=local``); it does not
own services. This creates every service the config names, on its (applied) cluster, with
``--tasks`` running tasks each, on the moto server ``AWS_ENDPOINT_URL`` points at. It refuses to run
without ``AWS_ENDPOINT_URL``: seeding is for the stand-in only, never a real account. Idempotent:
an ACTIVE service is kept and only missing tasks are started. ``make demo`` seeds with the same
:func:`seed_services`.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

import click

from ecs_exec.aws import ClientFactory, verify_account
from ecs_exec.cli.common import OperatorGroup, WholeNumber, env_options, setup_logging
from ecs_exec.cli.output import emit_json, emit_table, info
from ecs_exec.errors import AwsError, InvalidValueError, NotFoundError
from generator.spec import EnvironmentSpec

#: API calls of this module (checked by a test).
PERMISSIONS = (
    "sts:GetCallerIdentity",
    "ecs:DescribeClusters",
    "ecs:DescribeServices",
    "ecs:ListTasks",
    "ecs:DescribeTasks",
    "ecs:RegisterTaskDefinition",
    "ecs:CreateService",
    "ecs:RunTask",
)

#: The image does not matter to moto; a real one keeps the task definition realistic.
SEED_IMAGE = "public.ecr.aws/docker/library/busybox:stable"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SeededService:
    """What seeding did for one configured service.

    ``created``: the service was created now (False: it was ACTIVE already); ``started``: tasks
    started now (``RunTask``, ``group="service:<name>"``); ``running``: its RUNNING tasks afterwards
    (with ``dry_run``: what there would be).
    """

    cluster: str
    service: str
    created: bool
    started: int
    running: int


def _running_tasks(ecs: Any, cluster_arn: str, service: str) -> int:
    """RUNNING tasks of ``service`` (by ``group``; moto's ListTasks ignores ``serviceName`` and matches
    the cluster by substring, so both are checked on the described task)."""
    arns: list[str] = []
    for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster_arn, desiredStatus="RUNNING"):
        arns += page["taskArns"]
    count = 0
    for i in range(0, len(arns), 100):  # DescribeTasks takes at most 100 tasks
        for task in ecs.describe_tasks(cluster=cluster_arn, tasks=arns[i : i + 100])["tasks"]:
            if task.get("clusterArn") == cluster_arn and task.get("group") == f"service:{service}":
                count += task.get("lastStatus") == "RUNNING"
    return count


def seed_services(
    spec: EnvironmentSpec, factory: ClientFactory, tasks_per_service: int = 1, *, dry_run: bool = False
) -> list[SeededService]:
    """Make every service the config names exist, ACTIVE, with ``tasks_per_service`` running tasks.

    A missing service gets a task definition ``<cluster>-<service>`` whose ``taskRoleArn`` is the
    rendered task role, one container per configured name (container-level ``memory``, as moto's
    ``RunTask`` needs), and ``CreateService`` with the configured deployment controller. Missing
    tasks are started with ``RunTask(group="service:<name>")`` (moto's ``CreateService`` starts
    none). Against moto, hold tasks RUNNING first (:func:`hold_tasks_running`), or they stop when
    described. APIs: see :data:`PERMISSIONS`.

    Raises:
        NotFoundError: a configured cluster is not ACTIVE (exit 4: run ``make apply`` first).
        botocore ClientError: another AWS error (exit 5).
    """
    ecs = factory.client("ecs")
    names = [c.name for c in spec.clusters]
    found = {
        c["clusterName"]: c
        for c in ecs.describe_clusters(clusters=names)["clusters"]
        if c["status"] == "ACTIVE"
    }
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFoundError(
            f"cluster {', '.join(missing)}: not found (ACTIVE) in account {spec.account_id}, {spec.region}",
            hint=f"run `make apply ENV={spec.environment}` against this endpoint first",
        )
    seeded: list[SeededService] = []
    for cluster in spec.clusters:
        cluster_arn = found[cluster.name]["clusterArn"]
        for svc in cluster.services:
            described = ecs.describe_services(cluster=cluster_arn, services=[svc.name])["services"]
            active = next((s for s in described if s["status"] == "ACTIVE"), None)
            running = 0 if active is None else _running_tasks(ecs, cluster_arn, svc.name)
            to_start = max(0, tasks_per_service - running)
            if not dry_run:
                if active is None:
                    task_definition = ecs.register_task_definition(
                        family=f"{cluster.name}-{svc.name}",
                        taskRoleArn=spec.role_arn(svc.task_role_name),
                        containerDefinitions=[
                            {"name": c, "image": SEED_IMAGE, "memory": 128, "essential": i == 0}
                            for i, c in enumerate(svc.containers)
                        ],
                    )["taskDefinition"]["taskDefinitionArn"]
                    ecs.create_service(
                        cluster=cluster.name,
                        serviceName=svc.name,
                        taskDefinition=task_definition,
                        desiredCount=tasks_per_service,
                        # the launch type of the tasks it starts (moto's default is EC2, on which RunTask
                        # needs container instances): `ecs-exec shell --mode twin` copies it
                        launchType="FARGATE",
                        deploymentController={"type": svc.deployment_controller.value},
                    )
                else:
                    task_definition = active["taskDefinition"]
                if to_start:
                    ecs.run_task(
                        cluster=cluster.name,
                        taskDefinition=task_definition,
                        count=to_start,
                        launchType="FARGATE",
                        group=f"service:{svc.name}",
                        startedBy="ecs-exec-seed",
                    )
            seeded.append(SeededService(cluster.name, svc.name, active is None, to_start, running + to_start))
    return seeded


def hold_tasks_running(endpoint: str) -> None:
    """Keep ECS tasks RUNNING on the moto server at ``endpoint`` however often they are described.

    The moto-api call ``MotoServer.hold_tasks_running`` makes, for a server this process did not
    start (it only knows the URL). Raises AwsError when the endpoint is not a moto server.
    """
    body = json.dumps(
        {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1_000_000}}
    )
    req = urllib.request.Request(  # noqa: S310 - a URL the user configured (AWS_ENDPOINT_URL)
        f"{endpoint.rstrip('/')}/moto-api/state-manager/set-transition", data=body.encode(), method="POST"
    )
    try:
        urllib.request.urlopen(req, timeout=10).read()  # noqa: S310
    except OSError as exc:
        raise AwsError(f"AWS_ENDPOINT_URL={endpoint}: not a moto server ({exc})") from None


PROG = "python -m devtools.seed"


# A group without subcommands, so that OperatorGroup (the one place errors become exit codes) runs it.
@click.group(
    name="seed",
    cls=OperatorGroup,
    invoke_without_command=True,
    subcommand_metavar="",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@env_options(outputs=("table", "json"))
@click.option(
    "--tasks",
    "tasks",
    type=WholeNumber(1, 10),
    default=1,
    show_default=True,
    help="Running tasks per service.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be created or started; change nothing.")
def main(env: str | None, config: str | None, output: str, tasks: int, dry_run: bool) -> None:
    """Seed the services of config/<env>.yaml, with running tasks, on the moto server at AWS_ENDPOINT_URL.

    Run after `make apply ENV=<env>` against the same server. Refuses (exit 4) without
    AWS_ENDPOINT_URL: never a real account. Idempotent. Exit 4 also when a cluster is missing,
    5 when the server answers as another account than the config's account_id.
    """
    from generator.loader import load_config

    setup_logging(verbose=bool(os.environ.get("ECS_EXEC_DEBUG")))
    spec = load_config(env, config)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        raise InvalidValueError(
            "AWS_ENDPOINT_URL is not set: seeding is for the embedded AWS stand-in (a moto server) only",
            hint="point AWS_ENDPOINT_URL at the moto server you applied to; never a real account",
        )
    factory = ClientFactory(spec.region)
    verify_account(factory, spec.account_id)
    if not dry_run:
        hold_tasks_running(endpoint)
    info(f"==> seeding {spec.environment} on {endpoint}" + (" (dry run)" if dry_run else ""))
    seeded = seed_services(spec, factory, tasks, dry_run=dry_run)
    rows = [asdict(s) for s in seeded]
    if output == "json":
        emit_json(
            {"schema_version": SCHEMA_VERSION, "endpoint": endpoint, "dry_run": dry_run, "services": rows}
        )
    else:
        emit_table(rows, ["cluster", "service", "created", "started", "running"])


if __name__ == "__main__":
    main(prog_name=PROG)
