"""``ecs-exec access report`` end to end on the moto server with ``config/local.yaml`` applied
(the shared ``applied_local`` fixture): the rendered roles alone are expected (exit 0); an extra role
with ``ecs:*`` on ``*`` is named as able to turn exec on, unexpected (exit 3)."""

from __future__ import annotations

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
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="ecs-admin-extra", AssumeRolePolicyDocument=json.dumps(trust))
    try:
        iam.put_role_policy(
            RoleName="ecs-admin-extra", PolicyName="all-ecs", PolicyDocument=json.dumps(policy)
        )
        done = _run(env, "-o", "json")
        assert done.returncode == 3, done.stderr
        extra = [p for p in json.loads(done.stdout)["principals"] if p["name"] == "ecs-admin-extra"]
        assert extra and extra[0]["expected"] is False
        assert {
            "capability": "turn-exec-on",
            "target": "demo-app",
            "decision": "allowed",
            "expected": False,
        } in (extra[0]["capabilities"])
        table = _run(env)
        assert table.returncode == 3
        assert any(
            line.startswith("ecs-admin-extra") and " NO " in line for line in table.stdout.splitlines()
        )
        assert "1 unexpected" in table.stderr
    finally:
        iam.delete_role_policy(RoleName="ecs-admin-extra", PolicyName="all-ecs")
        iam.delete_role(RoleName="ecs-admin-extra")
    assert _run(env, "-o", "json").returncode == 0
