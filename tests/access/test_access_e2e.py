"""``ecs-exec access report`` end to end on the moto server with ``config/local.yaml`` applied
(the shared ``applied_local`` fixture): the rendered roles alone are expected (exit 0); a CI role
carrying the rendered guard stays out of the report; an extra role with ``ecs:*`` on ``*`` is named
as able to turn exec on and a role with ``ssm:StartSession`` on ``*`` as able to reach tasks around
ECS Exec, both unexpected (exit 3)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

pytestmark = [pytest.mark.terraform, pytest.mark.slow]
ECS_EXEC = str(Path(sys.executable).with_name("ecs-exec"))


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ECS_EXEC, "access", "report", "--env", "local", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_access_report_on_the_applied_local_environment(applied_local) -> None:  # type: ignore[no-untyped-def]
    env = applied_local.env()
    done = _run(env, "-o", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {p["name"] for p in report["principals"]} >= {"ecs-exec-window-local", "ecs-exec-operator-local"}
    assert all(p["expected"] for p in report["principals"])

    iam = boto3.client("iam", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1")
    guard = next(
        p["Arn"]
        for p in iam.list_policies(Scope="Local")["Policies"]
        if p["PolicyName"] == "ecs-exec-guard-local"
    )
    roles = {
        "ecs-admin-extra": {"Action": "ecs:*", "Resource": "*"},
        "ci-deployer-guarded": {
            "Action": ["ecs:CreateService", "ecs:UpdateService", "ecs:RunTask"],
            "Resource": "*",
        },
        "support-sessions": {"Action": "ssm:StartSession", "Resource": "*"},
    }
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        for name, statement in roles.items():
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
            document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(document))
        iam.attach_role_policy(RoleName="ci-deployer-guarded", PolicyArn=guard)
        done = _run(env, "-o", "json")
        assert done.returncode == 3, done.stderr
        found = {p["name"]: p for p in json.loads(done.stdout)["principals"]}
        assert "ci-deployer-guarded" not in found
        admin, support = found["ecs-admin-extra"], found["support-sessions"]
        assert admin["expected"] is False and support["expected"] is False
        assert {
            "capability": "turn-exec-on",
            "target": "demo-app",
            "via": None,
            "decision": "allowed",
            "expected": False,
        } in (admin["capabilities"])
        assert {(c["capability"], c["target"]) for c in support["capabilities"]} == {
            ("start-session", "demo-app"),
            ("start-session", "demo-batch"),
        }
        table = _run(env)
        assert table.returncode == 3
        assert any(
            line.startswith("ecs-admin-extra") and " NO " in line for line in table.stdout.splitlines()
        )
        assert "2 unexpected" in table.stderr
    finally:
        for name in roles:  # leave the shared server as the fixture made it
            with contextlib.suppress(iam.exceptions.NoSuchEntityException):
                if name == "ci-deployer-guarded":
                    iam.detach_role_policy(RoleName=name, PolicyArn=guard)
                iam.delete_role_policy(RoleName=name, PolicyName="p")
            with contextlib.suppress(iam.exceptions.NoSuchEntityException):
                iam.delete_role(RoleName=name)
    assert _run(env, "-o", "json").returncode == 0
