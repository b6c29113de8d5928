"""The trust and guard policies of stg and prd as Terraform plans them (every expression resolved).

One ``ecs-exec plan --env <env> -o json`` per environment, each on a moto server answering as that
environment's account, with its adopted cluster created first (the README recipe). The documents
are read from ``plan.json``; the root rule (``generator/spec_trust.py``) is asserted on each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from devtools.moto_server import start_server
from generator.loader import load_config

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TRUST_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity"]


def _start_server(account_id: str) -> Any:
    return start_server(account_id=account_id)


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    """``{env: {address: after}}`` of the IAM resources in the stg and prd plans."""
    out: dict[str, dict[str, Any]] = {}
    for env in ("stg", "prd"):
        spec = load_config(env)
        server = _start_server(spec.account_id)
        try:
            build = tmp_path_factory.mktemp(f"build-{env}")
            environ = {
                **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
                **server.env(region=spec.region),
                "ECS_EXEC_BUILD_DIR": str(build),
            }
            ecs = boto3.client(
                "ecs",
                region_name=spec.region,
                endpoint_url=server.endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            for cl in spec.clusters:
                if cl.existing:
                    ecs.create_cluster(clusterName=cl.name)
            exe = Path(sys.executable).with_name("ecs-exec")
            res = subprocess.run(
                [str(exe), "plan", "--env", env, "-o", "json"],
                cwd=REPO,
                env=environ,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert res.returncode == 0, res.stderr[-2000:]
            plan = json.loads((build / env / "plan.json").read_text())
            out[env] = {
                rc["address"]: rc["change"]["after"]
                for rc in plan["resource_changes"]
                if rc["type"].startswith(
                    ("aws_iam_", "aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_organizations")
                )
            }
        finally:
            server.stop()
    yield out


def _trust(after: dict[str, Any]) -> list[dict[str, Any]]:
    doc = json.loads(after["assume_role_policy"])
    return doc["Statement"]


def _roles(plan: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    prefix = f"module.access.aws_iam_role.{kind}"
    return {a: after for a, after in plan.items() if a == prefix or a.startswith(prefix + "[")}


def _root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def _binds_the_caller(st: dict[str, Any]) -> bool:
    """The root rule: a condition that says who may assume (not Null sts:SourceIdentity alone)."""
    cond = st.get("Condition", {})
    if cond.get("StringEquals", {}).get("sts:SourceIdentity") == "${aws:username}":
        return True
    return any(op in cond and "aws:PrincipalArn" in cond[op] for op in ("ArnEquals", "ArnLike"))


@pytest.mark.parametrize("env", ["stg", "prd"])
def test_no_role_trusts_the_bare_account_root(plans: dict[str, dict[str, Any]], env: str) -> None:
    spec = load_config(env)
    plan = plans[env]
    roles = {**_roles(plan, "operator"), **_roles(plan, "window"), **_roles(plan, "drift")}
    assert len(roles) == len(spec.access.operators) + 2
    for address, after in roles.items():
        for st in _trust(after):
            principal = st["Principal"]
            aws = principal.get("AWS", [])
            aws = aws if isinstance(aws, list) else [aws]
            if _root(spec.account_id) in aws or "*" in aws:
                assert _binds_the_caller(st), (address, st)
                assert env != "prd" or "ArnLike" in st["Condition"], (address, st)


def test_stg_operators_iam_users_name_themselves_with_mfa(plans: dict[str, dict[str, Any]]) -> None:
    ops = _roles(plans["stg"], "operator")
    (st,) = _trust(ops['module.access.aws_iam_role.operator["ecs-exec-operator-stg"]'])
    assert st["Principal"] == {"AWS": _root("111122223333")}
    assert sorted(st["Action"]) == TRUST_ACTIONS
    assert st["Condition"] == {
        "StringEquals": {"sts:SourceIdentity": "${aws:username}"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
    (sso,) = _trust(ops['module.access.aws_iam_role.operator["ecs-exec-payments-oncall-stg"]'])
    assert sso["Principal"] == {"AWS": _root("111122223333")}
    assert sso["Condition"] == {
        "ArnLike": {
            "aws:PrincipalArn": [
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PaymentsOncall_*"
            ]
        },
        "Null": {"sts:SourceIdentity": "false"},
    }


def test_prd_names_its_principals_and_the_window_role_trusts_operators_and_sweeper(
    plans: dict[str, dict[str, Any]],
) -> None:
    plan = plans["prd"]
    (op,) = _trust(plan['module.access.aws_iam_role.operator["ecs-exec-operator-prd"]'])
    assert op["Principal"] == {
        "AWS": [
            "arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_EcsExecOperators_5f1e2d3c4b5a6978"
        ]
    }
    assert op["Condition"] == {"Null": {"sts:SourceIdentity": "false"}}
    (window,) = _trust(plan["module.access.aws_iam_role.window"])
    assert window["Principal"] == {
        "AWS": [
            "arn:aws:iam::444455556666:role/ecs-exec-operator-prd",
            "arn:aws:iam::444455556666:role/ecs-exec-sweeper-prd",
        ]
    }
    assert window["Condition"] == {"Null": {"sts:SourceIdentity": "false"}}
    assert sorted(window["Action"]) == TRUST_ACTIONS


@pytest.mark.parametrize("env", ["stg", "prd"])
def test_drift_role_trusts_the_nightly_workflow_by_oidc(plans: dict[str, dict[str, Any]], env: str) -> None:
    spec = load_config(env)
    (st,) = _trust(plans[env]["module.access.aws_iam_role.drift"])
    assert st["Principal"] == {
        "Federated": f"arn:aws:iam::{spec.account_id}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert st["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert st["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": f"repo:acme/ecs-exec-operator:environment:{env}",
        }
    }
    # The provider exists in the account (one per account): named by ARN, not created, not looked up.
    assert not any(a.startswith("module.access.aws_iam_openid_connect_provider") for a in plans[env])


@pytest.mark.parametrize("env", ["stg", "prd"])
def test_guard_denies_every_exec_enabling_action_with_string_equals(
    plans: dict[str, dict[str, Any]], env: str
) -> None:
    guard = json.loads(plans[env]["module.access.aws_iam_policy.guard"]["policy"])
    (deny,) = guard["Statement"]
    assert deny["Effect"] == "Deny"
    assert {"ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon", "ecs:RunTask"} <= set(deny["Action"])
    assert deny["Condition"] == {"StringEquals": {"ecs:enable-execute-command": "true"}}


def test_dead_letter_alarm_notifies_the_topic_the_config_names_or_a_rendered_one(
    plans: dict[str, dict[str, Any]],
) -> None:
    prd = plans["prd"]["module.access.aws_cloudwatch_metric_alarm.dead_letter"]
    assert prd["alarm_actions"] == ["arn:aws:sns:eu-west-1:444455556666:platform-oncall-prd"]
    assert prd["dimensions"] == {"QueueName": "ecs-exec-windows-dlq-prd"}
    assert "module.access.aws_sns_topic.dead_letter_alarm[0]" not in plans["prd"]
    stg = plans["stg"]
    assert stg["module.access.aws_sns_topic.dead_letter_alarm[0]"]["name"] == "ecs-exec-windows-dlq-stg-alarm"
    assert stg["module.access.aws_cloudwatch_metric_alarm.dead_letter"]["metric_name"] == (
        "ApproximateNumberOfMessagesVisible"
    )


def test_plan_of_an_environment_never_touches_the_scp_root(plans: dict[str, dict[str, Any]]) -> None:
    """prd renders terraform/scp/prd (access.scp.enabled): `plan --env prd` does not plan it."""
    assert (REPO / "terraform/scp/prd/main.tf").is_file()
    assert not any("aws_organizations" in address for address in plans["prd"])
