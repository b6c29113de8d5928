"""``access report`` names a managed role whose trust admits principals it cannot list: ``*``,
another account, or this account's root with no condition naming who (in-process moto IAM)."""

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


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
    }
    if condition:
        st["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [st]})


BOUND = {"StringEquals": {"sts:SourceIdentity": "${aws:username}"}}


@pytest.fixture()
def iam() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("iam", region_name="us-east-1")


def _rows(spec: Any = SPEC) -> tuple[dict[str, Any], ExitCode]:
    report = run_access_report(spec, ClientFactory(spec.region))
    return report.as_dict(), report.exit_code


def _trust_row(report: dict[str, Any], role: str) -> dict[str, Any] | None:
    return next((p for p in report["principals"] if p["name"] == f"trust:{role}"), None)


@pytest.mark.parametrize(
    ("role", "principal", "condition", "who"),
    [
        ("ecs-exec-operator-local", {"AWS": "*"}, None, "other accounts"),
        ("ecs-exec-window-local", "*", None, "other accounts"),
        ("ecs-exec-drift-local", {"AWS": "arn:aws:iam::999999999999:root"}, None, "999999999999"),
        ("ecs-exec-drift-local", {"AWS": "999999999999"}, None, "999999999999"),
        ("ecs-exec-operator-local", {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, None, "this account"),
        (
            "ecs-exec-operator-local",
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            {"Null": {"sts:SourceIdentity": "false"}},
            "this account",
        ),
        ("ecs-exec-operator-local", {"AWS": "*"}, BOUND, "other accounts"),
    ],
)
def test_an_open_trust_is_an_unexpected_row_and_exit_3(
    iam: Any, role: str, principal: Any, condition: Any, who: str
) -> None:
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=_trust(principal, condition))
    report, code = _rows()
    row = _trust_row(report, role)
    assert row is not None, report["principals"]
    assert row["type"] == "trust" and row["expected"] is False
    assert row["arn"] == f"arn:aws:iam::{ACCOUNT}:role/{role}"
    assert [(c["capability"], c["target"], c["expected"]) for c in row["capabilities"]] == [
        ("assume-role", role, False)
    ]
    assert any(n.startswith(f"trust:{role}:") and who in n for n in report["notes"]), report["notes"]
    assert code is ExitCode.FINDINGS


@pytest.mark.parametrize(
    ("principal", "condition"),
    [
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, BOUND),
        (
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            {
                "ArnLike": {
                    "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/*"
                }
            },
        ),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/oncall"}, None),
        ({"AWS": "arn:aws:iam::999999999999:role/ci"}, None),
        ({"Service": "ec2.amazonaws.com"}, None),
    ],
)
def test_a_trust_naming_who_is_no_row(iam: Any, principal: Any, condition: Any) -> None:
    iam.create_role(RoleName="ecs-exec-operator-local", AssumeRolePolicyDocument=_trust(principal, condition))
    report, _ = _rows()
    assert _trust_row(report, "ecs-exec-operator-local") is None
    assert not any(n.startswith("trust:") for n in report["notes"])


def test_a_config_pattern_covering_every_role_makes_the_trust_expected(iam: Any) -> None:
    pattern = f"arn:aws:iam::{ACCOUNT}:role/*"
    trust = _trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, {"ArnLike": {"aws:PrincipalArn": pattern}})
    iam.create_role(RoleName="ecs-exec-drift-local", AssumeRolePolicyDocument=trust)
    spec = SPEC.model_copy(update={"drift": SPEC.drift.model_copy(update={"trusted_principals": [pattern]})})
    report, code = _rows(spec)
    row = _trust_row(report, "ecs-exec-drift-local")
    assert row is not None and row["expected"] is True and code is ExitCode.OK
