"""The join: CloudTrail (Stubber) x transcripts and windows (moto) -> rows, flags, exit code, permissions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from audit_helpers import CallRecorder, iam_action, stub_cloudtrail
from audit_records import assumed_role, execute_command, iam_user, page, sso_user, start_session
from audit_seed import put_object, put_stream, put_window_events, service_task, window_event

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import ExitCode
from generator.spec import EnvironmentSpec
from reconciler.audit import report as report_mod
from reconciler.audit.model import Flag, TranscriptStatus, WindowStatus
from reconciler.audit.report import AuditQuery, run_audit
from reconciler.audit.timerange import TimeRange
from reconciler.windows.record import WindowState

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RANGE = TimeRange(datetime(2026, 11, 29, 12, 0, tzinfo=UTC), NOW)


def _sid(n: int) -> str:
    return f"ecs-execute-command-{n:017d}"


def test_join_flags_and_permissions(
    factory: ClientFactory, spec: EnvironmentSpec, recorder: CallRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moto.logs.models
    import moto.s3.models

    # The agent uploads at session end: the transcripts arrive inside the window (late writes: elsewhere).
    monkeypatch.setattr(moto.logs.models, "utcnow", lambda: datetime(2026, 11, 30, 10, 0))
    monkeypatch.setattr(moto.s3.models, "utcnow", lambda: datetime(2026, 11, 30, 10, 0))
    task = service_task("payments", "api")
    put_window_events(
        spec,
        "payments",
        [
            window_event("opened", "payments", "api", "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z"),
            window_event("extended", "payments", "api", "2026-11-30T09:20:00Z", "2026-11-30T10:00:00Z"),
        ],
        extra_lines=("not json",),
    )
    put_stream(spec, "payments", _sid(1), ["$ whoami", "root"])
    put_object(spec, "payments", f"exec-sessions/{_sid(2)}.log", "$ env\n")
    records = {
        "alice": execute_command(iam_user("alice"), at="2026-11-30T09:30:00Z", task=task, session_id=_sid(1)),
        "generic": execute_command(
            assumed_role(session="botocore-session-1796029200"),
            at="2026-11-30T09:45:00Z",
            task=task,
            session_id=_sid(2),
        ),
        "carol": execute_command(sso_user(), at="2026-11-30T10:30:00Z", task=task, session_id=_sid(3)),
        "failed": execute_command(
            iam_user("mallory"), at="2026-11-30T10:40:00Z", task=task, error_code="AccessDenied"
        ),
        "recent": execute_command(
            assumed_role(session="dave", source_identity="dave"),
            at="2026-11-30T11:30:00Z",
            task=task,
            session_id=_sid(4),
        ),
        "never": execute_command(
            iam_user("alice"), at="2026-11-30T08:00:00Z", cluster="batch", session_id=_sid(5)
        ),
        "always": execute_command(
            iam_user("alice"), at="2026-11-30T08:10:00Z", cluster="sandbox", session_id=_sid(6)
        ),
        "unmanaged": execute_command(
            iam_user("alice"), at="2026-11-30T08:20:00Z", cluster="legacy", session_id=_sid(7)
        ),
    }
    ssm = start_session(assumed_role(session="bob"), at="2026-11-30T09:40:00Z")
    ordered = list(records.values())
    stub = stub_cloudtrail(factory, [page(ordered[:4], "t1"), page(ordered[4:])], [page([ssm])])

    rep = run_audit(factory, spec, AuditQuery(RANGE, grace_minutes=60), NOW)
    stub.assert_no_pending_responses()

    by_id = {r.session.event_id: r for r in rep.rows}
    row = {name: by_id[rec["eventID"]] for name, rec in records.items()}
    ssm_row = by_id[ssm["eventID"]]

    assert [r.session.event_time for r in rep.rows] == sorted(r.session.event_time for r in rep.rows)
    assert row["alice"].flags == ()
    assert row["alice"].transcript.log_stream == _sid(1)
    assert (row["alice"].window.status, row["alice"].window.service) == (WindowStatus.OPEN, "api")
    assert row["generic"].flags == (Flag.GENERIC_SESSION_NAME,)
    assert row["generic"].transcript.s3_key == f"exec-sessions/{_sid(2)}.log"
    assert row["carol"].flags == (Flag.NO_TRANSCRIPT, Flag.NO_OPEN_WINDOW)
    assert row["carol"].session.identity.person == "carol@example.com"
    assert row["failed"].flags == () and row["failed"].transcript_status is TranscriptStatus.NOT_APPLICABLE
    assert row["recent"].transcript_status is TranscriptStatus.PENDING
    assert Flag.NO_TRANSCRIPT not in row["recent"].flags
    assert Flag.NO_OPEN_WINDOW in row["never"].flags
    assert row["always"].window.status is WindowStatus.NOT_APPLICABLE
    assert row["unmanaged"].window.status is WindowStatus.UNKNOWN
    assert "no exec-window events" in row["unmanaged"].window.detail
    assert ssm_row.flags == (Flag.SSM_START_SESSION_ON_ECS_TASK,)
    assert any("legacy" in n for n in rep.notes)
    assert any("skipped 1 unreadable window event" in n for n in rep.notes)
    assert rep.exit_code is ExitCode.FINDINGS

    made = {iam_action(c) for c in recorder.calls}
    assert {
        "cloudtrail:LookupEvents",
        "logs:DescribeLogStreams",
        "s3:ListBucketVersions",
        "ecs:DescribeTasks",
    } <= made
    assert made <= set(report_mod.PERMISSIONS)


def test_window_from_service_tags_only(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    opened = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    window = WindowState(
        expires_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        opened_at=opened,
        opened_by="w",
        reason="r",
        window_id="x",
    )
    task = service_task("payments", "api", tags=window.to_tags())
    put_stream(spec, "payments", _sid(1), ["x"])
    inside = execute_command(iam_user(), at="2026-11-30T09:10:00Z", task=task, session_id=_sid(1))
    outside = execute_command(iam_user(), at="2026-11-30T10:10:00Z", task=task, session_id=_sid(1))
    stub_cloudtrail(factory, [page([inside, outside])], [])
    rep = run_audit(factory, spec, AuditQuery(RANGE), NOW)
    assert [r.window.status for r in rep.rows] == [WindowStatus.OPEN, WindowStatus.NONE]


def test_filters_by_cluster_and_principal(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    recs = [
        execute_command(iam_user("alice"), cluster="payments"),
        execute_command(assumed_role(session="x", source_identity="Bob.Smith"), cluster="payments"),
        execute_command(iam_user("alice"), cluster="batch"),
    ]
    stub_cloudtrail(factory, [page(recs)], [])
    rep = run_audit(factory, spec, AuditQuery(RANGE, cluster="payments", principal="bob.smith"), NOW)
    assert [r.session.event_id for r in rep.rows] == [recs[1]["eventID"]]


def test_failed_transcript_lookup_is_partial(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    from botocore.exceptions import ClientError

    def deny(**_: object) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeLogStreams")

    factory.client("logs").meta.events.register("before-call.cloudwatch-logs.DescribeLogStreams", deny)
    stub_cloudtrail(factory, [page([execute_command(iam_user(), at="2026-11-30T11:59:00Z")])], [])
    rep = run_audit(factory, spec, AuditQuery(RANGE), NOW)
    assert rep.rows[0].transcript_status is TranscriptStatus.ERROR
    assert rep.exit_code is ExitCode.PARTIAL


def test_hand_edited_window_tag_does_not_cover_later_sessions(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    # Regression: an expiry tag rewritten to 9999-12-31 made every later session look windowed.
    window = WindowState(
        expires_at=datetime(9999, 12, 31, tzinfo=UTC),
        opened_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        opened_by="w",
        reason="r",
        window_id="x",
    )
    task = service_task("payments", "api", tags=window.to_tags())
    put_stream(spec, "payments", _sid(1), ["x"])
    late = execute_command(iam_user(), at="2026-11-30T11:30:00Z", task=task, session_id=_sid(1))
    stub_cloudtrail(factory, [page([late])], [])
    rep = run_audit(factory, spec, AuditQuery(RANGE), NOW)
    [row] = rep.rows
    assert spec.access.max_window_minutes < 150  # 09:00 + the maximum ends before 11:30
    assert row.window.status is WindowStatus.NONE
    assert Flag.NO_OPEN_WINDOW in row.flags
