"""``access report`` asks an IAM user to assume a role with their own user name as source identity:
a trust bound by ``sts:SourceIdentity = ${aws:username}`` lets them in, and the report shows the
``assume-role`` capability and the ``ExecuteCommand`` it reaches (in-process moto IAM)."""

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
from reconciler.access.report import run_access_report

SPEC = load_config(config=Path(__file__).resolve().parents[2] / "config" / "local.yaml")
ACCOUNT = "123456789012"
OPERATOR = "ecs-exec-operator-local"
BOUND_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
                "Condition": {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}},
            }
        ],
    }
)
EXEC = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ecs:ExecuteCommand",
                "Resource": [
                    f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/demo-app",
                    f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/demo-app/*",
                ],
            }
        ],
    }
)


@pytest.fixture()
def iam() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("iam", region_name="us-east-1")
        client.create_role(RoleName=OPERATOR, AssumeRolePolicyDocument=BOUND_TRUST)
        client.put_role_policy(RoleName=OPERATOR, PolicyName="exec", PolicyDocument=EXEC)
        yield client


def _user(iam: Any, name: str, statement: dict[str, Any]) -> None:
    iam.create_user(UserName=name)
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", **statement}]}
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(doc))


def _caps(report: dict[str, Any], name: str) -> set[tuple[str, str, str | None, bool]]:
    rows = [p for p in report["principals"] if p["name"] == name]
    assert rows, [p["name"] for p in report["principals"]]
    return {(c["capability"], c["target"], c["via"], c["expected"]) for c in rows[0]["capabilities"]}


@pytest.mark.parametrize(
    "statement",
    [{"Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}, {"NotAction": "iam:*"}],
)
def test_a_user_naming_themselves_becomes_the_operator_unexpectedly(iam: Any, statement: Any) -> None:
    _user(iam, "carol", statement)
    report = run_access_report(SPEC, ClientFactory(SPEC.region))
    caps = _caps(report.as_dict(), "carol")
    assert ("assume-role", OPERATOR, None, False) in caps
    assert ("execute-command", "demo-app", OPERATOR, False) in caps
    assert report.exit_code is ExitCode.FINDINGS


def test_a_user_the_config_trusts_is_expected(iam: Any) -> None:
    _user(iam, "carol", {"Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]})
    op = SPEC.access.operators[0].model_copy(
        update={"trusted_principals": [f"arn:aws:iam::{ACCOUNT}:user/carol"]}
    )
    spec = SPEC.model_copy(update={"access": SPEC.access.model_copy(update={"operators": [op]})})
    report = run_access_report(spec, ClientFactory(spec.region))
    assert _caps(report.as_dict(), "carol") == {
        ("assume-role", OPERATOR, None, True),
        ("execute-command", "demo-app", OPERATOR, True),
    }
    assert report.exit_code is ExitCode.OK


def test_without_set_source_identity_the_user_cannot(iam: Any) -> None:
    _user(iam, "dave", {"Action": "sts:AssumeRole"})
    report = run_access_report(SPEC, ClientFactory(SPEC.region)).as_dict()
    assert "dave" not in [p["name"] for p in report["principals"]]
