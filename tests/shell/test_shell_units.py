"""The pieces of ``ecs-exec shell`` in process: the plugin's argv, the picks, the transcript key, the
leave decision (DescribeSessions answered by a hook), and twin mode's crash-safe order and
permissions on an in-process moto account."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.moto_api import state_manager
from shell_hooks import HOOKS, register

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import AwsError, NotFoundError
from generator.loader import load_config
from generator.spec import EnvironmentSpec
from reconciler import windows
from reconciler.windows.leave import decide_leave
from reconciler.windows.pick import ContainerDef, pick_container, pick_task, qualifying
from reconciler.windows.session import ExecSession, execute_command_line, plugin_argv
from reconciler.windows.shellmodel import ShellMode
from reconciler.windows.target import read_service
from reconciler.windows.transcript import s3_key
from reconciler.windows.twin import twin_schedule_name, twin_tasks
from reconciler.windows.twin_sweep import sweep_twins

REPO = Path(__file__).resolve().parents[2]
NOW = __import__("datetime").datetime(2026, 11, 30, 12, 0, tzinfo=__import__("datetime").UTC)


def test_plugin_argv_is_the_aws_clis() -> None:
    started = ExecSession(
        "demo-app", "arn:aws:ecs:us-east-1:1:task/demo-app/abc", "app", "/bin/sh",
        {"sessionId": "s-1", "streamUrl": "wss://x", "tokenValue": "t"}, "ecs:demo-app_abc_abc-0",
    )  # fmt: skip
    argv = plugin_argv(
        "/p/session-manager-plugin", started, "eu-west-1", "https://ecs.eu-west-1.amazonaws.com", None
    )
    assert argv == [
        "/p/session-manager-plugin", '{"sessionId": "s-1", "streamUrl": "wss://x", "tokenValue": "t"}', "eu-west-1",
        "StartSession", "", '{"Target": "ecs:demo-app_abc_abc-0"}', "https://ecs.eu-west-1.amazonaws.com",
    ]  # fmt: skip
    assert plugin_argv("p", started, "r", "e", "ops")[4] == "ops"
    line = execute_command_line("demo-app", started.task_arn, "app", "eu-west-1", "bash -l")
    assert line.endswith("--task abc --container app --interactive --command 'bash -l'")


def test_container_pick_order_and_unknown_names_the_valid_ones() -> None:
    defs = (ContainerDef("envoy", essential=False), ContainerDef("app"), ContainerDef("worker"))
    assert pick_container(defs, None, [], "td:1").name == "app"  # the first essential one
    assert pick_container(defs, None, ["worker"], "td:1").name == "worker"  # the config's
    assert pick_container(defs, "envoy", ["worker"], "td:1").name == "envoy"  # --container wins
    with pytest.raises(
        NotFoundError, match=r"'nope' is not a container of td:1 \(valid: envoy, app, worker\)"
    ):
        pick_container(defs, "nope", [], "td:1")


def test_only_running_tasks_with_exec_and_a_running_agent_qualify_newest_first() -> None:
    def task(
        arn: str, started: str, *, exec_on: bool = True, agent: str = "RUNNING", status: str = "RUNNING"
    ) -> dict[str, Any]:
        return {
            "taskArn": arn, "lastStatus": status, "enableExecuteCommand": exec_on, "startedAt": started,
            "containers": [{"name": "app", "runtimeId": arn + "-r",
                            "managedAgents": [{"name": "ExecuteCommandAgent", "lastStatus": agent}]}],
        }  # fmt: skip

    raw = [
        task("t/old", "2026-01-01"), task("t/new", "2026-02-01"), task("t/off", "2026-03-01", exec_on=False),
        task("t/agent", "2026-03-01", agent="PENDING"), task("t/pending", "2026-03-01", status="PENDING"),
    ]  # fmt: skip
    found = qualifying(raw, "app")
    assert [t.task_arn for t in found] == ["t/new", "t/old"]
    assert qualifying(raw, "sidecar") == []
    assert pick_task(found, None).task_arn == "t/new"  # type: ignore[union-attr]
    assert pick_task(found, "old").task_arn == "t/old"  # type: ignore[union-attr]
    with pytest.raises(NotFoundError, match="qualifying: new, old"):
        pick_task(found, "off")


@pytest.mark.parametrize(
    ("prefix", "key"),
    [
        ("exec-sessions/", "exec-sessions/s-1.log"),
        ("", "s-1.log"),
        (None, "s-1.log"),
        ("/a//b/", "a/b/s-1.log"),
    ],
)
def test_transcript_key_is_the_agents_path_join(prefix: str | None, key: str) -> None:
    assert s3_key(prefix, "s-1") == key


# ---- in-process moto: leave decision and twin mode ----


@pytest.fixture()
def spec() -> EnvironmentSpec:
    return load_config(config=REPO / "config" / "local.yaml")


@pytest.fixture()
def account(spec: EnvironmentSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SHELL_HOOKS_SESSIONS", str(tmp_path / "sessions.json"))
    with mock_aws():
        state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})
        session = boto3.Session(region_name=spec.region)
        ecs, logs, scheduler = (session.client(n) for n in ("ecs", "logs", "scheduler"))
        scheduler.create_schedule_group(Name=spec.windows.schedule_group_name)
        ecs.create_cluster(clusterName="demo-app")
        logs.create_log_group(logGroupName=spec.exec_log_group_name("demo-app"))
        td = ecs.register_task_definition(
            family="demo-app-api",
            containerDefinitions=[{"name": "app", "image": "x", "memory": 128, "entryPoint": ["/entry.sh"]}],
        )["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(
            cluster="demo-app", serviceName="api", taskDefinition=td, desiredCount=1, launchType="FARGATE"
        )
        try:
            yield session, tmp_path / "sessions.json"
        finally:
            state_manager.unset_transition("ecs::task")


def _factory(spec: EnvironmentSpec, *extra: tuple[str, Any]) -> ClientFactory:
    session = boto3.Session(region_name=spec.region)
    for event, handler in extra:  # first: a handler that raises answers before the stand-in hooks
        session.events.register(event, handler)
    register(session)
    return ClientFactory(spec.region, session=session, max_attempts=1)


def test_leave_closes_only_what_this_command_opened_and_only_without_other_sessions(
    spec: EnvironmentSpec, account: Any
) -> None:
    _session, sessions = account
    factory = _factory(spec)
    kwargs: dict[str, Any] = {"cluster": "demo-app", "task_ids": ["t1"], "own_session_id": "mine"}
    assert decide_leave(factory, opened_here=True, keep_open=False, **kwargs).close is True
    sessions.write_text(json.dumps([
        {"SessionId": "mine", "Target": "ecs:demo-app_t1_r", "Status": "Connected"},  # ours: ignored
        {"SessionId": "old", "Target": "ecs:demo-app_t1_r", "Status": "Terminated"},  # not active
        {"SessionId": "x", "Target": "ecs:other_t1_r", "Status": "Connected"},  # another cluster
    ]))  # fmt: skip
    assert decide_leave(factory, opened_here=True, keep_open=False, **kwargs).close is True
    sessions.write_text(
        json.dumps([{"SessionId": "bob-1", "Target": "ecs:demo-app_t1_r2", "Status": "Connected"}])
    )
    busy = decide_leave(factory, opened_here=True, keep_open=False, **kwargs)
    assert (busy.close, "bob-1" in busy.reason) == (False, True)
    assert decide_leave(factory, opened_here=True, keep_open=True, **kwargs).close is False
    theirs = decide_leave(factory, opened_here=False, keep_open=False, opened_by="arn:bob", **kwargs)
    assert (theirs.close, "opened by arn:bob" in theirs.reason) == (False, True)

    def denied(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeSessions")

    blind = decide_leave(
        _factory(spec, ("before-call.ssm.DescribeSessions", denied)),
        opened_here=True,
        keep_open=False,
        **kwargs,
    )
    assert blind.close is False and "cannot tell" in blind.reason


class Calls:
    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.names.append(f"{model.service_model.endpoint_prefix}:{model.name}")


def test_twin_schedule_first_then_runtask_then_the_arn_and_stop_undoes_it(
    spec: EnvironmentSpec, account: Any
) -> None:
    session, _ = account
    calls = Calls()
    factory = _factory(spec, ("before-call", calls))
    view = read_service(factory, "demo-app", "api")
    from reconciler.windows.identity import Actor
    from reconciler.windows.twin import open_twin, stop_twin

    alice = Actor("arn:aws:iam::123456789012:user/alice", "alice")
    used = open_twin(factory, spec, view, minutes=15, reason="INC-1", actor=alice, now=NOW, container="app")
    writes = [
        n
        for n in calls.names
        if n.split(":")[1] in ("CreateSchedule", "RunTask", "UpdateSchedule", "PutLogEvents")
    ]
    assert writes == [
        "scheduler:CreateSchedule",
        "ecs:RunTask",
        "scheduler:UpdateSchedule",
        "logs:PutLogEvents",
    ]
    assert used.mode is ShellMode.TWIN and used.opened_here and len(used.task_arns) == 1
    ecs = session.client("ecs")
    svc = ecs.describe_services(cluster="demo-app", services=["api"], include=["TAGS"])["services"][0]
    assert not svc.get("tags") and len(svc["deployments"]) == 1  # nothing written to the service
    [twin] = twin_tasks(factory, "demo-app", "api")
    assert twin["overrides"]["containerOverrides"] == [{"name": "app", "command": ["sleep", "900"]}]
    schedule = session.client("scheduler").get_schedule(
        GroupName=spec.windows.schedule_group_name, Name=twin_schedule_name("demo-app", "api")
    )
    assert json.loads(schedule["Target"]["Input"])["Task"] == twin["taskArn"]
    events = session.client("logs").get_log_events(
        logGroupName=spec.exec_log_group_name("demo-app"), logStreamName=spec.windows.events_stream_name
    )["events"]
    assert json.loads(events[-1]["message"])["task_arn"] == twin["taskArn"]

    again = open_twin(factory, spec, view, minutes=15, reason="INC-2", actor=alice, now=NOW, container="app")
    assert (again.opened_here, again.task_arns) == (False, used.task_arns)  # reused, not a second twin

    stop_twin(factory, spec, "demo-app", "api", used.task_arns, actor=alice, reason="left", now=NOW)
    assert twin_tasks(factory, "demo-app", "api") == []
    used_actions = set(calls.names)
    assert used_actions <= set(windows.SHELL_PERMISSIONS), sorted(
        used_actions - set(windows.SHELL_PERMISSIONS)
    )


def test_a_failed_runtask_deletes_the_schedule_it_created(spec: EnvironmentSpec, account: Any) -> None:
    session, _ = account

    def refuse(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no RunTask"}}, "RunTask")

    factory = _factory(spec, ("before-call.ecs.RunTask", refuse))
    from reconciler.windows.identity import Actor
    from reconciler.windows.twin import open_twin

    view = read_service(factory, "demo-app", "api")
    with pytest.raises(ClientError):
        open_twin(
            factory, spec, view, minutes=15, reason="r", actor=Actor("arn:a", "a"), now=NOW, container="app"
        )
    names = [s["Name"] for s in session.client("scheduler").list_schedules()["Schedules"]]
    assert twin_schedule_name("demo-app", "api") not in names


def test_sweep_stops_expired_twins_whatever_stop_tasks_says(spec: EnvironmentSpec, account: Any) -> None:
    from reconciler.windows.identity import Actor
    from reconciler.windows.twin import open_twin

    factory = _factory(spec)
    view = read_service(factory, "demo-app", "api")
    used = open_twin(
        factory, spec, view, minutes=15, reason="r", actor=Actor("arn:a", "a"), now=NOW, container="app"
    )
    assert sweep_twins(factory, spec, now=NOW + timedelta(minutes=5), actor="sweeper", dry_run=False) == (
        [],
        [],
    )
    [row] = [r for r in windows.list_windows(factory, spec) if r.twin_task_arn]
    assert (row.service, row.state(NOW).value) == ("api", "open")
    report = windows.sweep_windows(
        factory, spec, now=NOW + timedelta(minutes=16), actor="sweeper", stop_tasks=False
    )
    [result] = [r for r in report.results if r.stopped_tasks]
    assert result.stopped_tasks == used.task_arns and result.status == "closed"
    assert twin_tasks(factory, "demo-app", "api") == []


def test_hooks_cover_what_moto_lacks() -> None:
    assert {e for e, _ in HOOKS} == {
        "after-call.ecs.DescribeTasks", "before-call.ecs.ExecuteCommand", "before-call.ssm.DescribeSessions",
    }  # fmt: skip


def test_a_twin_whose_container_has_an_entry_point_is_announced() -> None:
    from reconciler.windows.twin import entry_point_warning

    assert entry_point_warning(ContainerDef("app")) is None
    said = entry_point_warning(ContainerDef("worker", entry_point=("/entry.sh",)))
    assert said is not None and "the twin runs the app" in said and "RunTask cannot override it" in said


def test_an_unknown_service_is_exit_4(spec: EnvironmentSpec, account: Any) -> None:
    with pytest.raises(NotFoundError):
        read_service(_factory(spec), "demo-app", "nope")
    assert AwsError  # the twin's AWS failures are AwsError (exit 5)


def test_audit_joins_a_session_to_a_twin_ecs_forgot_through_its_opened_event(
    spec: EnvironmentSpec, account: Any
) -> None:
    from reconciler.audit.window_source import load_cluster_windows
    from reconciler.audit.windows import check_window
    from reconciler.windows.record import EventKind, WindowEvent
    from reconciler.windows.steps import record_event

    factory = _factory(spec)
    gone = "arn:aws:ecs:us-east-1:123456789012:task/demo-app/0123456789abcdef0123456789abcdef"
    window = __import__("reconciler.windows.plan", fromlist=["new_window"]).new_window(
        "demo-app", "api", now=NOW, minutes=15, actor_arn="arn:alice", reason="r"
    )
    record_event(factory, spec, WindowEvent.of(
        EventKind.OPENED, window=window, environment="local", cluster="demo-app", service="api",
        window_id=twin_schedule_name("demo-app", "api"), at=NOW, actor="arn:alice", reason="r", minutes=15,
        task_arn=gone,
    ))  # fmt: skip
    loaded = load_cluster_windows(
        factory, spec, "demo-app", [gone.rsplit("/", 1)[-1]], NOW + timedelta(hours=1)
    )
    assert loaded.services == {gone.rsplit("/", 1)[-1]: "api"}
    from reconciler.audit.model import ExecSession as AuditSession
    from reconciler.audit.model import Identity

    session = AuditSession(
        "e-1", "ExecuteCommand", "ecs.amazonaws.com", NOW + timedelta(minutes=5),
        Identity(type="IAMUser", arn="arn:alice"), cluster="demo-app", task=gone.rsplit("/", 1)[-1],
    )  # fmt: skip
    check = check_window(
        session, loaded.services[gone.rsplit("/", 1)[-1]], loaded.intervals, None, loaded.has_records
    )
    assert check.status.value == "open"


def test_drift_an_open_twin_is_in_sync_an_expired_or_never_one_is_a_task_to_stop() -> None:
    from types import SimpleNamespace

    from generator.spec import ExecMode
    from reconciler.drift.diff import _twin_findings
    from reconciler.drift.model import Action, Kind, LiveTask
    from reconciler.windows.plan import new_window

    window = new_window("demo-app", "api", now=NOW, minutes=15, actor_arn="arn:alice", reason="r")
    twin = LiveTask("arn:twin", "ecs-exec:api", True, window.to_tags())
    plain = LiveTask("arn:plain", "service:api", True)
    state: Any = SimpleNamespace(name="demo-app", tasks=(twin, plain))
    assert _twin_findings(ExecMode.WINDOWED, state, NOW + timedelta(minutes=5), 60) == []
    [late] = _twin_findings(ExecMode.WINDOWED, state, NOW + timedelta(minutes=16), 60)
    assert (late.kind, late.action, late.resource, late.service) == (
        Kind.TASK,
        Action.STOP_TWIN,
        "arn:twin",
        "api",
    )
    assert late.action.automatic
    [never] = _twin_findings(ExecMode.NEVER, state, NOW, 60)
    assert "exec mode is 'never'" in never.note
    untagged: Any = SimpleNamespace(name="demo-app", tasks=(LiveTask("arn:t2", "ecs-exec:api", False),))
    assert [f.resource for f in _twin_findings(ExecMode.WINDOWED, untagged, NOW, 60)] == ["arn:t2"]


def test_transcript_found_in_both_places_or_s3_not_checked_without_list_bucket(
    spec: EnvironmentSpec, account: Any
) -> None:
    from reconciler.windows.transcript import TranscriptStatus, wait_for_transcript
    from reconciler.windows.waiter import Waiter

    session, _ = account
    ecs, logs, s3 = (session.client(n) for n in ("ecs", "logs", "s3"))
    ecs.update_cluster(
        cluster="demo-app",
        configuration={"executeCommandConfiguration": {"logging": "OVERRIDE", "logConfiguration": {
            "cloudWatchLogGroupName": "/ecs-exec/local/demo-app", "s3BucketName": "tb-transcripts", "s3KeyPrefix": "exec/",
        }}},
    )  # fmt: skip
    s3.create_bucket(Bucket="tb-transcripts")
    logs.create_log_stream(logGroupName="/ecs-exec/local/demo-app", logStreamName="s-9")
    s3.put_object(Bucket="tb-transcripts", Key="exec/s-9.log", Body=b"$ id")
    quick = Waiter(timeout_seconds=1, interval_seconds=0.1, sleep=lambda _s: None)
    both = wait_for_transcript(_factory(spec), "demo-app", "s-9", quick)
    assert (both.status, both.s3_key, len(both.found)) == (TranscriptStatus.FOUND, "exec/s-9.log", 2)

    def denied(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListObjectsV2")

    blind_s3 = _factory(spec, ("before-call.s3.ListObjectsV2", denied))
    cw_only = wait_for_transcript(_factory(spec), "demo-app", "s-9", quick, s3_factory=blind_s3)
    assert cw_only.status is TranscriptStatus.FOUND and cw_only.not_checked == (
        "s3://tb-transcripts/exec/s-9.log (no s3:ListBucket)",
    )
    missing = wait_for_transcript(_factory(spec), "demo-app", "nope", quick)
    assert missing.status is TranscriptStatus.MISSING and "lacks `script` or `cat`" in missing.causes[0]
