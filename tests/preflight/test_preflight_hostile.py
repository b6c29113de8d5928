"""Preflight against shapes moto does not produce and a broken client machine: each was a wrong
answer (a PASS) or a crash / wrong exit code before the fix named in its test."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from preflight_world import CLUSTER, REGION, SERVICE, World, build_world, fake_tools, new_session

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import NotFoundError
from reconciler.preflight.model import Status
from reconciler.preflight.runner import run_preflight
from reconciler.preflight.tools import Tools


class _Raw:
    def stream(self, **_: Any) -> Any:
        yield b""


def _answer_error(world: World, operation: str, code: str, message: str) -> None:
    """A before-call hook on the caller's ECS client answering ``code`` (a real ECS error moto never gives)."""

    def hook(**_: Any) -> Any:
        error = {"Code": code, "Message": message}
        return AWSResponse("https://ecs", 400, {}, _Raw()), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    world.factory.client("ecs").meta.events.register(f"before-call.ecs.{operation}", hook)


def test_plugin_that_does_not_run_is_a_warning_not_a_pass(world: World) -> None:
    # Was PASS "version unknown": a plugin built for another architecture fails every session.
    base = fake_tools()
    tools = Tools(
        which=base.which,
        run=lambda argv: (
            (127, "[Errno 8] Exec format error")
            if argv[0].endswith("session-manager-plugin")
            else base.run(argv)
        ),
    )
    report = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=tools)
    result = report.result("client.session-manager-plugin")
    assert result.status is Status.WARN and "Exec format error" in result.reason
    assert "session-manager-plugin" in result.fix


def test_malformed_task_id_is_not_found_not_an_aws_error(world: World) -> None:
    # Real ECS answers InvalidParameterException for a malformed id: was exit 5, now exit 4 (not found).
    _answer_error(world, "DescribeTasks", "InvalidParameterException", "Invalid identifier: a b c")
    with pytest.raises(NotFoundError, match="--task: task 'a b c' not found in cluster 'demo-app'"):
        run_preflight(world.spec, world.factory, CLUSTER, task="a b c", tools=fake_tools())


def test_malformed_service_name_is_not_found(world: World) -> None:
    _answer_error(world, "DescribeServices", "InvalidParameterException", "Invalid service name")
    with pytest.raises(NotFoundError, match="--service: service 'a/b' not found"):
        run_preflight(world.spec, world.factory, CLUSTER, service="a/b", tools=fake_tools())


def test_task_arn_of_another_cluster_names_its_cluster(world: World) -> None:
    other = "arn:aws:ecs:us-east-1:123456789012:task/demo-batch/0123456789abcdef0123456789abcdef"
    with pytest.raises(NotFoundError, match="belongs to cluster 'demo-batch', not 'demo-app'"):
        run_preflight(world.spec, world.factory, CLUSTER, task=other, tools=fake_tools())


def test_bare_task_id_and_arn_judge_the_same_task(world: World) -> None:
    assert world.task_arn is not None
    by_arn = run_preflight(world.spec, world.factory, CLUSTER, task=world.task_arn, tools=fake_tools())
    by_id = run_preflight(
        world.spec, world.factory, CLUSTER, task=world.task_arn.rsplit("/", 1)[-1], tools=fake_tools()
    )
    assert by_arn.target == by_id.target and by_arn.exit_code == by_id.exit_code == 0


def test_external_service_without_task_definition_skips_instead_of_crashing(aws: None) -> None:
    # DescribeServices has no taskDefinition for an EXTERNAL service (its task sets hold it):
    # was KeyError 'taskDefinition' -> exit 1.
    world = build_world(with_task=False)

    def external(parsed: dict[str, Any], **_: Any) -> None:
        for service in parsed.get("services", []):
            service.pop("taskDefinition", None)
            service["deploymentController"] = {"type": "EXTERNAL"}

    world.factory.client("ecs").meta.events.register("after-call.ecs.DescribeServices", external)
    report = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    for check in ("task.role", "task.init-process", "task.readonly-root-filesystem", "task.aws-credentials"):
        assert report.result(check).status is Status.SKIP, check
    assert report.result("service.deployment-controller").status is Status.WARN


def test_unreadable_caller_reason_is_said_once(world: World) -> None:
    # The default moto user has no IAM entity: every question gets the same "cannot read" answer,
    # which was repeated once per (action, resource) in the reason.
    factory = ClientFactory(REGION, session=new_session())
    world.patch_tasks(factory)
    report = run_preflight(world.spec, factory, CLUSTER, service=SERVICE, tools=fake_tools())
    reason = report.result("caller.ecs-execute-command").reason
    assert report.result("caller.ecs-execute-command").status is Status.WARN
    assert reason.count("cannot read the policies") == 1


def test_json_document_has_the_same_keys_whether_or_not_the_target_was_resolved(world: World) -> None:
    # The wrong-account report's target lacked "container" and "running_tasks".
    resolved = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    other = world.spec.model_copy(update={"account_id": "999999999999"})
    unresolved = run_preflight(other, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    a, b = resolved.as_dict(), unresolved.as_dict()
    assert set(a) == set(b) and set(a["target"]) == set(b["target"])
    assert [c["id"] for c in a["checks"]] == [c["id"] for c in b["checks"]]
    assert all(set(c) == {"id", "group", "status", "reason", "fix"} for c in a["checks"] + b["checks"])


def test_simulator_is_asked_about_the_role_arn_with_its_path(world: World) -> None:
    # IAM Identity Center roles live under /aws-reserved/sso.amazonaws.com/; the session ARN and a
    # path-less ARN do not name them, so the simulator answered NoSuchEntity and was dropped for the run.
    from botocore.stub import Stubber

    from reconciler.preflight.iam import IamOracle

    path = "/aws-reserved/sso.amazonaws.com/"
    world.client("iam").create_role(
        RoleName="AWSReservedSSO_Admin_0a1b", Path=path, AssumeRolePolicyDocument="{}"
    )
    iam = new_session().client("iam", region_name=REGION)
    stub = Stubber(iam)
    stub.add_response(
        "simulate_principal_policy",
        {"EvaluationResults": [{"EvalActionName": "ecs:ExecuteCommand", "EvalDecision": "allowed"}]},
        {
            "PolicySourceArn": f"arn:aws:iam::123456789012:role{path}AWSReservedSSO_Admin_0a1b",
            "ActionNames": ["ecs:ExecuteCommand"],
            "ResourceArns": ["*"],
            "ContextEntries": [],
        },
    )
    with stub:
        oracle = IamOracle(world.factory, simulator=iam)
        answer = oracle.ask(
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com",
            "ecs:ExecuteCommand",
            "*",
        )
    assert answer.source == "simulator" and oracle.simulator_unavailable_reason is None


def test_session_key_pending_deletion_or_disabled_fails_cluster_kms_key(world: World) -> None:
    # Was not looked at: every check passed while no session could start.
    kms = world.client("kms")
    key_id = world.key_arn.rsplit("/", 1)[-1]
    assert (
        run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools()).exit_code == 0
    )
    kms.disable_key(KeyId=key_id)
    disabled = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    assert [r.id for r in disabled.by_status(Status.FAIL)] == ["cluster.kms-key"]
    assert "Disabled" in disabled.result("cluster.kms-key").reason
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    pending = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    result = pending.result("cluster.kms-key")
    assert result.status is Status.FAIL and "PendingDeletion, deletion on 20" in result.reason
    assert f"aws kms cancel-key-deletion --key-id {world.key_arn}" in result.fix
