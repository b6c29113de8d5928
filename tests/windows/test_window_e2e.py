"""End to end against the embedded moto server with the applied local environment (subprocesses,
the real `exec-window` entry point, the real role assumption): open, list, expiry by a frozen clock
in the future (no sleeping), sweep, and then the drift check reports the service in sync."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SERVICE = "window-e2e"  # not named in the config: windows work on any service of a configured cluster
T0 = "2026-11-30T12:00:00Z"


def _run(env: dict[str, str], *args: str, now: str = T0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        env={**env, "ECS_EXEC_NOW": now},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_open_list_expire_sweep_then_in_sync(applied_local: Any) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "ECS_EXEC_ENV")
    } | applied_local.env()
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=applied_local.spec.region
    )
    endpoint = applied_local.server.endpoint
    session_clients = {name: session.client(name, endpoint_url=endpoint) for name in ("ecs", "scheduler")}
    _seed_service_on(session_clients["ecs"])
    target = ["--env", "local", "--cluster", "demo-app", "--service", SERVICE]

    opened = _run(
        env,
        "exec-window",
        "open",
        *target,
        "--minutes",
        "15",
        "--reason",
        "e2e: 'why' #1",
        "--no-wait",
        "-o",
        "json",
    )
    assert opened.returncode == 0, opened.stderr
    window = json.loads(opened.stdout)
    assert window["status"] == "opened" and window["expires_at"] == "2026-11-30T12:15:00Z"
    assert window["opened_by"].startswith("arn:aws:")
    svc = session_clients["ecs"].describe_services(cluster="demo-app", services=[SERVICE])["services"][0]
    assert svc["enableExecuteCommand"] is True
    sched = session_clients["scheduler"].get_schedule(
        GroupName=applied_local.spec.windows.schedule_group_name, Name=window["window_id"]
    )
    assert sched["ScheduleExpression"] == "at(2026-11-30T12:15:00)"

    listed = _run(
        env, "ecs-exec", "window", "list", "--env", "local", "-o", "json", now="2026-11-30T12:05:00Z"
    )
    assert listed.returncode == 0, listed.stderr
    [row] = [r for r in json.loads(listed.stdout)["windows"] if r["service"] == SERVICE]
    assert row["state"] == "open" and row["seconds_left"] == 600 and row["reason"] == "e2e: _why_ _1"

    # the clock moves past the expiry (the schedule never fires on moto): sweep closes the window
    later = "2026-11-30T12:16:00Z"
    expired = _run(env, "exec-window", "list", "--env", "local", "-o", "json", now=later)
    assert [r["state"] for r in json.loads(expired.stdout)["windows"] if r["service"] == SERVICE] == [
        "expired"
    ]
    before = _drift(env, later)  # exec on with an expired window is drift until swept
    assert any(SERVICE in json.dumps(item) for item in before["items"]), before["items"]
    swept = _run(env, "exec-window", "sweep", "--env", "local", "-o", "json", now=later)
    assert swept.returncode == 0, swept.stderr
    closed = [r for r in json.loads(swept.stdout)["results"] if r["service"] == SERVICE]
    assert [(r["status"], r["message"]) for r in closed] == [("closed", f"closed demo-app/{SERVICE}")]
    svc = session_clients["ecs"].describe_services(cluster="demo-app", services=[SERVICE], include=["TAGS"])[
        "services"
    ][0]
    assert svc["enableExecuteCommand"] is False
    assert not [t for t in svc.get("tags", []) if t["key"].startswith("ecs-exec:window-")]
    names = [s["Name"] for s in session_clients["scheduler"].list_schedules()["Schedules"]]
    assert window["window_id"] not in names

    again = _run(env, "exec-window", "sweep", "--env", "local", "-o", "json", now=later)
    assert [r for r in json.loads(again.stdout)["results"] if r["service"] == SERVICE] == []

    after = _drift(env, later)
    assert all(SERVICE not in json.dumps(item) for item in after["items"]), after["items"]
    assert after["summary"]["services"] >= 1


def _drift(env: dict[str, str], now: str) -> dict[str, Any]:
    """``ecs-exec drift check --output json`` (exit 0 in sync, 3 drift: other tests may leave some)."""
    result = _run(env, "ecs-exec", "drift", "check", "--env", "local", "-o", "json", now=now)
    assert result.returncode in (0, 3), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["in_sync"] is (result.returncode == 0)
    return report


def _seed_service_on(ecs: Any) -> None:
    td = ecs.register_task_definition(
        family=SERVICE, containerDefinitions=[{"name": "app", "image": "busybox", "memory": 128}]
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="demo-app", serviceName=SERVICE, taskDefinition=td, desiredCount=1)
    ecs.run_task(cluster="demo-app", taskDefinition=td, launchType="FARGATE", group=f"service:{SERVICE}")
