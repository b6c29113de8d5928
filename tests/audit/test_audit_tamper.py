"""Tamper evidence (moto in-process): S3 versions -> transcript-overwritten and the first version read;
extra streams / late ingestion -> transcript-late-write; bulk discovery call counts; CSV escaping."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from audit_helpers import CallRecorder, stub_cloudtrail
from audit_records import execute_command, iam_user, page
from audit_seed import put_object, put_stream, put_window_events, service_task, window_event

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.audit.discovery import Calls, discover_cluster
from reconciler.audit.flags import late_write, session_end
from reconciler.audit.model import Flag, TranscriptRef
from reconciler.audit.render import CSV_COLUMNS, csv_cell, csv_row, show_header
from reconciler.audit.report import AuditQuery, run_audit
from reconciler.audit.timerange import TimeRange
from reconciler.audit.transcripts import find_transcript, read_transcript

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RANGE = TimeRange(datetime(2026, 11, 30, 0, 0, tzinfo=UTC), NOW)


def _sid(n: int) -> str:
    return f"ecs-execute-command-{n:017x}"


def test_overwritten_s3_transcript_is_flagged_and_the_first_version_is_read(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    key = f"exec-sessions/{_sid(1)}.log"
    first = put_object(spec, "payments", key, "$ cat /etc/shadow\n")
    put_object(spec, "payments", key, "$ ls\n")  # the replacement written with the task role
    rec = execute_command(iam_user("alice"), session_id=_sid(1))
    stub_cloudtrail(factory, [page([rec])], [], issuers=False)
    row = run_audit(factory, spec, AuditQuery(RANGE), NOW).rows[0]
    assert Flag.TRANSCRIPT_OVERWRITTEN in row.flags
    assert (row.transcript.s3_versions, row.transcript.s3_version_id) == (2, first)
    assert read_transcript(factory, row.transcript) == "$ cat /etc/shadow\n"
    header = show_header(row.session, _sid(1), row.transcript)
    assert "transcript-overwritten" in header and "FIRST version" in header


def test_delete_marker_is_overwritten_and_one_version_is_not(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    key = f"exec-sessions/{_sid(2)}.log"
    put_object(spec, "payments", key, "$ id\n")
    put_object(spec, "payments", f"exec-sessions/{_sid(3)}.log", "$ id\n")
    boto3.client("s3", region_name="us-east-1").delete_object(Bucket=spec.s3_bucket_name("payments"), Key=key)
    deleted = find_transcript(factory, spec, "payments", _sid(2))
    assert deleted.s3_delete_marker and deleted.overwritten and deleted.s3_versions == 1
    assert read_transcript(factory, deleted) == "$ id\n"  # the version behind the marker
    assert not find_transcript(factory, spec, "payments", _sid(3)).overwritten


def test_second_stream_named_after_the_session_is_a_late_write(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    put_stream(spec, "payments", _sid(4), ["$ rm -rf /data"])
    put_stream(spec, "payments", f"{_sid(4)}-replay", ["$ ls"])
    put_stream(spec, "payments", _sid(5), ["$ id"])
    recs = [execute_command(iam_user("alice"), session_id=_sid(n)) for n in (4, 5)]
    stub_cloudtrail(factory, [page(recs)], [], issuers=False)
    rows = {r.session.session_id: r for r in run_audit(factory, spec, AuditQuery(RANGE), NOW).rows}
    assert Flag.TRANSCRIPT_LATE_WRITE in rows[_sid(4)].flags
    assert rows[_sid(4)].transcript.log_streams == (_sid(4), f"{_sid(4)}-replay")
    assert Flag.TRANSCRIPT_LATE_WRITE not in rows[_sid(5)].flags
    assert "other streams named after the session" in show_header(None, _sid(4), rows[_sid(4)].transcript)


def test_a_stream_spelt_like_another_session_id_is_still_a_late_write(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    put_stream(spec, "payments", f"{_sid(9)}-0123456789abcdef0", ["$ ls"])  # the only stream: forged
    rec = execute_command(iam_user("alice"), session_id=_sid(9))
    stub_cloudtrail(factory, [page([rec])], [], issuers=False)
    row = run_audit(factory, spec, AuditQuery(RANGE), NOW).rows[0]
    assert row.transcript.log_stream is None  # never shown as the session's transcript
    assert {Flag.NO_TRANSCRIPT, Flag.TRANSCRIPT_LATE_WRITE} <= set(row.flags)


def test_a_lone_suffixed_stream_is_missing_and_late_not_found(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    put_stream(spec, "payments", f"{_sid(10)}-replay", ["$ harmless"])  # no stream named _sid(10)
    rec = execute_command(iam_user("alice"), session_id=_sid(10))
    stub_cloudtrail(factory, [page([rec])], [], issuers=False)
    row = run_audit(factory, spec, AuditQuery(RANGE), NOW).rows[0]
    assert (row.transcript.log_stream, str(row.transcript_status)) == (None, "missing")
    assert {Flag.NO_TRANSCRIPT, Flag.TRANSCRIPT_LATE_WRITE} <= set(row.flags)
    header = show_header(row.session, _sid(10), row.transcript)
    assert "# transcript: none found" in header and f"{_sid(10)}-replay" in header.split("warning:")[1]


@pytest.mark.parametrize(("grace", "late"), [(60, True), (180, False)])
def test_ingestion_after_the_window_closed_plus_grace_is_late(
    factory: ClientFactory, spec: EnvironmentSpec, grace: int, late: bool
) -> None:
    task = service_task("payments", "api")
    put_window_events(
        spec,
        "payments",
        [
            window_event("opened", "payments", "api", "2026-11-30T09:00:00Z", "2026-11-30T11:30:00Z"),
            {**window_event("closed", "payments", "api", "2026-11-30T10:00:00Z", "2026-11-30T11:30:00Z")},
        ],
    )
    put_stream(spec, "payments", _sid(6), ["$ id"])  # moto ingests at 12:00 (tests/audit/conftest.py)
    rec = execute_command(iam_user("alice"), at="2026-11-30T09:30:00Z", task=task, session_id=_sid(6))
    stub_cloudtrail(factory, [page([rec])], [], issuers=False)
    row = run_audit(factory, spec, AuditQuery(RANGE, grace_minutes=grace), NOW).rows[0]
    assert row.ended_by == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert (Flag.TRANSCRIPT_LATE_WRITE in row.flags) is late


def test_session_end_is_the_earlier_of_window_end_and_task_stop() -> None:
    a, b = datetime(2026, 11, 30, 10, tzinfo=UTC), datetime(2026, 11, 30, 11, tzinfo=UTC)
    assert session_end(b, a) == a and session_end(None, b) == b and session_end(None, None) is None
    ref = TranscriptRef(log_stream="s", log_streams=("s",), last_ingestion=a + timedelta(minutes=61))
    assert late_write(ref, a, 60) and not late_write(ref, a, 61) and not late_write(ref, None, 0)


def test_bulk_discovery_stops_at_the_period_start(
    factory: ClientFactory, spec: EnvironmentSpec, recorder: CallRecorder
) -> None:
    for n in range(60):  # older than the period (and the lag): the listing stops on them
        put_stream(spec, "payments", f"old-{n:03d}", ["x"], at="2026-11-29T10:00:00Z")
    sessions = [(_sid(100 + n), datetime(2026, 11, 30, 9, tzinfo=UTC)) for n in range(10)]
    for sid, _ in sessions[:5]:
        put_stream(spec, "payments", sid, ["$ id"])
    calls = Calls()
    refs = discover_cluster(factory, spec, "payments", sessions, RANGE.since, NOW, calls)
    assert sorted(s for s, r in refs.items() if r.log_stream) == sorted(s for s, _ in sessions[:5])
    # one page of 50 streams reached the old ones; per session would have been 10 calls
    assert recorder.calls.count("logs.DescribeLogStreams") == 1 == calls.counts["logs.DescribeLogStreams"]


def test_one_session_is_looked_up_on_its_own(
    factory: ClientFactory, spec: EnvironmentSpec, recorder: CallRecorder
) -> None:
    for n in range(120):
        put_stream(spec, "payments", f"other-{n:03d}", ["x"])
    put_stream(spec, "payments", _sid(7), ["$ id"])
    refs = discover_cluster(
        factory,
        spec,
        "payments",
        [(_sid(7), datetime(2026, 11, 30, 9, tzinfo=UTC))],
        RANGE.since,
        NOW,
        Calls(),
    )
    assert refs[_sid(7)].log_stream == _sid(7)
    assert recorder.calls.count("logs.DescribeLogStreams") == 1  # by prefix, not 3 listing pages


def test_csv_cells_that_start_a_formula_are_escaped(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    assert [csv_cell(v) for v in ("=1+1", "+x", "-2", "@SUM(A1)", "\tx", "alice", None, 3)] == [
        "'=1+1",
        "'+x",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "alice",
        None,
        3,
    ]
    rec = execute_command(iam_user("alice"), command='=HYPERLINK("http://evil","x")', session_id=_sid(8))
    stub_cloudtrail(factory, [page([rec])], [], issuers=False)
    row = run_audit(factory, spec, AuditQuery(RANGE), NOW).rows[0]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writerow(csv_row(row))
    assert "'=HYPERLINK" in out.getvalue()
