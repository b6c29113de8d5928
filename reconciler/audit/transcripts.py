"""Find and read a session's transcript: the CloudWatch log stream and/or the S3 object.

ECS Exec (SSM Session Manager underneath) uploads the transcript when the session ends:

- CloudWatch Logs: a stream named after the session id in the cluster's exec log group
  (``spec.exec_log_group_name(cluster)``). Streams are looked up by *prefix* (``DescribeLogStreams``
  with ``logStreamNamePrefix``) so a suffixed stream name is still found, but never the stream of
  *another* session whose id merely starts with this one (``audit show ecs-execute-command`` must not
  print ``ecs-execute-command-0a1b2c3d4e5f60718``'s transcript) nor the window-events stream.
- S3: the object ``<key_prefix><sessionId>.log`` in ``spec.s3_bucket_name(cluster)``, looked up with
  ``ListObjectsV2`` by prefix (a missing key is then an empty listing, not a 403/404 guess).

A missing log group or bucket means "not found"; any other error (AccessDenied, ...) is recorded on
the :class:`TranscriptRef` so one unreadable cluster does not stop the report.
"""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from generator.spec import EnvironmentSpec
from reconciler.audit.model import TranscriptRef

PERMISSIONS = ("logs:DescribeLogStreams", "logs:FilterLogEvents", "s3:ListBucket", "s3:GetObject")
#: Error codes meaning "the place does not exist", i.e. no transcript there.
_ABSENT = {"ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "404"}
#: What follows a session id's prefix in the id of another session: ``-`` and its random hex part.
_OTHER_SESSION_REST = re.compile(r"-[0-9a-f]{8,}")


def same_session(name: str, session_id: str) -> bool:
    """True when ``name`` (a stream name, or an object key's file name without ``.log``) is
    ``session_id``'s: equal, or ``session_id`` plus a suffix after ``-``/``_``/``.`` that is not the
    random part of a longer session id."""
    if not name.startswith(session_id):
        return False
    rest = name[len(session_id) :]
    return rest == "" or (rest[0] in "-_." and not _OTHER_SESSION_REST.fullmatch(rest))


def s3_key(spec: EnvironmentSpec, session_id: str) -> str | None:
    """``<key_prefix><sessionId>.log``, or None without S3 logging."""
    s3 = spec.exec_logging.s3
    return None if s3 is None else f"{s3.key_prefix}{session_id}.log"


def _find_stream(logs: Any, group: str, session_id: str, skip: str) -> str | None:
    resp = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=session_id, limit=5)
    names = [
        n
        for s in resp.get("logStreams", [])
        if (n := s["logStreamName"]) != skip and same_session(n, session_id)
    ]
    return session_id if session_id in names else (names[0] if names else None)


def _find_object(s3: Any, bucket: str, key: str, session_id: str) -> str | None:
    base = key.removesuffix(".log")
    head = base.removesuffix(session_id)
    resp = s3.list_objects_v2(Bucket=bucket, Prefix=base, MaxKeys=5)
    keys = [
        k
        for o in resp.get("Contents", [])
        if same_session((k := o["Key"]).removeprefix(head).removesuffix(".log"), session_id)
    ]
    return key if key in keys else (keys[0] if keys else None)


def find_transcript(
    factory: ClientFactory, spec: EnvironmentSpec, cluster: str, session_id: str
) -> TranscriptRef:
    """Look for the transcript of ``session_id`` on ``cluster`` in CloudWatch Logs and S3.

    AWS: ``logs:DescribeLogStreams``, ``s3:ListObjectsV2`` (IAM ``s3:ListBucket``).
    Returns a :class:`TranscriptRef`; a lookup error other than "not found" is in ``error``
    (``logs:AccessDeniedException``), never raised.
    """
    group = spec.exec_log_group_name(cluster)
    bucket = spec.s3_bucket_name(cluster)
    key = s3_key(spec, session_id)
    stream = obj = None
    errors: list[str] = []
    try:
        stream = _find_stream(factory.client("logs"), group, session_id, spec.windows.events_stream_name)
    except ClientError as exc:
        if error_code(exc) not in _ABSENT:
            errors.append(f"logs:{error_code(exc)}")
    if bucket and key:
        try:
            obj = _find_object(factory.client("s3"), bucket, key, session_id)
        except ClientError as exc:
            if error_code(exc) not in _ABSENT:
                errors.append(f"s3:{error_code(exc)}")
    return TranscriptRef(
        log_group=group,
        log_stream=stream,
        s3_bucket=bucket,
        s3_key=obj,
        error="; ".join(errors) or None,
    )


def read_transcript(factory: ClientFactory, ref: TranscriptRef) -> str:
    """The transcript text: the log stream's messages (one per line), else the S3 object's body.

    AWS: ``logs:FilterLogEvents`` (paginated), ``s3:GetObject``.
    Returns "" when ``ref`` has neither. Raises ``botocore.exceptions.ClientError`` on failure (exit 5).
    """
    if ref.log_group and ref.log_stream:
        paginator = factory.client("logs").get_paginator("filter_log_events")
        lines = [
            ev.get("message", "").rstrip("\n")
            for page in paginator.paginate(logGroupName=ref.log_group, logStreamNames=[ref.log_stream])
            for ev in page.get("events", [])
        ]
        return "\n".join(lines) + ("\n" if lines else "")
    if ref.s3_bucket and ref.s3_key:
        body = factory.client("s3").get_object(Bucket=ref.s3_bucket, Key=ref.s3_key)["Body"].read()
        return str(body.decode("utf-8", errors="replace"))
    return ""
