"""``ecs-exec shell`` end to end: a real subprocess against the applied moto server, the stand-in
plugin first on PATH, the hooks answering ExecuteCommand / DescribeSessions / DescribeTasks' agents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from shell_world import DeploymentStarter, ShellWorld

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


def _close(world: ShellWorld) -> None:
    """Close the api window with the real `exec-window close` (a test that leaves it open cleans up)."""
    import subprocess
    import sys
    from pathlib import Path

    subprocess.run(
        [str(Path(sys.executable).parent / "exec-window"), "close", "--env", "local", "--cluster", "demo-app",
         "--service", "api", "--no-wait"],
        env=world.env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


def test_ctrl_c_goes_to_the_plugin_and_sigterm_ends_the_shell_and_closes_the_window(
    world: ShellWorld, deployments: DeploymentStarter
) -> None:
    import os
    import signal

    proc = world.start(*TARGET, "--transcript-wait", "0", STANDIN_WAIT="1", new_session=True)
    world.wait_for("waiting")
    for key in (
        signal.SIGINT,
        signal.SIGQUIT,
        signal.SIGTSTP,
    ):  # Ctrl-C, Ctrl-\, Ctrl-Z: to the terminal's group
        os.killpg(proc.pid, key)
        world.wait_for_signal(key.name)  # the plugin got it (it forwards it to the remote shell) ...
    assert proc.poll() is None  # ... and the shell ignored it
    os.kill(proc.pid, signal.SIGTERM)  # SIGTERM ends the shell
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err  # not 130: Ctrl-C did not abort the shell
    signals = [r["signal"] for r in world.records() if "signal" in r]
    assert signals == ["SIGINT", "SIGQUIT", "SIGTSTP", "SIGTERM"]  # SIGTERM: the shell stopped the plugin
    exec_on, tags, _ = _window_state(world)
    assert (exec_on, tags) == (False, {})
    assert "SIGTERM: ending the shell" in err and "closed demo-app/api" in err


def test_sighup_from_a_closed_terminal_ends_the_shell_and_closes_the_window(
    world: ShellWorld, deployments: DeploymentStarter
) -> None:
    import os
    import signal

    proc = world.start(*TARGET, "--transcript-wait", "0", STANDIN_WAIT="1")
    world.wait_for("waiting")
    os.kill(proc.pid, signal.SIGHUP)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 129, err
    exec_on, tags, _ = _window_state(world)
    assert (exec_on, tags) == (False, {})


def test_another_active_session_keeps_the_window_open_and_the_plugin_status_passes_through(
    world: ShellWorld, deployments: DeploymentStarter
) -> None:
    # someone else's session on a task of the window (the task the deployment starter will start)
    world.sessions.write_text(json.dumps([]))
    proc = world.start(*TARGET, "--transcript-wait", "0", STANDIN_WAIT="1", STANDIN_EXIT="42")
    run = world.wait_for("argv")
    target = json.loads(run["argv"][5])["Target"]
    other = {"SessionId": "bob-0123", "Target": target.rsplit("_", 1)[0] + "_other", "Status": "Connected"}
    world.sessions.write_text(json.dumps([other]))
    import os
    import signal

    os.kill(run["pid"], signal.SIGTERM)  # the session ends (the plugin exits 42)
    _out, err = proc.communicate(timeout=120)
    try:
        assert proc.returncode == 42, err
        exec_on, tags, _ = _window_state(world)
        assert exec_on is True and tags["ecs-exec:window-reason"] == "INC-1"
        assert "1 other exec session(s) active on its tasks (bob-0123)" in err
    finally:
        _close(world)


def test_unknown_container_is_exit_4_naming_the_valid_ones_before_any_change(world: ShellWorld) -> None:
    before = _window_state(world)
    done = world.run(*TARGET, "--container", "nope")
    assert done.returncode == 4, done.stderr
    assert "--container: 'nope' is not a container of" in done.stderr and "(valid: app)" in done.stderr
    assert _window_state(world) == before and world.runs() == []


def test_no_plugin_on_path_fails_the_preflight_with_exit_3_before_any_change(world: ShellWorld) -> None:
    before = _window_state(world)
    bin_dir = world.env["PATH"].split(":", 1)[1]  # without the stand-in's folder
    done = world.run(*TARGET, PATH=bin_dir)
    assert done.returncode == 3, done.stderr
    assert (
        "preflight FAIL: client.session-manager-plugin: session-manager-plugin not found on PATH"
        in done.stderr
    )
    assert _window_state(world) == before


def test_twin_mode_runs_one_extra_task_leaves_the_service_alone_and_stops_it_on_exit(
    world: ShellWorld,
) -> None:
    import os
    import signal

    ecs, scheduler = world.client("ecs"), world.client("scheduler")
    svc_before = ecs.describe_services(cluster="demo-app", services=["api"])["services"][0]
    proc = world.start(*TARGET, "--mode", "twin", "-o", "json", "--transcript-wait", "3", STANDIN_WAIT="1")
    run = world.wait_for("waiting") and world.runs()[0]
    arns = ecs.list_tasks(cluster="demo-app", startedBy="ecs-exec-twin")["taskArns"]
    twins = [
        t for t in ecs.describe_tasks(cluster="demo-app", tasks=arns, include=["TAGS"])["tasks"]
        if t["group"] == "ecs-exec:api" and t["desiredStatus"] == "RUNNING"
    ]  # fmt: skip
    assert len(twins) == 1
    [twin] = twins
    [override] = twin["overrides"]["containerOverrides"]
    assert override["name"] == "app" and override["command"][0] == "sleep" and int(override["command"][1]) > 0
    assert {t["key"] for t in twin["tags"]} >= {"ecs-exec:window-expires-at", "ecs-exec:window-id"}
    window_id = next(t["value"] for t in twin["tags"] if t["key"] == "ecs-exec:window-id")
    schedule = scheduler.get_schedule(GroupName="ecs-exec-windows-local", Name=window_id)
    assert schedule["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:ecs:stopTask"
    assert json.loads(schedule["Target"]["Input"])["Task"] == twin["taskArn"]
    assert json.loads(run["argv"][5])["Target"].startswith(
        f"ecs:demo-app_{twin['taskArn'].rsplit('/', 1)[-1]}_"
    )

    # the agent uploads the transcript when the session ends: its stream, named after the session id
    session_id = json.loads(run["argv"][1])["sessionId"]
    world.client("logs").create_log_stream(logGroupName="/ecs-exec/local/demo-app", logStreamName=session_id)
    os.kill(run["pid"], signal.SIGTERM)  # the session ends normally (plugin exit 0)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    body = json.loads(out)
    # CloudWatch has it; the S3 object never lands here (the bucket's TLS-only policy refuses plain http)
    assert body["transcript"]["status"] == "partial", err
    assert body["transcript"]["s3_key"] == f"exec-sessions/{session_id}.log"
    assert body["transcript"]["log_stream"] == session_id
    assert f"CloudWatch Logs /ecs-exec/local/demo-app stream {session_id}" in body["transcript"]["found"]
    assert body["mode"] == "twin" and body["left"]["closed"] is True and body["task_arn"] == twin["taskArn"]
    svc_after = ecs.describe_services(cluster="demo-app", services=["api"], include=["TAGS"])["services"][0]
    assert len(svc_after["deployments"]) == len(svc_before["deployments"])
    assert [d["id"] for d in svc_after["deployments"]] == [d["id"] for d in svc_before["deployments"]]
    assert svc_after["taskDefinition"] == svc_before["taskDefinition"]
    assert svc_after.get("enableExecuteCommand") == svc_before.get("enableExecuteCommand")
    assert not [t for t in svc_after.get("tags", []) if t["key"].startswith("ecs-exec:")]
    stopped = ecs.describe_tasks(cluster="demo-app", tasks=[twin["taskArn"]])["tasks"][0]
    assert stopped["desiredStatus"] == "STOPPED"
    names = [s["Name"] for s in scheduler.list_schedules(GroupName="ecs-exec-windows-local")["Schedules"]]
    assert window_id not in names


def _wait_until_open(world: ShellWorld, timeout: float = 90) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _window_state(world)[0]:
            return
        time.sleep(0.2)
    raise AssertionError("the window never opened")


def test_ctrl_c_while_waiting_closes_what_it_opened_exit_130(world: ShellWorld) -> None:
    import os
    import signal

    proc = world.start(*TARGET)  # no deployment starter: no task ever qualifies, the shell waits
    _wait_until_open(world)
    os.kill(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    exec_on, tags, _ = _window_state(world)
    assert (exec_on, tags) == (False, {}) and world.runs() == []


def test_a_wait_that_runs_out_is_exit_7_and_closes_what_it_opened(world: ShellWorld) -> None:
    done = world.run(*TARGET, "--wait-timeout", "3")
    assert done.returncode == 7, done.stderr
    assert "gave up waiting for a task of demo-app/service:api" in done.stderr
    exec_on, tags, _ = _window_state(world)
    assert (exec_on, tags) == (False, {}) and world.runs() == []
