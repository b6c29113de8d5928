"""``ecs-exec shell`` end to end: a real subprocess against the applied moto server, the stand-in
plugin first on PATH, the hooks answering ExecuteCommand / DescribeSessions / DescribeTasks' agents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import DeploymentStarter, ShellWorld

pytestmark = pytest.mark.slow

TARGET = ("--env", "local", "--cluster", "demo-app", "--service", "api", "--reason", "INC-1", "--no-input")


def _window_state(world: ShellWorld) -> tuple[bool, dict[str, str], list[str]]:
    ecs, scheduler = world.client("ecs"), world.client("scheduler")
    svc = ecs.describe_services(cluster="demo-app", services=["api"], include=["TAGS"])["services"][0]
    tags = {t["key"]: t["value"] for t in svc.get("tags", []) if t["key"].startswith("ecs-exec:window-")}
    names = [s["Name"] for s in scheduler.list_schedules(GroupName="ecs-exec-windows-local")["Schedules"]]
    return bool(svc.get("enableExecuteCommand")), tags, names


def test_redeploy_shell_runs_the_plugin_once_with_the_cli_argv_and_closes_on_exit(
    world: ShellWorld, deployments: DeploymentStarter
) -> None:
    done = world.run(*TARGET, "-o", "json", "--transcript-wait", "1")
    assert done.returncode == 0, done.stderr
    [run] = world.runs()
    argv = run["argv"]
    assert len(argv) == 7 and argv[2:5] == ["us-east-1", "StartSession", ""]
    session = json.loads(argv[1])
    assert set(session) == {"sessionId", "streamUrl", "tokenValue"}
    [task_arn] = deployments.started  # the task of the window's deployment, not the seeded one
    task_id = task_arn.rsplit("/", 1)[-1]
    assert json.loads(argv[5]) == {"Target": f"ecs:demo-app_{task_id}_{task_id}-0"}
    assert argv[6] == world.endpoint
    [request] = world.exec_requests()
    assert (request["cluster"], request["task"], request["container"], request["command"], request["interactive"]) == (
        "demo-app", task_arn, "app", "/bin/sh", True,
    )  # fmt: skip
    body: dict[str, Any] = json.loads(done.stdout)
    assert body["command"] == "shell" and body["remote_command"] == "/bin/sh"
    assert body["session_id"] == session["sessionId"]
    assert body["window"]["status"] == "opened" and body["window"]["opened_here"] is True
    assert body["left"]["closed"] is True
    assert (
        body["transcript"]["status"] == "missing" and body["transcript"]["log_stream"] == session["sessionId"]
    )
    assert "lacks `script` or `cat`" in done.stderr, done.stderr
    exec_on, tags, schedules = _window_state(world)
    assert (exec_on, tags) == (False, {})
    assert body["window"]["window_id"] not in schedules
