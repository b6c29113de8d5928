"""The audit: CloudTrail sessions x transcripts x exec windows -> an :class:`AuditReport`.

AWS calls go through the injected :class:`~ecs_exec.aws.ClientFactory`; the clock is injected as
``now`` (UTC). Everything that decides (parsing, flags, window check) is pure and lives elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ecs_exec.aws import ClientFactory, describe_error
from ecs_exec.errors import AwsError, ExitCode, combine
from generator.spec import EnvironmentSpec, ExecMode
from reconciler.audit import discovery, issuers, lookup, transcripts, window_source
from reconciler.audit.callers import IssuanceIndex, resolve_caller
from reconciler.audit.discovery import Calls, discover_cluster
from reconciler.audit.event_files import EventFiles
from reconciler.audit.flags import late_write, session_end, session_flags, transcript_status
from reconciler.audit.lookup import lookup_records
from reconciler.audit.model import AuditRow, ExecSession, TranscriptRef, TranscriptStatus
from reconciler.audit.parse import ECS_SOURCE, EXECUTE_COMMAND, START_SESSION, RecordError, parse_record
from reconciler.audit.timerange import TimeRange
from reconciler.audit.window_source import ClusterWindows, load_cluster_windows
from reconciler.audit.windows import check_window

log = logging.getLogger("ecs_exec.audit")

#: Every IAM action ``ecs-exec audit`` (report and ``show``) may call.
PERMISSIONS = tuple(
    dict.fromkeys(
        lookup.PERMISSIONS
        + issuers.PERMISSIONS
        + discovery.PERMISSIONS
        + transcripts.PERMISSIONS
        + window_source.PERMISSIONS
    )
)
#: The CloudTrail event names the audit reads, one ``LookupEvents`` query each.
EVENT_NAMES = (EXECUTE_COMMAND, START_SESSION)
#: Exec modes whose window check needs no window records (``always``: not needed; ``never``: refused).
_WINDOWLESS = (ExecMode.ALWAYS, ExecMode.NEVER)


@dataclass(frozen=True)
class AuditQuery:
    """What to audit: the time range (UTC), optional cluster and principal substring, grace in minutes,
    and the ``--events-file`` roots (the paths as given; empty: ``LookupEvents``) with the number of
    files read under them."""

    range: TimeRange
    cluster: str | None = None
    principal: str | None = None
    grace_minutes: int = 60
    events_files: tuple[str, ...] = ()
    events_file_count: int = 0


@dataclass
class AuditReport:
    """The joined result.

    Attributes:
        rows: one per session, oldest first.
        notes: information for the reader (records skipped, events beyond the 90-day history).
        errors: reads that failed (exit 6 when any).
        calls: AWS calls of transcript discovery (and its listing pages).
        issuers: how many STS issuing events were read.
    """

    environment: str
    region: str
    generated_at: datetime
    query: AuditQuery
    rows: list[AuditRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    calls: Calls = field(default_factory=Calls)
    issuers: int = 0

    @property
    def flagged(self) -> list[AuditRow]:
        """Rows with at least one flag."""
        return [r for r in self.rows if r.flags]

    @property
    def exit_code(self) -> ExitCode:
        """6 when a read failed, else 3 when any session is flagged, else 0."""
        codes = [ExitCode.FINDINGS] if self.flagged else []
        if self.errors or any(r.transcript_status is TranscriptStatus.ERROR for r in self.rows):
            codes.append(ExitCode.PARTIAL)
        return combine(codes)


def _ecs_own_call(session: ExecSession) -> bool:
    # Defensive: a StartSession made by ECS itself on behalf of ExecuteCommand is not a bypass.
    return session.is_ssm and ECS_SOURCE in (session.identity.invoked_by, session.source_ip)


def parse_sessions(
    raws: Iterable[str | dict[str, Any]], notes: list[str], unreadable: int = 0
) -> list[ExecSession]:
    """CloudTrail records (``CloudTrailEvent`` strings or decoded dicts) -> ECS exec sessions.

    Records of other events, and ``StartSession`` calls ECS makes itself, are dropped; unreadable records
    are skipped and counted, with the ``unreadable`` ones found before, in one line of ``notes``.
    """
    sessions: list[ExecSession] = []
    bad = unreadable
    for raw in raws:
        try:
            session = parse_record(raw)
        except RecordError as exc:
            log.debug("skipping CloudTrail record: %s", exc)
            bad += 1
            continue
        if session is not None and not _ecs_own_call(session):
            sessions.append(session)
    if bad:
        notes.append(f"skipped {bad} unreadable CloudTrail record(s)")
    return sessions


def collect_sessions(factory: ClientFactory, rng: TimeRange, notes: list[str]) -> list[ExecSession]:
    """``LookupEvents`` for each of :data:`EVENT_NAMES` -> parsed sessions (unreadable records noted).

    AWS: ``cloudtrail:LookupEvents``.

    Raises:
        AwsError: CloudTrail failed after the retries (exit 5), naming the query.
    """
    client = factory.client("cloudtrail")
    raws: list[str] = []
    for name in EVENT_NAMES:
        try:
            raws.extend(lookup_records(client, name, rng.since, rng.until))
        except (ClientError, BotoCoreError) as exc:
            raise AwsError(
                f"cloudtrail:LookupEvents (EventName={name}) failed: {describe_error(exc)}"
            ) from None
    return parse_sessions(raws, notes)


def file_sessions(events: EventFiles, rng: TimeRange, notes: list[str]) -> list[ExecSession]:
    """The sessions of ``--events-file`` records whose ``eventTime`` is within ``rng`` (both ends
    included, as ``LookupEvents`` ``StartTime`` / ``EndTime``). Pure: no AWS calls."""
    if events.other_scope:
        notes.append(
            f"ignored {events.other_scope} exec record(s) of another account or region in --events-file"
        )
    sessions = parse_sessions(events.records, notes, events.unreadable)
    return [s for s in sessions if rng.since <= s.event_time <= rng.until]


def gather_sessions(
    factory: ClientFactory, rng: TimeRange, notes: list[str], events: EventFiles | None = None
) -> list[ExecSession]:
    """The sessions of ``rng``: from ``events`` (``--events-file``, no AWS call) when given, else from
    CloudTrail ``LookupEvents`` (see :func:`collect_sessions`)."""
    if events is not None:
        return file_sessions(events, rng, notes)
    return collect_sessions(factory, rng, notes)


def select(sessions: Iterable[ExecSession], cluster: str | None, principal: str | None) -> list[ExecSession]:
    """Sessions on ``cluster`` (exact name) whose caller names contain ``principal`` (case-insensitive)."""
    needle = principal.lower() if principal else None
    return [
        s
        for s in sessions
        if (cluster is None or s.cluster == cluster)
        and (needle is None or needle in s.identity.search_text())
    ]


def join(
    spec: EnvironmentSpec,
    sessions: list[ExecSession],
    refs: dict[str, TranscriptRef],
    windows: dict[str, ClusterWindows],
    now: datetime,
    grace_minutes: int,
    index: IssuanceIndex | None = None,
) -> list[AuditRow]:
    """Pure join: each session with its transcript ref (by event id), window knowledge (by cluster), real
    caller (from ``index``; None: callers not read) and flags."""
    rows: list[AuditRow] = []
    for session in sorted(sessions, key=lambda s: (s.event_time, s.event_id)):
        ref = refs.get(session.event_id, TranscriptRef())
        status = transcript_status(session, ref, now, grace_minutes)
        cw = windows.get(session.cluster or "", ClusterWindows())
        cluster_spec = spec.cluster(session.cluster or "")
        check = check_window(
            session,
            cw.services.get(session.task or ""),
            cw.intervals,
            cluster_spec.exec.mode if cluster_spec else None,
            cw.has_records,
        )
        caller = resolve_caller(session.identity, session.event_time, index or IssuanceIndex())
        ended_by = session_end(check.end, cw.stopped.get(session.task or ""))
        written = status is TranscriptStatus.FOUND or bool(ref.log_streams)
        late = written and not session.failed and late_write(ref, ended_by, grace_minutes)
        flags = session_flags(session, status, check, caller, ref, late)
        rows.append(AuditRow(session, ref, status, check, flags, caller, ended_by))
    return rows


def find_transcripts(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    sessions: list[ExecSession],
    rng: TimeRange,
    now: datetime,
    calls: Calls,
) -> dict[str, TranscriptRef]:
    """Transcript refs by event id, found in bulk per cluster (:mod:`reconciler.audit.discovery`)."""
    by_cluster: dict[str, list[ExecSession]] = {}
    for s in sessions:
        if s.cluster and s.session_id and not s.failed and not s.is_ssm:
            by_cluster.setdefault(s.cluster, []).append(s)
    refs: dict[str, TranscriptRef] = {}
    for cluster, items in sorted(by_cluster.items()):
        found = discover_cluster(
            factory, spec, cluster, [(s.session_id or "", s.event_time) for s in items], rng.since, now, calls
        )
        for s in items:
            refs[s.event_id] = found[s.session_id or ""]
    return refs


def run_audit(
    factory: ClientFactory,
    spec: EnvironmentSpec,
    query: AuditQuery,
    now: datetime,
    events: EventFiles | None = None,
) -> AuditReport:
    """Run the audit for ``spec``'s region.

    ``events``: records read from ``--events-file`` instead of CloudTrail (then no CloudTrail call is made).
    AWS: see :data:`PERMISSIONS`. Raises :class:`AwsError` only when CloudTrail itself fails; transcript
    and window reads that fail are reported in ``errors`` (exit 6).
    """
    report = AuditReport(spec.environment, spec.region, now, query)
    found = gather_sessions(factory, query.range, report.notes, events)
    sessions = select(found, query.cluster, query.principal)
    refs = find_transcripts(factory, spec, sessions, query.range, now, report.calls)
    windows: dict[str, ClusterWindows] = {}
    for cluster in sorted({s.cluster for s in sessions if s.cluster and not s.failed}):
        cluster_spec = spec.cluster(cluster)
        # always / never: the window check does not depend on window records, only task stops are read
        windowless = cluster_spec is not None and cluster_spec.exec.mode in _WINDOWLESS
        tasks = [s.task for s in sessions if s.cluster == cluster and s.task]
        windows[cluster] = load_cluster_windows(factory, spec, cluster, tasks, query.range.until, windowless)
        report.errors.extend(windows[cluster].errors)
        if windowless:
            continue
        if not windows[cluster].has_records:
            report.notes.append(f"{cluster}: no exec-window events or tags recorded: window check unknown")
        if windows[cluster].skipped:
            report.notes.append(f"{cluster}: skipped {windows[cluster].skipped} unreadable window event(s)")
    index = issuers.issuers_for(
        factory, sessions, query.range, report.errors, events.issuers if events is not None else None
    )
    report.issuers = index.size if index is not None else 0
    report.rows = join(spec, sessions, refs, windows, now, query.grace_minutes, index)
    unmanaged = sorted({s.cluster for s in sessions if s.cluster and spec.cluster(s.cluster) is None})
    if unmanaged:
        report.notes.append("sessions on clusters the config does not name: " + ", ".join(unmanaged))
    return report


def find_session(
    factory: ClientFactory, session_id: str, rng: TimeRange, events: EventFiles | None = None
) -> ExecSession | None:
    """The CloudTrail record that started ``session_id`` within ``rng`` (``LookupEvents`` cannot filter
    on the session id, so the range is scanned; ``events``: search these records instead), or None."""
    notes: list[str] = []
    found = gather_sessions(factory, rng, notes, events)
    return next((s for s in found if s.session_id == session_id), None)
