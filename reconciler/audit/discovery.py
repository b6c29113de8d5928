"""Find the transcripts of many sessions in bulk: one listing per exec log group and per bucket prefix.

Per cluster, with ``n`` sessions to look for:

- CloudWatch Logs: ``DescribeLogStreams`` of the exec log group with ``orderBy=LastEventTime,
  descending=True`` (50 streams a page), stopping at the first stream whose last event is older than
  the period's start (less :data:`LAST_EVENT_LAG`: AWS updates ``lastEventTimestamp`` eventually,
  "typically in less than an hour"). The transcript of a session of the period is written when the
  session ends, so after the period's start: every such stream is on the pages read.
- S3: ``ListObjectVersions`` of ``<key_prefix>`` in the cluster's bucket (1,000 versions a page): every
  version and delete marker of every transcript key (S3 cannot list by time).

Both stop after ``n`` pages and look the sessions up one by one instead (``DescribeLogStreams`` with
``logStreamNamePrefix``; ``ListObjectVersions`` with ``Prefix``), so discovery never makes many more
calls than the per-session way: at most about ``2 n``, and ``⌈streams / 50⌉`` when the listing is
shorter. After a bulk listing, a session not found whose start is within :data:`LAST_EVENT_LAG` of now
(a straggler the listing's order may not show yet) is looked up on its own.

Matching is local: the transcript is the stream named exactly after the session id, and the versions of
the key ``<key_prefix><id>.log``; every other stream whose name starts with the id is a late write.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from ecs_exec.aws import ClientFactory, error_code
from generator.spec import EnvironmentSpec
from reconciler.audit.model import TranscriptRef
from reconciler.audit.transcripts import same_session

PERMISSIONS = ("logs:DescribeLogStreams", "s3:ListBucketVersions")
#: How late ``lastEventTimestamp`` may be (AWS: "typically updates in less than an hour").
LAST_EVENT_LAG = timedelta(hours=1)
STREAMS_PAGE = 50
VERSIONS_PAGE = 1000
#: Error codes meaning "the place does not exist", i.e. no transcript there.
_ABSENT = {"ResourceNotFoundException", "NoSuchBucket", "NoSuchKey", "404"}


def _ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value / 1000, tz=UTC) if isinstance(value, (int, float)) else None


@dataclass(frozen=True)
class Stream:
    """A log stream as ``DescribeLogStreams`` describes it (times UTC; None when absent)."""

    name: str
    last_event: datetime | None = None
    last_ingestion: datetime | None = None

    @classmethod
    def of(cls, item: dict[str, Any]) -> Stream:
        """From one ``logStreams[]`` item."""
        return cls(
            item["logStreamName"], _ms(item.get("lastEventTimestamp")), _ms(item.get("lastIngestionTime"))
        )


@dataclass(frozen=True)
class Version:
    """One ``Versions[]`` item (or a ``DeleteMarkers[]`` item when ``delete_marker``)."""

    key: str
    version_id: str
    last_modified: datetime
    delete_marker: bool = False


@dataclass
class Calls:
    """AWS calls made by discovery, by ``<service>.<Operation>``, and the bulk listing pages among them."""

    counts: Counter[str] = field(default_factory=Counter)
    listing_pages: int = 0

    @property
    def total(self) -> int:
        """All calls."""
        return sum(self.counts.values())


def _matching(names: list[str], session_id: str, any_suffix: bool = False) -> list[str]:
    """Names of a sorted list that belong to ``session_id`` (the exact one first): the id itself or the id
    plus a suffix (:func:`same_session`); with ``any_suffix``, every name starting with the id (a log
    stream named ``<id>-<anything>`` is a second stream of the session, however it is spelt: real session
    ids end in a fixed-length random part, so one is never the start of another)."""
    out = []
    for name in names[bisect.bisect_left(names, session_id) :]:
        if not name.startswith(session_id):
            break
        if any_suffix or same_session(name, session_id):
            out.append(name)
    return sorted(out, key=lambda n: (n != session_id, n))


def _ref_logs(ref: dict[str, Any], streams: list[Stream], session_id: str) -> None:
    # The transcript is the stream named exactly after the session id (the agent's name for it); any
    # other stream starting with the id (``<id>-replay``) counts as written for the session (a late
    # write) but is never shown as its transcript: the task role can create it from inside the shell.
    if streams:
        ref["log_stream"] = session_id if any(s.name == session_id for s in streams) else None
        ref["log_streams"] = tuple(s.name for s in streams)
        times = [s.last_ingestion for s in streams if s.last_ingestion]
        ref["last_ingestion"] = max(times) if times else None


def _ref_s3(ref: dict[str, Any], key: str | None, versions: list[Version]) -> None:
    if key is None:
        return
    # S3 lists a key's versions newest first; LastModified has whole seconds: reverse, then a stable sort.
    kept = sorted(reversed([v for v in versions if not v.delete_marker]), key=lambda v: v.last_modified)
    ref["s3_delete_marker"] = any(v.delete_marker for v in versions)
    if kept:
        ref["s3_key"] = key
        ref["s3_version_id"] = kept[0].version_id
        ref["s3_versions"] = len(kept)
        ref["s3_first_modified"] = kept[0].last_modified


class ClusterDiscovery:
    """Transcript discovery on one cluster (its exec log group and transcript bucket)."""

    def __init__(self, factory: ClientFactory, spec: EnvironmentSpec, cluster: str, calls: Calls) -> None:
        self.factory, self.spec, self.calls = factory, spec, calls
        self.group = spec.exec_log_group_name(cluster)
        self.bucket = spec.s3_bucket_name(cluster)
        self.prefix = spec.exec_logging.s3.key_prefix if spec.exec_logging.s3 else ""
        self.skip = spec.windows.events_stream_name

    def _count(self, op: str, listing: bool = False) -> None:
        self.calls.counts[op] += 1
        self.calls.listing_pages += int(listing)

    # -- CloudWatch Logs -------------------------------------------------------------------------
    def list_streams(self, since: datetime, budget: int) -> list[Stream] | None:
        """Streams with events since ``since`` (less the lag), newest first; None when ``budget`` pages
        did not reach it. Raises ``ClientError`` (``ResourceNotFoundException`` for a missing group)."""
        logs = self.factory.client("logs")
        stop = since - LAST_EVENT_LAG
        kwargs: dict[str, Any] = {"logGroupName": self.group, "orderBy": "LastEventTime", "descending": True}
        out: list[Stream] = []
        for _ in range(budget):
            self._count("logs.DescribeLogStreams", listing=True)
            resp = logs.describe_log_streams(**kwargs, limit=STREAMS_PAGE)
            page = [Stream.of(s) for s in resp.get("logStreams", [])]
            out.extend(s for s in page if s.name != self.skip)
            token = resp.get("nextToken")
            if not token or not page or (page[-1].last_event is not None and page[-1].last_event < stop):
                return out
            kwargs["nextToken"] = token
        return None

    def streams_of(self, session_id: str) -> list[Stream]:
        """Per-session lookup: the streams whose name starts with ``session_id`` and are its own."""
        logs = self.factory.client("logs")
        kwargs: dict[str, Any] = {"logGroupName": self.group, "logStreamNamePrefix": session_id}
        found: list[Stream] = []
        while True:
            self._count("logs.DescribeLogStreams")
            resp = logs.describe_log_streams(**kwargs, limit=STREAMS_PAGE)
            found.extend(Stream.of(s) for s in resp.get("logStreams", []))
            if not resp.get("nextToken") or not resp.get("logStreams"):
                break
            kwargs["nextToken"] = resp["nextToken"]
        by_name = {s.name: s for s in found if s.name != self.skip}
        return [by_name[n] for n in _matching(sorted(by_name), session_id, any_suffix=True)]

    # -- S3 ------------------------------------------------------------------------------------------
    def _versions(self, prefix: str, pages: int | None) -> list[Version] | None:
        s3 = self.factory.client("s3")
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        out: list[Version] = []
        n = 0
        while pages is None or n < pages:
            n += 1
            self._count("s3.ListObjectVersions", listing=pages is not None)
            resp = s3.list_object_versions(**kwargs, MaxKeys=VERSIONS_PAGE)
            for item in resp.get("Versions", []):
                out.append(Version(item["Key"], str(item.get("VersionId")), item["LastModified"]))
            for item in resp.get("DeleteMarkers", []):
                out.append(Version(item["Key"], str(item.get("VersionId")), item["LastModified"], True))
            if not resp.get("IsTruncated"):
                return out
            kwargs["KeyMarker"] = resp.get("NextKeyMarker")
            kwargs["VersionIdMarker"] = resp.get("NextVersionIdMarker")
        return None

    def list_versions(self, budget: int) -> dict[str, list[Version]] | None:
        """Every version under the key prefix by session name (the key less prefix and ``.log``);
        None when ``budget`` pages did not cover the prefix."""
        versions = self._versions(self.prefix, budget)
        if versions is None:
            return None
        out: dict[str, list[Version]] = {}
        for v in versions:
            out.setdefault(v.key[len(self.prefix) :].removesuffix(".log"), []).append(v)
        return out

    def s3_of(
        self, session_id: str, by_name: dict[str, list[Version]] | None = None
    ) -> tuple[str | None, list[Version]]:
        """The key ``<prefix><id>.log`` of ``session_id`` and its versions (never a suffixed key such as
        ``<id>-replay.log``: the agent writes exactly that key, and the task role may write others);
        from ``by_name`` (a bulk listing) when given, else one ``ListObjectVersions`` by prefix."""
        if by_name is None:
            by_name = {}
            for v in self._versions(self.prefix + session_id, None) or []:
                by_name.setdefault(v.key[len(self.prefix) :].removesuffix(".log"), []).append(v)
        versions = by_name.get(session_id, [])
        if not versions:
            return None, []
        return versions[0].key, versions


def _logs_refs(
    disc: ClusterDiscovery, ids: list[str], recent: set[str], since: datetime, refs: dict[str, dict[str, Any]]
) -> None:
    listed = disc.list_streams(since, max(len(ids) - 1, 0))
    if listed is None:
        for sid in ids:
            _ref_logs(refs[sid], disc.streams_of(sid), sid)
        return
    names = sorted({s.name for s in listed})
    by_name = {s.name: s for s in listed}
    for sid in ids:
        streams = [by_name[n] for n in _matching(names, sid, any_suffix=True)]
        if not streams and sid in recent:
            streams = disc.streams_of(sid)
        _ref_logs(refs[sid], streams, sid)


def _s3_refs(
    disc: ClusterDiscovery, ids: list[str], recent: set[str], refs: dict[str, dict[str, Any]]
) -> None:
    bulk = disc.list_versions(max(len(ids) - 1, 0))
    for sid in ids:
        key, versions = disc.s3_of(sid, bulk)
        if bulk is not None and not versions and sid in recent:
            key, versions = disc.s3_of(sid, None)
        _ref_s3(refs[sid], key, versions)


def ref_of(disc: ClusterDiscovery, session_id: str) -> TranscriptRef:
    """One session's transcript by per-session lookups (``audit show``); errors in ``error``."""
    ref: dict[str, Any] = {"log_group": disc.group, "s3_bucket": disc.bucket}
    errors: list[str] = []
    try:
        _ref_logs(ref, disc.streams_of(session_id), session_id)
    except ClientError as exc:
        if error_code(exc) not in _ABSENT:
            errors.append(f"logs:{error_code(exc)}")
    if disc.bucket and disc.spec.exec_logging.s3 is not None:
        try:
            _ref_s3(ref, *disc.s3_of(session_id, None))
        except ClientError as exc:
            if error_code(exc) not in _ABSENT:
                errors.append(f"s3:{error_code(exc)}")
    return TranscriptRef(**ref, error="; ".join(errors) or None)


def discover_cluster(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    cluster: str,
    sessions: Iterable[tuple[str, datetime]],
    since: datetime,
    now: datetime,
    calls: Calls,
) -> dict[str, TranscriptRef]:
    """The transcripts of ``sessions`` (``(session id, start)``) on ``cluster`` -> session id -> ref.

    AWS: ``logs:DescribeLogStreams``, ``s3:ListObjectVersions`` (IAM ``s3:ListBucketVersions``); see the
    module docstring for the order of calls. A missing log group or bucket is "not found"; another
    lookup error is in every ref's ``error`` (``logs:AccessDeniedException``), never raised. ``calls``
    counts the calls made.
    """
    items = sorted(set(sessions))
    ids = sorted({sid for sid, _ in items})
    disc = ClusterDiscovery(factory, spec, cluster, calls)
    refs: dict[str, dict[str, Any]] = {
        sid: {"log_group": disc.group, "s3_bucket": disc.bucket} for sid in ids
    }
    recent = {sid for sid, start in items if now - start < LAST_EVENT_LAG}
    errors: list[str] = []
    # A missing log group or bucket: no transcript there (refs stay empty), not an error.
    try:
        _logs_refs(disc, ids, recent, since, refs)
    except ClientError as exc:
        if error_code(exc) not in _ABSENT:
            errors.append(f"logs:{error_code(exc)}")
    if disc.bucket and spec.exec_logging.s3 is not None:
        try:
            _s3_refs(disc, ids, recent, refs)
        except ClientError as exc:
            if error_code(exc) not in _ABSENT:
                errors.append(f"s3:{error_code(exc)}")
    return {sid: TranscriptRef(**ref, error="; ".join(errors) or None) for sid, ref in refs.items()}
