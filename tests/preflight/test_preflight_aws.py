"""Preflight's AWS edge: declared permissions, request parameters, the simulator probe, unknown targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.stub import Stubber
from preflight_world import CLUSTER, REGION, SERVICE, World, fake_tools, new_session

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import NotFoundError
from iampolicy import Decision
from reconciler.preflight.iam import IamOracle, parse_principal
from reconciler.preflight.model import Status
from reconciler.preflight.runner import PERMISSIONS, run_preflight

#: API operations whose IAM action has another name, and botocore service ids that are not IAM prefixes.
ACTION_OF = {"s3.GetBucketEncryption": "s3:GetEncryptionConfiguration"}
PREFIX_OF = {"cloudwatch-logs": "logs"}


def iam_action(operation: str) -> str:
    """``cloudwatch-logs.DescribeLogGroups`` -> ``logs:DescribeLogGroups``."""
    service, name = operation.split(".", 1)
    return ACTION_OF.get(operation, f"{PREFIX_OF.get(service, service)}:{name}")


@dataclass
class Recorder:
    """Every call made by a factory's clients (``before-call``), and the API parameters of each."""

    factory: ClientFactory
    calls: list[str] = field(default_factory=list)
    params: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _recording_factory(world: World) -> Recorder:
    """A fresh factory over the caller's session whose clients record every call."""
    session = world.factory.session
    rec = Recorder(ClientFactory(REGION, session=session))

    def record(event_name: str, **_: Any) -> None:
        rec.calls.append(event_name.removeprefix("before-call."))

    def keep_params(event_name: str, params: dict[str, Any], **_: Any) -> None:
        rec.params.setdefault(event_name.removeprefix("before-parameter-build."), []).append(dict(params))

    session.events.register("before-call", record)
    session.events.register("before-parameter-build", keep_params)
    world.patch_tasks(rec.factory)
    return rec


def test_every_call_made_is_a_declared_permission(world: World) -> None:
    rec = _recording_factory(world)
    world.client("ec2").delete_route(
        RouteTableId=world.route_table, DestinationCidrBlock="0.0.0.0/0"
    )  # reach the endpoints reader
    run_preflight(world.spec, rec.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    made = {iam_action(op) for op in rec.calls}
    assert made - set(PERMISSIONS) == set()
    # the readers that matter were really exercised
    assert {
        "iam:SimulatePrincipalPolicy",
        "kms:GetKeyPolicy",
        "s3:GetBucketPolicy",
        "ec2:DescribeVpcEndpoints",
    } <= made


def test_describe_clusters_asks_for_the_configuration(world: World) -> None:
    rec = _recording_factory(world)
    run_preflight(world.spec, rec.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    describe = rec.params["ecs.DescribeClusters"]
    assert describe and all("CONFIGURATIONS" in p.get("include", []) for p in describe)


def test_simulator_is_probed_once_then_static(world: World) -> None:
    rec = _recording_factory(world)
    report = run_preflight(world.spec, rec.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    assert rec.calls.count("iam.SimulatePrincipalPolicy") == 1
    assert report.exit_code == 0
    # Regression: the note carried botocore's raw text; now one short line, then what static misses.
    assert report.notes == (
        "IAM policy simulator unavailable (not implemented by the endpoint): static evaluation used",
        "static evaluation: SCPs, RCPs, permission boundaries and session policies are not seen",
    )


def test_default_simulator_client_makes_a_single_attempt(world: World) -> None:
    oracle = IamOracle(world.factory)
    assert oracle._simulator.meta.config.retries["total_max_attempts"] == 1


def test_simulator_answers_when_available(world: World) -> None:
    iam = new_session().client("iam", region_name=REGION)
    stub = Stubber(iam)
    role = "arn:aws:iam::123456789012:role/demo-app-api-task"
    stub.add_response(
        "simulate_principal_policy",
        {"EvaluationResults": [{"EvalActionName": "kms:Decrypt", "EvalDecision": "explicitDeny"}]},
        {
            "PolicySourceArn": role,
            "ActionNames": ["kms:Decrypt"],
            "ResourceArns": [world.key_arn],
            "ContextEntries": [],
        },
    )
    stub.add_response(
        "simulate_principal_policy",
        {
            "EvaluationResults": [
                {
                    "EvalActionName": "ecs:ExecuteCommand",
                    "EvalDecision": "allowed",
                    "MissingContextValues": ["ecs:container-name"],
                }
            ]
        },
    )
    with stub:
        oracle = IamOracle(world.factory, simulator=iam)
        denied = oracle.ask(role, "kms:Decrypt", world.key_arn)
        conditional = oracle.ask(role, "ecs:ExecuteCommand", "*")
    assert (denied.decision, denied.source) == (Decision.DENIED, "simulator")
    assert conditional.decision is Decision.CONDITIONAL and "ecs:container-name" in conditional.explanation
    assert oracle.notes() and "SimulatePrincipalPolicy" in oracle.notes()[0]


def test_assumed_role_session_is_simulated_as_its_role() -> None:
    principal = parse_principal("arn:aws:sts::123456789012:assumed-role/ops/alice")
    assert (principal.kind, principal.name) == ("role", "ops")
    assert principal.policy_source_arn == "arn:aws:iam::123456789012:role/ops"
    assert parse_principal("arn:aws:iam::123456789012:role/team/path/app-task").name == "app-task"


def test_access_denied_read_is_a_warning_of_that_check(world: World) -> None:
    from botocore.exceptions import ClientError

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetKeyPolicy")

    world.factory.client("kms").meta.events.register("before-call.kms.GetKeyPolicy", deny)
    report = run_preflight(world.spec, world.factory, CLUSTER, service=SERVICE, tools=fake_tools())
    result = report.result("task.key-policy")
    assert result.status is Status.WARN and "AccessDeniedException" in result.reason
    assert report.by_status(Status.FAIL) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"service": "nope"}, "--service: service 'nope' not found"),
        (
            {"task": "0123456789abcdef0123456789abcdef"},
            "--task: task '0123456789abcdef0123456789abcdef' not found",
        ),
        ({"service": SERVICE, "container": "sidecar"}, "--container:"),
    ],
)
def test_unknown_target_is_not_found(world: World, target: dict[str, Any], message: str) -> None:
    with pytest.raises(NotFoundError, match=message):
        run_preflight(world.spec, world.factory, CLUSTER, tools=fake_tools(), **target)


def test_unknown_cluster_in_the_account_is_not_found(world: World) -> None:
    # demo-batch is in config/local.yaml but was never created
    with pytest.raises(NotFoundError, match="--cluster: cluster 'demo-batch' not found"):
        run_preflight(world.spec, world.factory, "demo-batch", service=SERVICE, tools=fake_tools())


def test_cluster_outside_the_config_is_refused_before_any_call(world: World) -> None:
    rec = _recording_factory(world)
    with pytest.raises(NotFoundError, match="--cluster: 'other' is not a cluster of environment local"):
        run_preflight(world.spec, rec.factory, "other", service=SERVICE, tools=fake_tools())
    assert rec.calls == []


def test_moto_server_simulator_is_probed_with_one_attempt(server_env: Any) -> None:
    """moto's server answers SimulatePrincipalPolicy with an HTML 500 (ResponseParserError, not a
    ClientError): one attempt, then the oracle remembers "unavailable" and answers statically."""
    factory = ClientFactory(REGION, session=new_session())
    oracle = IamOracle(factory)
    sends: list[str] = []
    oracle._simulator.meta.events.register(
        "before-send.iam.SimulatePrincipalPolicy", lambda **_: sends.append("x")
    )
    role = "arn:aws:iam::123456789012:role/preflight-probe-missing"
    first = oracle.ask(role, "kms:Decrypt", "*")
    second = oracle.ask(role, "kms:Encrypt", "*")
    assert sends == ["x"]
    # Regression: the reason was "Unable to parse response (...) Further retries may succeed: <html...".
    assert oracle.simulator_unavailable_reason == "non-AWS response"
    assert first.source == second.source == "static"
    assert first.decision is None and "NoSuchEntity" in first.explanation
