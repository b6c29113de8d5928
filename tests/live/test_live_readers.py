"""The live readers against moto: the parameters they send, their batches, and the rules they apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.moto_api import state_manager

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import NotFoundError
from reconciler import live
from reconciler.live import clusters as live_clusters
from reconciler.live import logs_keys, services, tasks

REGION = "us-east-1"


def test_describe_clusters_asks_for_configurations_settings_and_tags() -> None:
    # moto returns `configuration` even without include=CONFIGURATIONS: only a Stubber can tell.
    factory = ClientFactory("us-east-1")
    ecs = factory.client("ecs")
    with Stubber(ecs) as stub:
        stub.add_response(
            "describe_clusters",
            {"clusters": [{"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/a", "clusterName": "a",
                           "status": "ACTIVE", "settings": [{"name": "containerInsights", "value": "enabled"}]}]},
            expected_params={"clusters": ["a"], "include": ["CONFIGURATIONS", "SETTINGS", "TAGS"]},
        )  # fmt: skip
        clusters, errors = live_clusters.describe_clusters(factory, ["a"])
        stub.assert_no_pending_responses()
    assert errors == {}
    live = clusters["a"]
    assert (
        live is not None
        and live.container_insights == "enabled"
        and live.execute_command_configuration is None
    )


def test_describe_clusters_uses_batches_of_100() -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        sizes: list[int] = []
        session.events.register(
            "provide-client-params.ecs.DescribeClusters",
            lambda params, **_: sizes.append(len(params["clusters"])),
        )
        clusters, errors = live_clusters.describe_clusters(
            ClientFactory("us-east-1", session=session), [f"c{i}" for i in range(150)]
        )
    assert sizes == [100, 50]
    assert errors == {} and set(clusters.values()) == {None}


@pytest.fixture()
def account() -> Iterator[boto3.Session]:
    """A moto account with cluster ``app``: services ``api`` (exec on, one task and one twin task) and
    ``old`` (answered as DRAINING by the hooked factory of :func:`_factory`)."""
    with mock_aws():
        state_manager.set_transition(
            model_name="ecs::task", transition={"progression": "manual", "times": 10**6}
        )
        ecs = boto3.client("ecs", region_name=REGION)
        ecs.create_cluster(clusterName="app")
        ecs.register_task_definition(
            family="app", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}]
        )
        net = {"awsvpcConfiguration": {"subnets": ["subnet-00000000"]}}
        for name in ("api", "old"):
            ecs.create_service(cluster="app", serviceName=name, taskDefinition="app", desiredCount=0)
            ecs.run_task(cluster="app", taskDefinition="app", group=f"service:{name}", launchType="FARGATE",
                         networkConfiguration=net)  # fmt: skip
        ecs.run_task(cluster="app", taskDefinition="app", group="ecs-exec:api", launchType="FARGATE",
                     networkConfiguration=net)  # fmt: skip
        ecs.run_task(cluster="app", taskDefinition="app", group="family:app", launchType="FARGATE",
                     networkConfiguration=net)  # fmt: skip
        ecs.update_service(cluster="app", service="api", enableExecuteCommand=True)
        yield boto3.Session(region_name=REGION)


def _factory() -> ClientFactory:
    """ECS answers ``old`` as DRAINING (moto goes straight to INACTIVE on DeleteService)."""
    session = boto3.Session(region_name=REGION)

    def draining(parsed: dict[str, Any], **_: Any) -> None:
        for svc in parsed.get("services", []):
            if svc.get("serviceName") == "old":
                svc["status"] = "DRAINING"

    session.events.register("after-call.ecs.DescribeServices", draining)
    return ClientFactory(REGION, session=session)


def test_draining_services_are_not_active(account: boto3.Session) -> None:
    factory = _factory()
    assert [s.name for s in services.read_services(factory, "app")] == ["api"]
    both = services.read_services(factory, "app", include_draining=True)
    assert {(s.name, s.active) for s in both} == {("api", True), ("old", False)}
    with pytest.raises(NotFoundError, match="'old' does not exist in cluster 'app' .it is DRAINING"):
        services.describe_service(factory, "app", "old")
    api = services.describe_service(factory, "app", "api")
    assert api.enable_execute_command and api.cluster == "app" and api.primary_deployment_id


def test_a_service_s_tasks_include_its_twin(account: boto3.Session) -> None:
    factory = ClientFactory(REGION)
    groups = sorted(t.group for t in tasks.service_tasks(factory, "app", "api"))
    assert groups == ["ecs-exec:api", "service:api"]
    every = tasks.read_tasks(factory, "app")
    assert sorted(t.service_name or "-" for t in every) == ["-", "api", "api", "old"]
    assert all(t.running for t in every)


def test_stopped_tasks_are_not_running(account: boto3.Session) -> None:
    factory = ClientFactory(REGION)
    (twin,) = [t for t in tasks.service_tasks(factory, "app", "api") if t.is_twin]
    account.client("ecs").stop_task(cluster="app", task=twin.arn)
    assert [t.group for t in tasks.service_tasks(factory, "app", "api")] == ["service:api"]


def test_key_states_read_from_kms() -> None:
    with mock_aws():
        kms = boto3.client("kms", region_name=REGION)
        meta = kms.create_key()["KeyMetadata"]
        arn, key_id = meta["Arn"], meta["KeyId"]
        factory = ClientFactory(REGION)
        assert logs_keys.read_key(factory, arn).usable
        kms.disable_key(KeyId=key_id)
        assert logs_keys.read_key(factory, arn).state == "Disabled"
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        pending = logs_keys.read_key(factory, arn)
        assert pending.state == "PendingDeletion" and pending.deletion_date and not pending.usable
        missing = arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
        assert logs_keys.read_key(factory, missing).state == "NotFound"


def test_every_call_of_the_live_readers_is_a_declared_permission(account: boto3.Session) -> None:
    session = boto3.Session(region_name=REGION)
    made: set[str] = set()
    session.events.register(
        "before-call", lambda model, **_: made.add(f"{model.service_model.signing_name}:{model.name}")
    )
    factory = ClientFactory(REGION, session=session)
    key = account.client("kms").create_key()["KeyMetadata"]["Arn"]
    live_clusters.list_cluster_arns(factory)
    live_clusters.describe_cluster(factory, "app")
    services.read_services(factory, "app")
    services.describe_service(factory, "app", "api")
    tasks.service_tasks(factory, "app", "api")
    logs_keys.read_log_groups(factory, "/ecs-exec/")
    logs_keys.read_kms_aliases(factory, "alias/ecs-exec/")
    logs_keys.read_key(factory, key)
    assert made == set(live.PERMISSIONS)  # every call declared, and every declaration used
