"""Find and read a session's transcript: the CloudWatch log stream and/or the S3 object.

ECS Exec (SSM Session Manager underneath) uploads the transcript when the session ends:

- CloudWatch Logs: the stream named exactly after the session id in the cluster's exec log group
  (``spec.exec_log_group_name(cluster)``). Streams are looked up by *prefix* (``DescribeLogStreams``
  with ``logStreamNamePrefix``): another stream starting with the id (``<id>-replay``) is a late write,
  never the transcript (the task role can create one from inside the shell), and a shortened id
  (``audit show ecs-execute-command``) finds nothing.
- S3: the object ``<key_prefix><sessionId>.log`` (exactly) in ``spec.s3_bucket_name(cluster)``, looked up with
  ``ListObjectVersions`` by prefix (a missing key is then an empty listing, not a 403/404 guess); the
  bucket is versioned, so every version and delete marker of the key is seen, and the *first* version
  is the one read (a later one may be a replacement).

A missing log group or bucket means "not found"; any other error (AccessDenied, ...) is recorded on
the :class:`TranscriptRef` so one unreadable cluster does not stop the report.
"""

from __future__ import annotations

import re

from ecs_exec.aws import ClientFactory
from generator.spec import EnvironmentSpec
from reconciler.audit.model import TranscriptRef

PERMISSIONS = (
    "logs:DescribeLogStreams",
    "logs:FilterLogEvents",
    "s3:ListBucketVersions",
    "s3:GetObjectVersion",
    "s3:GetObject",
)
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


def find_transcript(
    factory: ClientFactory, spec: EnvironmentSpec, cluster: str, session_id: str
) -> TranscriptRef:
    """Look for the transcript of ``session_id`` on ``cluster`` in CloudWatch Logs and S3, on its own
    (``audit show``; the report finds many at once with :mod:`reconciler.audit.discovery`).

    AWS: ``logs:DescribeLogStreams`` by prefix, ``s3:ListObjectVersions`` by prefix (IAM
    ``s3:ListBucketVersions``). Returns a :class:`TranscriptRef` with every stream of the session and
    the S3 key's versions; a lookup error other than "not found" is in ``error``, never raised.
    """
    from reconciler.audit.discovery import Calls, ClusterDiscovery, ref_of

    disc = ClusterDiscovery(factory, spec, cluster, Calls())
    return ref_of(disc, session_id)


def read_transcript(factory: ClientFactory, ref: TranscriptRef) -> str:
    """The transcript text: the log stream's messages (one per line), else the S3 object's body.

    AWS: ``logs:FilterLogEvents`` (paginated); ``s3:GetObject`` with the first ``VersionId`` (IAM
    ``s3:GetObjectVersion``; plain ``s3:GetObject`` in a bucket never versioned).
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
        # The first version: a later one may be a replacement written with the task role's credentials.
        extra = {"VersionId": ref.s3_version_id} if ref.s3_version_id not in (None, "null") else {}
        body = factory.client("s3").get_object(Bucket=ref.s3_bucket, Key=ref.s3_key, **extra)["Body"].read()
        return str(body.decode("utf-8", errors="replace"))
    return ""
