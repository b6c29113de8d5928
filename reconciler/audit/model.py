"""Typed records of the audit. Frozen dataclasses; every datetime is timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Flag(StrEnum):
    """A finding on one session (exit 3 when any is present)."""

    #: A successful session older than ``--grace`` minutes has neither a log stream nor an S3 object.
    NO_TRANSCRIPT = "no-transcript"
    #: The role session name is an SDK / machine default and no source identity names the person.
    GENERIC_SESSION_NAME = "generic-session-name"
    #: No exec window was open on the session's service (cluster, when the service is unknown) at the time.
    NO_OPEN_WINDOW = "no-open-window"
    #: ``ssm:StartSession`` straight to an ECS task (target ``ecs:<cluster>_<taskId>_<runtimeId>``),
    #: which bypasses the ECS-level controls (``ecs:ExecuteCommand`` conditions, exec windows).
    SSM_START_SESSION_ON_ECS_TASK = "ssm-start-session-on-ecs-task"
    #: The source identity the session asserts is not the real caller behind its credentials: the IAM
    #: user name of an ``IAMUser`` caller, or the session name (the SSO user) of an ``AWSReservedSSO_*``
    #: role caller, of the ``AssumeRole*`` event that issued them.
    SOURCE_IDENTITY_MISMATCH = "source-identity-mismatch"
    #: The S3 transcript has more than one version, or a delete marker: it was written again or deleted.
    TRANSCRIPT_OVERWRITTEN = "transcript-overwritten"
    #: Another log stream starts with the session id, or transcript data arrived more than ``--grace``
    #: minutes after the session's end (its window's close or expiry, or its task's stop).
    TRANSCRIPT_LATE_WRITE = "transcript-late-write"


class TranscriptStatus(StrEnum):
    """Where the transcript of a session stands."""

    FOUND = "found"  #: a log stream and/or an S3 object exists
    MISSING = "missing"  #: none, and the session is older than the grace period (flagged)
    PENDING = "pending"  #: none yet, but the session is younger than the grace period
    NOT_APPLICABLE = "not-applicable"  #: failed call (no session) or an SSM session (not an ECS transcript)
    ERROR = "error"  #: the lookup itself failed (AccessDenied, ...): see ``TranscriptRef.error``


class WindowStatus(StrEnum):
    """Whether an exec window covered the session."""

    OPEN = "open"  #: a window was open on the session's service at the time
    NONE = "none"  #: no window was open (flagged)
    UNKNOWN = "unknown"  #: no window events recorded for the cluster, or the service cannot be told
    NOT_APPLICABLE = "not-applicable"  #: failed call, or the cluster's exec mode is ``always``


@dataclass(frozen=True)
class Identity:
    """CloudTrail ``userIdentity``, flattened.

    Attributes:
        type: ``IAMUser``, ``AssumedRole``, ``FederatedUser``, ``Root``, ``AWSService``, ...
        arn: the caller ARN (``arn:aws:sts::<acct>:assumed-role/<role>/<session>`` for a role session).
        account_id: ``userIdentity.accountId``.
        principal_id: ``userIdentity.principalId``.
        user_name: IAM user name (``IAMUser``), else None.
        role_arn: for ``AssumedRole``: the role behind the session (``sessionContext.sessionIssuer.arn``).
        session_name: for ``AssumedRole``: the role session name (last part of ``arn``).
        source_identity: ``sessionContext.sourceIdentity`` (or top-level ``sourceIdentity``) when set.
        sso: True when the role is an IAM Identity Center role (``AWSReservedSSO_*``): the session
            name is then the person's user name.
        invoked_by: ``userIdentity.invokedBy`` (an AWS service acting for the caller), when set.
        access_key_id: ``userIdentity.accessKeyId`` (``ASIA...`` for temporary credentials), when set.
    """

    type: str
    arn: str | None = None
    account_id: str | None = None
    principal_id: str | None = None
    user_name: str | None = None
    role_arn: str | None = None
    session_name: str | None = None
    source_identity: str | None = None
    sso: bool = False
    invoked_by: str | None = None
    access_key_id: str | None = None

    @property
    def person(self) -> str:
        """Best name of the person: source identity, SSO/role session name, IAM user name, or the ARN."""
        return self.source_identity or self.session_name or self.user_name or self.arn or self.type

    def search_text(self) -> str:
        """Every name of the caller joined, lower-case (what ``--principal SUBSTR`` matches)."""
        parts = (self.arn, self.role_arn, self.user_name, self.session_name, self.source_identity)
        return " ".join(p for p in parts if p).lower()


@dataclass(frozen=True)
class ExecSession:
    """One ``ecs:ExecuteCommand`` (or ``ssm:StartSession`` to an ECS task) CloudTrail record.

    Attributes:
        event_id / event_name / event_source: CloudTrail ``eventID`` / ``eventName`` / ``eventSource``.
        event_time: ``eventTime`` (UTC).
        region: ``awsRegion``; source_ip: ``sourceIPAddress``; user_agent: ``userAgent``.
        identity: the caller.
        cluster: cluster *name* (from ``requestParameters.cluster``, a name or an ARN; for an SSM
            session, from the target).
        task: task *id* (the last part of a task ARN).
        container / command / interactive: ``requestParameters`` of ``ExecuteCommand``.
        session_id: ``responseElements.session.sessionId`` (SSM: ``responseElements.sessionId``);
            None for a failed call.
        error_code / error_message: ``errorCode`` / ``errorMessage`` of a failed call.
        target: SSM ``requestParameters.target`` (``ecs:<cluster>_<taskId>_<runtimeId>``).
    """

    event_id: str
    event_name: str
    event_source: str
    event_time: datetime
    identity: Identity
    region: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None
    cluster: str | None = None
    task: str | None = None
    container: str | None = None
    command: str | None = None
    interactive: bool | None = None
    session_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    target: str | None = None

    @property
    def failed(self) -> bool:
        """True for a call CloudTrail recorded with an ``errorCode`` (no session was started)."""
        return self.error_code is not None

    @property
    def is_ssm(self) -> bool:
        """True for an ``ssm:StartSession`` record."""
        return self.event_name == "StartSession"


@dataclass(frozen=True)
class TranscriptRef:
    """Where a session's transcript was looked for and found.

    Attributes:
        log_group: the cluster's exec log group (``spec.exec_log_group_name(cluster)``).
        log_stream: the stream named after the session id, when found.
        s3_bucket: the cluster's transcript bucket, None without S3 logging.
        s3_key: ``<key_prefix><sessionId>.log``, when found.
        error: ``<service>:<ErrorCode>`` when a lookup failed (e.g. ``logs:AccessDeniedException``).
        log_streams: every stream of the session (``log_stream`` first); more than one is a late write.
        last_ingestion: the latest ``lastIngestionTime`` of those streams (UTC), when known.
        s3_version_id: the *first* (oldest) version of the object, the one the audit reads.
        s3_versions: how many versions the key has (delete markers not counted).
        s3_delete_marker: True when a delete marker exists for the key.
        s3_first_modified: ``LastModified`` of the first version (UTC).
    """

    log_group: str | None = None
    log_stream: str | None = None
    s3_bucket: str | None = None
    s3_key: str | None = None
    error: str | None = None
    log_streams: tuple[str, ...] = ()
    last_ingestion: datetime | None = None
    s3_version_id: str | None = None
    s3_versions: int = 0
    s3_delete_marker: bool = False
    s3_first_modified: datetime | None = None

    @property
    def found(self) -> bool:
        """True when a log stream or an S3 object exists."""
        return bool(self.log_stream or self.s3_key)

    @property
    def overwritten(self) -> bool:
        """True when the S3 key has more than one version or a delete marker."""
        return self.s3_versions > 1 or self.s3_delete_marker


@dataclass(frozen=True)
class Caller:
    """The real caller behind a session's credentials: the caller of the STS ``AssumeRole`` /
    ``AssumeRoleWithSAML`` / ``AssumeRoleWithWebIdentity`` event that issued them (followed through
    role chaining), or the IAM user itself for long-term keys.

    Attributes:
        type: ``userIdentity.type`` of that caller (``IAMUser``, ``AssumedRole``, ``SAMLUser``,
            ``WebIdentityUser``, ...).
        arn: its ARN (for SAML / web identity: the identity provider's, when recorded).
        user_name: the person: IAM user name, SSO user (the session name of an ``AWSReservedSSO_*``
            role), SAML / web-identity ``userName``; None when the caller names no person.
        event_id: ``eventID`` of the issuing STS event; None for an IAM user's own keys.
        sso: True when the caller is an ``AWSReservedSSO_*`` role session.
    """

    type: str
    arn: str | None = None
    user_name: str | None = None
    event_id: str | None = None
    sso: bool = False


@dataclass(frozen=True)
class WindowInterval:
    """An exec window open on ``cluster``/``service`` from ``start`` (inclusive) to ``end`` (exclusive), UTC."""

    cluster: str
    service: str
    start: datetime
    end: datetime
    opened_by: str = ""

    def covers(self, when: datetime) -> bool:
        """True when ``when`` (UTC) falls inside the window."""
        return self.start <= when < self.end


@dataclass(frozen=True)
class WindowCheck:
    """Outcome of the window check of one session; ``detail`` says why (shown to the reviewer)."""

    status: WindowStatus
    service: str | None = None
    detail: str = ""
    #: End of the window that covered the session (its ``closed`` event, else its expiry), UTC.
    end: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    """One session joined with its transcript, its window check and its flags."""

    session: ExecSession
    transcript: TranscriptRef
    transcript_status: TranscriptStatus
    window: WindowCheck
    flags: tuple[Flag, ...] = field(default_factory=tuple)
    #: The real caller (None: unknown, the issuing event is outside what was read).
    caller: Caller | None = None
    #: When the session ended at the latest (window end or task stop), UTC; None when unknown.
    ended_by: datetime | None = None
