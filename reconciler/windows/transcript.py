"""Did the session's transcript land? Wait for it (bounded), say where it is, or why it likely is not.

The SSM agent uploads the transcript when the session ends: to the CloudWatch log stream named after
the session id in the cluster's exec log group, and/or to the S3 object
``path.Join(<s3KeyPrefix>, <sessionId> + ".log")`` — where the cluster's
``executeCommandConfiguration.logConfiguration`` (ECS ``DescribeClusters``) says. Polls Logs
``DescribeLogStreams`` and S3 ``ListObjectsV2`` with the existing waiter. A missing transcript is a
warning, never an error.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from ecs_exec.errors import WaitTimeoutError
from reconciler.windows.waiter import Waiter

#: As the exec-window role; ``s3:ListBucket`` is asked with the caller's own credentials (an operator
#: who may not list the transcript bucket sees the S3 destination as not checked).
PERMISSIONS = ("ecs:DescribeClusters", "logs:DescribeLogStreams")
CALLER_PERMISSIONS = ("s3:ListBucket",)

#: Why no transcript appears, most likely first (what to tell the operator).
LIKELY_CAUSES = (
    "the image lacks `script` or `cat` (the classic trap: a bare Amazon Linux 2 image has no `script`; "
    "distroless images have neither)",
    "the task role cannot write to the log group or bucket, or cannot use the key "
    "(`ecs-exec preflight --task <id>` checks it)",
    "the log group's KMS key is disabled",
)


class TranscriptStatus(StrEnum):
    FOUND = "found"  #: every configured destination that could be asked has it
    PARTIAL = "partial"  #: one of CloudWatch / S3 has it, the other not (yet)
    MISSING = "missing"  #: none appeared within --transcript-wait
    NOT_CONFIGURED = "not-configured"  #: the cluster logs no sessions (logging NONE / DEFAULT)
    UNKNOWN = "unknown"  #: could not be read (access denied, ...)
    SKIPPED = "skipped"  #: --transcript-wait 0, or no session ran


@dataclass(frozen=True)
class Transcript:
    """Where a session's transcript is (``log_group`` / ``log_stream``, ``s3_bucket`` / ``s3_key``)."""

    status: TranscriptStatus
    log_group: str | None = None
    log_stream: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    found: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    detail: str = ""
    not_checked: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """``{status, log_group, log_stream, s3_bucket, s3_key, found, likely_causes}`` (JSON)."""
        return {
            "status": self.status.value,
            "log_group": self.log_group,
            "log_stream": self.log_stream,
            "s3_bucket": self.s3_bucket,
            "s3_key": self.s3_key,
            "found": list(self.found),
            "not_checked": list(self.not_checked),
            "likely_causes": list(self.causes),
        }


def s3_key(prefix: str | None, session_id: str) -> str:
    """The agent's object key: Go ``path.Join(prefix, sessionId + ".log")`` (no leading/double slash)."""
    joined = posixpath.join(prefix or "", f"{session_id}.log")
    return posixpath.normpath(joined).lstrip("/")


def places(factory: ClientFactory, cluster: str, session_id: str) -> Transcript:
    """Where the transcript of ``session_id`` goes (ECS ``DescribeClusters(include=["CONFIGURATIONS"])``)."""
    answer = factory.client("ecs").describe_clusters(clusters=[cluster], include=["CONFIGURATIONS"])
    clusters: list[dict[str, Any]] = answer.get("clusters", [])
    conf = (clusters[0] if clusters else {}).get("configuration") or {}
    exec_conf = conf.get("executeCommandConfiguration") or {}
    log_conf = exec_conf.get("logConfiguration") or {}
    if exec_conf.get("logging") != "OVERRIDE" or not log_conf:
        return Transcript(
            TranscriptStatus.NOT_CONFIGURED, detail=f"cluster {cluster} does not log exec sessions"
        )
    group, bucket = log_conf.get("cloudWatchLogGroupName"), log_conf.get("s3BucketName")
    return Transcript(
        TranscriptStatus.MISSING,
        log_group=group,
        log_stream=session_id if group else None,
        s3_bucket=bucket,
        s3_key=s3_key(log_conf.get("s3KeyPrefix"), session_id) if bucket else None,
    )


def _s3_has(s3_factory: ClientFactory, where: Transcript) -> bool | None:
    """True / False when S3 could be asked; None when it could not (no s3:ListBucket)."""
    try:
        objects = s3_factory.client("s3").list_objects_v2(
            Bucket=where.s3_bucket, Prefix=where.s3_key, MaxKeys=1
        )
    except (ClientError, BotoCoreError):
        return None
    return any(o.get("Key") == where.s3_key for o in objects.get("Contents", []))


def _found(
    factory: ClientFactory, s3_factory: ClientFactory, where: Transcript
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(where the transcript is, destinations that could not be asked)."""
    found: list[str] = []
    unchecked: list[str] = []
    if where.log_group and where.log_stream:
        streams = factory.client("logs").describe_log_streams(
            logGroupName=where.log_group, logStreamNamePrefix=where.log_stream
        )
        if any(s.get("logStreamName") == where.log_stream for s in streams.get("logStreams", [])):
            found.append(f"CloudWatch Logs {where.log_group} stream {where.log_stream}")
    if where.s3_bucket and where.s3_key:
        has = _s3_has(s3_factory, where)
        if has:
            found.append(f"s3://{where.s3_bucket}/{where.s3_key}")
        elif has is None:
            unchecked.append(f"s3://{where.s3_bucket}/{where.s3_key} (no s3:ListBucket)")
    return tuple(found), tuple(unchecked)


def wait_for_transcript(
    factory: ClientFactory,
    cluster: str,
    session_id: str,
    waiter: Waiter,
    progress: Callable[[str], None] = lambda _m: None,
    s3_factory: ClientFactory | None = None,
) -> Transcript:
    """Wait (bounded by ``waiter``) until every configured destination has the transcript.

    ``factory`` reads the cluster and the log group; ``s3_factory`` (default ``factory``) the bucket.

    Never raises for AWS errors: they give status ``unknown`` with the error.
    """
    s3 = s3_factory or factory
    try:
        where = places(factory, cluster, session_id)
        if where.status is TranscriptStatus.NOT_CONFIGURED:
            return where
        wanted = int(bool(where.log_group)) + int(bool(where.s3_bucket))
        progress(f"waiting up to {waiter.timeout_seconds:.0f}s for the transcript of session {session_id}")

        def probe() -> tuple[bool, tuple[tuple[str, ...], tuple[str, ...]], str]:
            found, unchecked = _found(factory, s3, where)
            done = bool(found) and len(found) + len(unchecked) >= wanted
            return done, (found, unchecked), f"{len(found)} of {wanted} destination(s) have it"

        try:
            found, unchecked = waiter.until(probe, f"the transcript of session {session_id}")
            return _with(where, TranscriptStatus.FOUND, found, (), unchecked)
        except WaitTimeoutError:
            found, unchecked = _found(factory, s3, where)
            status = TranscriptStatus.PARTIAL if found else TranscriptStatus.MISSING
            return _with(where, status, found, LIKELY_CAUSES, unchecked)
    except (ClientError, BotoCoreError) as exc:
        return Transcript(
            TranscriptStatus.UNKNOWN, detail=f"cannot check the transcript: {describe_error(exc)}"
        )


def _with(
    where: Transcript,
    status: TranscriptStatus,
    found: tuple[str, ...],
    causes: tuple[str, ...] = (),
    unchecked: tuple[str, ...] = (),
) -> Transcript:
    return Transcript(
        status, where.log_group, where.log_stream, where.s3_bucket, where.s3_key, found, causes, where.detail,
        unchecked,
    )  # fmt: skip
