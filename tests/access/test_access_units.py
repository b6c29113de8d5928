"""``access report`` over an account in in-process moto (IAM GetAccountAuthorizationDetails is real
moto): capabilities found, expected or not, boundaries, groups, the JSON envelope."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import ExitCode
from generator.loader import load_config
from generator.spec import EnvironmentSpec
from reconciler.access import PERMISSIONS
from reconciler.access.report import run_access_report

# account 123456789012, clusters demo-app (windowed) and demo-batch (never)
SPEC = load_config(config=Path(__file__).resolve().parents[2] / "config" / "local.yaml")
ACCOUNT = "123456789012"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


TRUST_ACCOUNT = _doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
)


@pytest.fixture()
def iam() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1")
        yield client


def _role(
    iam: Any, name: str, *policies: str, trust: str = TRUST_ACCOUNT, boundary: str | None = None
) -> None:
    extra = {"PermissionsBoundary": boundary} if boundary else {}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **extra)
    for i, doc in enumerate(policies):
        iam.put_role_policy(RoleName=name, PolicyName=f"p{i}", PolicyDocument=doc)


def _report(spec: EnvironmentSpec = SPEC) -> dict[str, Any]:
    return run_access_report(spec, ClientFactory(spec.region)).as_dict()


def _principal(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = [p for p in report["principals"] if p["name"] == name]
    assert found, f"{name} not in {[p['name'] for p in report['principals']]}"
    return found[0]


def _caps(p: dict[str, Any]) -> set[tuple[str, str, bool]]:
    return {(c["capability"], c["target"], c["expected"]) for c in p["capabilities"]}


def test_an_ecs_admin_turns_exec_on_and_opens_shells_unexpectedly(iam: Any) -> None:
    _role(iam, "platform-admin", _doc(_allow("ecs:*")))
    report = _report()
    admin = _principal(report, "platform-admin")
    assert admin["expected"] is False
    assert admin["arn"] == f"arn:aws:iam::{ACCOUNT}:role/platform-admin" and admin["type"] == "role"
    assert ("turn-exec-on", "demo-app", False) in _caps(admin)
    assert ("execute-command", "demo-batch", False) in _caps(admin)
    assert run_access_report(SPEC, ClientFactory(SPEC.region)).exit_code is ExitCode.FINDINGS


def test_a_ci_role_carrying_a_complete_guard_cannot_turn_exec_on(iam: Any) -> None:
    guard = _allow(
        [
            "ecs:CreateService",
            "ecs:UpdateService",
            "ecs:RunTask",
            "ecs:StartTask",
            "ecs:CreateDaemon",
            "ecs:UpdateDaemon",
        ],
        Condition={"StringEquals": {"ecs:enable-execute-command": "true"}},
    ) | {"Effect": "Deny"}
    _role(
        iam,
        "ci-deployer",
        _doc(_allow(["ecs:UpdateService", "ecs:CreateService", "ecs:RunTask", "ecs:StartTask"])),
        _doc(guard),
    )
    report = _report()
    assert "ci-deployer" not in [p["name"] for p in report["principals"]]


def test_ssm_start_session_on_everything_is_found(iam: Any) -> None:
    _role(iam, "support", _doc(_allow("ssm:StartSession")))
    support = _principal(_report(), "support")
    assert _caps(support) == {("start-session", "demo-app", False), ("start-session", "demo-batch", False)}


def test_the_configured_roles_are_expected(iam: Any) -> None:
    _role(
        iam,
        "ecs-exec-window-local",
        _doc(_allow("ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/demo-app/*")),
    )
    op_trust = _bound_trust(f"arn:aws:iam::{ACCOUNT}:root")
    _role(
        iam,
        "ecs-exec-operator-local",
        _doc(
            _allow(
                "ecs:ExecuteCommand",
                [
                    "arn:aws:ecs:us-east-1:123456789012:cluster/demo-app",
                    "arn:aws:ecs:us-east-1:123456789012:task/demo-app/*",
                ],
            ),
            _allow(
                ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "arn:aws:iam::123456789012:role/ecs-exec-window-local",
            ),
        ),
        trust=op_trust,
    )
    window_trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:role/ecs-exec-operator-local"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {"Null": {"sts:SourceIdentity": "false"}},
        }
    )
    iam.update_assume_role_policy(RoleName="ecs-exec-window-local", PolicyDocument=window_trust)
    report = _report()
    assert _caps(_principal(report, "ecs-exec-window-local")) == {("turn-exec-on", "demo-app", True)}
    assert _caps(_principal(report, "ecs-exec-operator-local")) == {
        ("execute-command", "demo-app", True),
        ("assume-role", "ecs-exec-window-local", True),
        ("turn-exec-on", "demo-app", True),  # via the window role
    }
    assert (
        report["schema_version"] == 1
        and report["command"] == "access report"
        and report["environment"] == "local"
    )
    assert any("service control policies" in n for n in report["notes"])
    assert run_access_report(SPEC, ClientFactory(SPEC.region)).exit_code is ExitCode.OK


def test_a_readable_permission_boundary_limits(iam: Any) -> None:
    boundary = iam.create_policy(PolicyName="describe-only", PolicyDocument=_doc(_allow("ecs:Describe*")))[
        "Policy"
    ]["Arn"]
    _role(iam, "bounded-admin", _doc(_allow("ecs:*")), boundary=boundary)
    assert "bounded-admin" not in [p["name"] for p in _report()["principals"]]


def test_users_get_their_groups_managed_policies(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="ecs-power", PolicyDocument=_doc(_allow("ecs:ExecuteCommand")))[
        "Policy"
    ]["Arn"]
    iam.create_group(GroupName="oncall")
    iam.attach_group_policy(GroupName="oncall", PolicyArn=arn)
    iam.create_user(UserName="mallory")
    iam.add_user_to_group(GroupName="oncall", UserName="mallory")
    mallory = _principal(_report(), "mallory")
    assert mallory["type"] == "user" and ("execute-command", "demo-app", False) in _caps(mallory)


def test_a_user_who_may_assume_the_drift_role_is_unexpected(iam: Any) -> None:
    _role(iam, "ecs-exec-drift-local")
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="p", PolicyDocument=_doc(_allow("sts:AssumeRole")))
    bob = _principal(_report(), "bob")
    assert _caps(bob) == {("assume-role", "ecs-exec-drift-local", False)}
    assert any("ecs-exec-window-local of the config does not exist" in n for n in _report()["notes"])


def test_permissions_are_declared() -> None:
    assert {"iam:GetAccountAuthorizationDetails"} == PERMISSIONS


def _bound_trust(principal: str) -> str:
    return _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}},
        }
    )


def test_a_user_who_can_only_name_themselves_is_listed(iam: Any) -> None:
    """The bound trust lets alice in with her own name (see test_access_source_identity.py)."""
    _role(iam, "ecs-exec-operator-local", trust=_bound_trust(f"arn:aws:iam::{ACCOUNT}:root"))
    iam.create_user(UserName="alice")
    iam.put_user_policy(
        UserName="alice",
        PolicyName="p",
        PolicyDocument=_doc(_allow(["sts:AssumeRole", "sts:SetSourceIdentity"])),
    )
    alice = _principal(_report(), "alice")
    assert _caps(alice) == {("assume-role", "ecs-exec-operator-local", False)}


def test_sweep_principals_are_expected_to_assume_the_window_role(iam: Any) -> None:
    cron = f"arn:aws:iam::{ACCOUNT}:role/sweep-cron"
    trust = _doc(
        {"Effect": "Allow", "Principal": {"AWS": cron}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}
    )
    _role(iam, "ecs-exec-window-local", trust=trust)
    _role(iam, "sweep-cron")
    spec = SPEC.model_copy(update={"windows": SPEC.windows.model_copy(update={"sweep_principals": [cron]})})
    assert _caps(_principal(_report(spec), "sweep-cron")) == {("assume-role", "ecs-exec-window-local", True)}
    assert _caps(_principal(_report(), "sweep-cron")) == {("assume-role", "ecs-exec-window-local", False)}
