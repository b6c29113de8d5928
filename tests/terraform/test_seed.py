"""`make seed` / `python -m devtools.seed` (and the demo's seeding): services with running tasks,
idempotent, declared API calls, refused without AWS_ENDPOINT_URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws
from moto.moto_api import state_manager

from devtools.moto_server import MotoServer, start_server
from devtools.seed import PERMISSIONS, PROG, SeededService, main, seed_services
from ecs_exec.aws import ClientFactory
from ecs_exec.errors import NotFoundError
from generator.loader import load_config

SPEC = load_config("local")


@pytest.fixture()
def mocked() -> Iterator[ClientFactory]:
    """In-process moto with the config's clusters (as after apply) and tasks held RUNNING."""
    with mock_aws():
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})
        factory = ClientFactory(SPEC.region)
        for cl in SPEC.clusters:
            factory.client("ecs").create_cluster(clusterName=cl.name)
        yield factory
        state_manager.unset_transition("ecs::task")


def _record(factory: ClientFactory) -> list[str]:
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.split(".", 1)[1].replace(".", ":"))

    factory.client("ecs").meta.events.register("before-call.ecs.*", record)
    return calls


def test_seed_creates_services_with_running_tasks_and_is_idempotent(mocked: ClientFactory) -> None:
    calls = _record(mocked)
    first = seed_services(SPEC, mocked)
    assert first == [
        SeededService("demo-app", "api", created=True, started=1, running=1),
        SeededService("demo-batch", "worker", created=True, started=1, running=1),
    ]
    assert set(calls) <= set(PERMISSIONS)

    ecs = mocked.client("ecs")
    tasks = ecs.describe_tasks(cluster="demo-app", tasks=ecs.list_tasks(cluster="demo-app")["taskArns"])[
        "tasks"
    ]
    assert [(t["group"], t["lastStatus"]) for t in tasks] == [("service:api", "RUNNING")]
    td = ecs.describe_task_definition(taskDefinition=tasks[0]["taskDefinitionArn"])["taskDefinition"]
    assert td["taskRoleArn"] == SPEC.role_arn("demo-app-api-task")
    assert [c["name"] for c in td["containerDefinitions"]] == ["app"]

    calls.clear()
    again = seed_services(SPEC, mocked)
    assert [(s.created, s.started, s.running) for s in again] == [(False, 0, 1), (False, 0, 1)]
    assert not {"ecs:CreateService", "ecs:RunTask", "ecs:RegisterTaskDefinition"} & set(calls)

    more = seed_services(SPEC, mocked, tasks_per_service=3, dry_run=True)
    assert [(s.started, s.running) for s in more] == [(2, 3), (2, 3)]
    assert len(ecs.list_tasks(cluster="demo-app")["taskArns"]) == 1  # dry run: nothing started
    assert [(s.started, s.running) for s in seed_services(SPEC, mocked, 3)] == [(2, 3), (2, 3)]
    assert len(ecs.list_tasks(cluster="demo-app")["taskArns"]) == 3


def test_seed_before_apply_names_the_missing_cluster() -> None:
    with mock_aws():
        boto3.client("ecs", region_name=SPEC.region).create_cluster(clusterName="demo-app")
        with pytest.raises(NotFoundError, match=r"^cluster demo-batch: not found") as ei:
            seed_services(SPEC, ClientFactory(SPEC.region))
        assert ei.value.hint == "run `make apply ENV=local` against this endpoint first"


def test_cli_refuses_without_an_endpoint() -> None:
    res = CliRunner().invoke(main, ["--env", "local"], prog_name=PROG)  # the autouse fixture unset it
    assert res.exit_code == 4, res.output
    assert res.stderr.startswith(
        "python -m devtools.seed: error: AWS_ENDPOINT_URL is not set: seeding is for the embedded AWS stand-in"
    )


@pytest.fixture()
def local_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    """A moto server of its own (as the local account) with the config's clusters."""
    server = start_server(account_id=SPEC.account_id)
    try:
        for key, value in server.env(region=SPEC.region).items():
            monkeypatch.setenv(key, value)
        for cl in SPEC.clusters:
            boto3.client("ecs", region_name=SPEC.region).create_cluster(clusterName=cl.name)
        yield server
    finally:
        server.stop()


def test_cli_seeds_the_server_at_aws_endpoint_url_once(local_server: MotoServer) -> None:
    first = CliRunner().invoke(main, ["--env", "local", "-o", "json"])
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert doc["endpoint"] == local_server.endpoint
    assert [(s["cluster"], s["service"], s["created"], s["running"]) for s in doc["services"]] == [
        ("demo-app", "api", True, 1),
        ("demo-batch", "worker", True, 1),
    ]
    # Idempotent, and the tasks are still RUNNING however often they were described (held).
    second = CliRunner().invoke(main, ["--env", "local"])
    assert second.exit_code == 0, second.output
    assert second.stdout.splitlines()[1:] == [
        "demo-app    api      False    0        1",
        "demo-batch  worker   False    0        1",
    ]
