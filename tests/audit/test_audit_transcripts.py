"""The transcript side on moto: the log stream named after the session id, the S3 object, neither."""

from __future__ import annotations

from typing import Any

from audit_helpers import CallRecorder, iam_action
from audit_seed import put_object, put_stream
from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.audit import transcripts
from reconciler.audit.transcripts import find_transcript, read_transcript

SID = "ecs-execute-command-0a1b2c3d4e5f60001"


def test_stream_found(factory: ClientFactory, spec: EnvironmentSpec, recorder: CallRecorder) -> None:
    put_stream(spec, "payments", SID, ["$ id", "uid=0(root)"])
    ref = find_transcript(factory, spec, "payments", SID)
    assert (ref.log_group, ref.log_stream, ref.s3_key, ref.error) == (
        "/ecs-exec/test/payments",
        SID,
        None,
        None,
    )
    assert ref.found
    assert read_transcript(factory, ref) == "$ id\nuid=0(root)\n"
    assert "logs.FilterLogEvents" in recorder.calls
    assert {iam_action(c) for c in recorder.calls} <= set(transcripts.PERMISSIONS)


def test_s3_object_found(factory: ClientFactory, spec: EnvironmentSpec, recorder: CallRecorder) -> None:
    put_object(spec, "payments", f"exec-sessions/{SID}.log", "$ ls\napp\n")
    ref = find_transcript(factory, spec, "payments", SID)
    assert ref.log_stream is None
    assert (ref.s3_bucket, ref.s3_key) == ("test-transcripts-payments", f"exec-sessions/{SID}.log")
    assert read_transcript(factory, ref) == "$ ls\napp\n"
    assert {"s3.ListObjectVersions", "s3.GetObject(VersionId)"} <= set(recorder.calls)
    assert ref.s3_versions == 1 and not ref.overwritten
    assert {iam_action(c) for c in recorder.calls} <= set(transcripts.PERMISSIONS)


def test_neither(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    put_stream(spec, "payments", "ecs-execute-command-someoneelse", ["x"])
    put_object(spec, "payments", "exec-sessions/ecs-execute-command-someoneelse.log", "x")
    ref = find_transcript(factory, spec, "payments", SID)
    assert not ref.found and ref.error is None
    assert read_transcript(factory, ref) == ""


def test_missing_group_and_bucket_are_not_errors(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    ref = find_transcript(factory, spec, "payments", SID)
    assert not ref.found and ref.error is None


def test_access_denied_is_recorded_not_raised(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    put_object(spec, "payments", f"exec-sessions/{SID}.log", "x")

    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeLogStreams")

    factory.client("logs").meta.events.register("before-call.cloudwatch-logs.DescribeLogStreams", deny)
    ref = find_transcript(factory, spec, "payments", SID)
    assert ref.error == "logs:AccessDeniedException"
    assert ref.s3_key == f"exec-sessions/{SID}.log"  # the S3 side was still looked up


def test_only_the_stream_named_exactly_after_the_session_is_its_transcript(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    # Regression: a lone `<sid>-replay` stream (the task role can create one) was the transcript.
    put_stream(spec, "payments", f"{SID}-replay", ["$ harmless"])
    ref = find_transcript(factory, spec, "payments", SID)
    assert (ref.log_stream, ref.log_streams, ref.found) == (None, (f"{SID}-replay",), False)
    put_stream(spec, "payments", SID, ["$ real"])
    ref = find_transcript(factory, spec, "payments", SID)
    assert (ref.log_stream, ref.log_streams) == (SID, (SID, f"{SID}-replay"))
    assert read_transcript(factory, ref) == "$ real\n"


def test_a_shortened_id_never_finds_another_sessions_transcript(
    factory: ClientFactory, spec: EnvironmentSpec
) -> None:
    # Regression: lookups by prefix made `audit show ecs-execute-command` print SID's transcript under
    # the short id, and `audit show exec` print the window-events stream.
    put_stream(spec, "payments", SID, ["secret"])
    put_object(spec, "payments", f"exec-sessions/{SID}.log", "secret\n")
    put_stream(spec, "payments", spec.windows.events_stream_name, ['{"event": "opened"}'])
    short = find_transcript(factory, spec, "payments", "ecs-execute-command")
    assert (short.log_stream, short.s3_key, short.found) == (None, None, False)
    assert find_transcript(factory, spec, "payments", "exec").log_stream is None
    assert find_transcript(factory, spec, "payments", SID[:-3]).log_stream is None


def test_a_suffixed_s3_object_is_not_the_transcript(factory: ClientFactory, spec: EnvironmentSpec) -> None:
    put_object(spec, "payments", f"exec-sessions/{SID}-part2.log", "x\n")
    assert find_transcript(factory, spec, "payments", SID).s3_key is None
    put_object(spec, "payments", f"exec-sessions/{SID}.log", "real\n")
    ref = find_transcript(factory, spec, "payments", SID)
    assert ref.s3_key == f"exec-sessions/{SID}.log" and read_transcript(factory, ref) == "real\n"
