"""The demo's seeding of services and tasks (in-process moto), and the API calls it declares."""

from __future__ import annotations

from typing import Any

from moto import mock_aws

from ecs_exec.aws import ClientFactory
from ecs_exec.demo import PERMISSIONS, seed_services
from generator.loader import load_config


@mock_aws
def test_seed_services_runs_tasks_in_service_groups_with_declared_calls() -> None:
    spec = load_config("local")
    factory = ClientFactory(spec.region)
    ecs = factory.client("ecs")
    for cl in spec.clusters:
        ecs.create_cluster(clusterName=cl.name)
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name)

    ecs.meta.events.register("before-call.ecs.*", record)
    seeded = seed_services(spec, factory)
    ecs.meta.events.unregister("before-call.ecs.*", record)

    assert seeded == ["demo-app/api", "demo-batch/worker"]
    declared = {p.split(":")[1] for p in PERMISSIONS}
    assert {c.split(".")[-1] for c in calls} == declared
    arns = ecs.list_tasks(cluster="demo-app")["taskArns"]
    tasks = ecs.describe_tasks(cluster="demo-app", tasks=arns)["tasks"]
    assert [t["group"] for t in tasks] == ["service:api"]
    td = ecs.describe_task_definition(taskDefinition=tasks[0]["taskDefinitionArn"])["taskDefinition"]
    assert td["taskRoleArn"] == spec.role_arn("demo-app-api-task")
    assert [c["name"] for c in td["containerDefinitions"]] == ["app"]
    assert ecs.describe_services(cluster="demo-app", services=["api"])["services"][0]["status"] == "ACTIVE"
