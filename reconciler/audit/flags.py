"""The findings on one session. Pure: no AWS calls.

CloudTrail records no end time for an exec session and the transcript is uploaded when the session
ends, so a missing transcript is only a finding once the session is older than ``grace`` minutes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from reconciler.audit.callers import source_identity_mismatch
from reconciler.audit.model import (
    Caller,
    ExecSession,
    Flag,
    Identity,
    TranscriptRef,
    TranscriptStatus,
    WindowCheck,
    WindowStatus,
)

DEFAULT_GRACE_MINUTES = 60

#: Role session names that name a program or a machine, not a person: the defaults the AWS SDKs and
#: CLIs use when none is given, EC2 instance-profile sessions (``i-<instance id>``) and ECS task-role
#: sessions (the 32-hex task id). The one list of them; case-insensitive, whole-name matches.
GENERIC_SESSION_NAME_PATTERNS: tuple[str, ...] = (
    r"botocore-session-\d+",  # botocore / boto3 / AWS CLI v2 assume-role profiles
    r"aws-cli-session-\d+",  # AWS CLI v1 assume-role profiles
    r"aws-go-sdk-\d+",  # AWS SDK for Go v1 and v2 (stscreds); Terraform
    r"aws-sdk-java-\d+",  # AWS SDK for Java
    r"aws-sdk-js-\d+",  # AWS SDK for JavaScript v3 (ini / process providers)
    r"aws-dotnet-sdk-session-\d+",  # AWS SDK for .NET
    r"aws-sdk-rust-\d+",  # AWS SDK for Rust
    r"(?:aws-)?sdk-session(?:-\d+)?",
    r"AssumeRoleSession\d*",  # the name in many documentation examples
    r"session\d*",
    r"default",
    r"i-[0-9a-f]{8}(?:[0-9a-f]{9})?",  # EC2 instance profile: the instance id
    r"[0-9a-f]{32}",  # ECS task role: the task id
)
_GENERIC = re.compile("|".join(f"(?:{p})" for p in GENERIC_SESSION_NAME_PATTERNS), re.IGNORECASE)


def is_generic_session_name(name: str | None) -> bool:
    """True when ``name`` is one of :data:`GENERIC_SESSION_NAME_PATTERNS` (a whole-name match)."""
    return bool(name) and _GENERIC.fullmatch(name or "") is not None


def hides_person(identity: Identity) -> bool:
    """True for a role session whose name is generic and that carries no source identity."""
    return (
        identity.type == "AssumedRole"
        and not identity.source_identity
        and is_generic_session_name(identity.session_name)
    )


def transcript_status(
    session: ExecSession, ref: TranscriptRef, now: datetime, grace_minutes: int
) -> TranscriptStatus:
    """``FOUND`` / ``PENDING`` (younger than ``grace_minutes``) / ``MISSING`` / ``ERROR`` / ``NOT_APPLICABLE``.

    Not applicable: a failed call (no session) and ``ssm:StartSession`` sessions (their transcripts
    follow the SSM Session Manager preferences, not the cluster's exec logging).
    """
    if session.failed or session.is_ssm or not session.session_id:
        return TranscriptStatus.NOT_APPLICABLE
    if ref.found:
        return TranscriptStatus.FOUND
    if ref.error:
        return TranscriptStatus.ERROR
    if now - session.event_time < timedelta(minutes=grace_minutes):
        return TranscriptStatus.PENDING
    return TranscriptStatus.MISSING


def session_end(window_end: datetime | None, task_stopped: datetime | None) -> datetime | None:
    """When the session ended at the latest: the earlier of its window's end (``closed`` event, else
    expiry) and its task's ``stoppedAt``; None when neither is known. Never the session start: the agent
    uploads a long session's transcript when it ends."""
    known = [t for t in (window_end, task_stopped) if t is not None]
    return min(known) if known else None


def late_write(ref: TranscriptRef, ended_by: datetime | None, grace_minutes: int) -> bool:
    """True when the transcript was written after the session could still write it.

    More than one log stream whose name starts with the session id (or only one that is not the session's
    own name), or a stream's ``lastIngestionTime`` / the S3 object's first ``LastModified`` more than
    ``grace_minutes`` after ``ended_by``.
    """
    if len(ref.log_streams) > 1 or (ref.log_streams and ref.log_stream is None):
        return True
    if ended_by is None:
        return False
    limit = ended_by + timedelta(minutes=grace_minutes)
    return any(t is not None and t > limit for t in (ref.last_ingestion, ref.s3_first_modified))


def session_flags(
    session: ExecSession,
    status: TranscriptStatus,
    window: WindowCheck,
    caller: Caller | None = None,
    ref: TranscriptRef | None = None,
    late: bool = False,
) -> tuple[Flag, ...]:
    """The flags of one session, in :class:`Flag` order.

    A failed ``ExecuteCommand`` gets no flag (nothing ran); a failed ``ssm:StartSession`` to an ECS
    task is still flagged: the attempt itself is the way around ECS Exec controls. ``late`` is the
    outcome of :func:`late_write`.
    """
    flags: list[Flag] = []
    if status is TranscriptStatus.MISSING:
        flags.append(Flag.NO_TRANSCRIPT)
    if not session.failed and hides_person(session.identity):
        flags.append(Flag.GENERIC_SESSION_NAME)
    if window.status is WindowStatus.NONE:
        flags.append(Flag.NO_OPEN_WINDOW)
    if session.is_ssm:
        flags.append(Flag.SSM_START_SESSION_ON_ECS_TASK)
    if not session.failed and source_identity_mismatch(session.identity, caller):
        flags.append(Flag.SOURCE_IDENTITY_MISMATCH)
    if ref is not None and ref.overwritten:
        flags.append(Flag.TRANSCRIPT_OVERWRITTEN)
    if late:
        flags.append(Flag.TRANSCRIPT_LATE_WRITE)
    return tuple(flags)
