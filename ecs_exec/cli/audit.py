"""``ecs-exec audit``: who ran which exec session, and where is its transcript.

``ecs-exec audit --env E [--since 24h|ISO] [--until ...] [--cluster C] [--principal SUBSTR]
[--grace MINUTES] [--events-file PATH ...] [--output table|json|csv]`` runs the report; ``ecs-exec audit
show SESSION_ID --env E`` prints one transcript with its header. ``--events-file`` reads the CloudTrail
records from files (trail log files, ``lookup-events`` exports) instead of ``LookupEvents``. Every option
value, and every events file, is checked before any AWS call.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from ecs_exec.cli.common import OperatorGroup, cluster_option, env_options, run_exit
from ecs_exec.errors import AwsError, ExitCode, InvalidValueError, NotFoundError

#: IAM actions of the CLI itself on top of :data:`reconciler.audit.report.PERMISSIONS`.
PERMISSIONS = ("sts:GetCallerIdentity",)
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.@=+-]{1,128}$")


def make_factory(region: str, rate_limits: Any = None) -> Any:
    """The AWS client factory of a command, paced by the config's ``api_rate_limits`` (tests
    replace this to inject stubbed clients)."""
    from ecs_exec.aws import ClientFactory

    return ClientFactory(region, rate_limits=rate_limits)


def _grace(text: str) -> int:
    from reconciler.audit.timerange import EVENT_HISTORY_DAYS

    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise InvalidValueError(f"--grace: {text!r} is not a whole number of minutes >= 0")
    # Longer than the CloudTrail history it means nothing (and a huge value overflowed a timedelta: exit 1).
    limit = EVENT_HISTORY_DAYS * 24 * 60
    if value > limit:
        raise InvalidValueError(
            f"--grace: {value} minutes is longer than the {EVENT_HISTORY_DAYS}-day CloudTrail history "
            f"(at most {limit})"
        )
    return value


def _prepare(
    env: str | None,
    config: str | None,
    since: str,
    until: str | None,
    cluster: str | None,
    events_files: tuple[str, ...] = (),
) -> Any:
    """Load the config, check the time range and cluster, read the events files: everything before the
    first AWS call. Returns ``(spec, now, range, EventFiles | None)``."""
    from ecs_exec.cli.output import info
    from ecs_exec.clock import utcnow
    from generator.loader import load_config
    from generator.lookup import require_cluster
    from reconciler.audit.event_files import load_event_files
    from reconciler.audit.timerange import parse_range

    spec = load_config(env, config)
    now = utcnow()
    rng = parse_range(since, until, now)
    if cluster is not None:
        require_cluster(spec, cluster)
    if not events_files:
        return spec, now, rng, None
    from reconciler.audit.callers import MAX_ROLE_SESSION

    # Issuing STS events are read from 12 hours (the longest role session) before the period.
    events = load_event_files(
        events_files, spec.account_id, spec.region, sys.stdin.buffer, rng.since - MAX_ROLE_SESSION, rng.until
    )
    skipped = (
        f" ({events.skipped_files} trail file(s) of other accounts or days skipped)"
        if events.skipped_files
        else ""
    )
    info(
        f"--events-file: {len(events.files)} file(s){skipped}, {events.read} record(s), {len(events.records)} "
        f"ExecuteCommand/StartSession record(s) of {spec.account_id}/{spec.region}, {len(events.issuers)} "
        "AssumeRole* record(s); CloudTrail is not called"
    )
    return spec, now, rng, events


def _events_file_option(fn: Any) -> Any:
    return click.option(
        "--events-file",
        "events_files",
        metavar="PATH",
        multiple=True,
        help="Read CloudTrail records from this file or directory (recursive; .json/.json.gz; trail log "
        "files or a lookup-events export; - for stdin) instead of calling LookupEvents. Repeatable.",
    )(fn)


def _connect(spec: Any) -> Any:
    from ecs_exec.aws import verify_account

    factory = make_factory(spec.region, spec.api_rate_limits)
    verify_account(factory, spec.account_id)
    return factory


@click.group(cls=OperatorGroup, invoke_without_command=True)
@env_options(outputs=("table", "json", "csv"))
@click.option(
    "--since",
    metavar="AGE|ISO",
    default="24h",
    show_default=True,
    help="Start: an age (30m, 24h, 7d) or ISO 8601 (UTC).",
)
@click.option("--until", metavar="AGE|ISO", default=None, help="End: an age or ISO 8601 (UTC). Default: now.")
@cluster_option(metavar="NAME", default=None, help="Only sessions on this cluster (must be in the config).")
@click.option(
    "--principal",
    metavar="SUBSTR",
    default=None,
    help="Only callers whose ARN, role, user or session name contains this.",
)
@click.option(
    "--grace",
    metavar="MINUTES",
    default="60",
    show_default=True,
    help="Minutes before a missing transcript is flagged.",
)
@_events_file_option
@click.pass_context
def audit(
    ctx: click.Context,
    env: str | None,
    config: str | None,
    output: str,
    since: str,
    until: str | None,
    cluster: str | None,
    principal: str | None,
    grace: str,
    events_files: tuple[str, ...],
) -> None:
    """Join CloudTrail ExecuteCommand events with session transcripts and flag what needs a look.

    Flags: no-transcript (older than --grace minutes), generic-session-name, no-open-window,
    ssm-start-session-on-ecs-task. Exit 3 when any session is flagged, 6 when a read failed.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ecs_exec.cli.output import Document, Table, emit, info
    from reconciler.audit.render import CSV_COLUMNS, TABLE_COLUMNS, csv_row, flat_row, report_to_dict
    from reconciler.audit.report import AuditQuery, run_audit
    from reconciler.audit.timerange import EVENT_HISTORY_DAYS, beyond_history

    grace_minutes = _grace(grace)
    spec, now, rng, events = _prepare(env, config, since, until, cluster, events_files)
    if events is None and beyond_history(rng, now):
        info(f"note: CloudTrail event history keeps {EVENT_HISTORY_DAYS} days; older sessions are not listed")
    factory = _connect(spec)
    query = AuditQuery(
        rng,
        cluster,
        principal,
        grace_minutes,
        tuple(events.roots) if events else (),
        len(events.files) if events else 0,
    )
    report = run_audit(factory, spec, query, now, events)
    data = report_to_dict(report)
    body = {k: v for k, v in data.items() if k not in ("schema_version", "environment")}
    # csv: cells starting with = + - @ are escaped (a spreadsheet would run them as formulas)
    rows = [csv_row(r) if output == "csv" else flat_row(r) for r in report.rows]
    columns = CSV_COLUMNS if output == "csv" else TABLE_COLUMNS
    table = Table(rows, columns, header_when_empty=True)
    emit(output, Document("audit", spec.environment, body, data["schema_version"], tables=[table]))
    for line in report.notes + report.errors:
        info(f"note: {line}")
    info(
        f"{len(report.rows)} session(s), {len(report.flagged)} flagged ({spec.region}, {rng.since:%Y-%m-%dT%H:%M:%SZ}..{rng.until:%Y-%m-%dT%H:%M:%SZ})"
    )
    run_exit(report.exit_code)


@audit.command("show")
@click.argument("session_id")
@env_options(outputs=("text", "json"))
@click.option(
    "--since",
    metavar="AGE|ISO",
    default="90d",
    show_default=True,
    help="Where to look for the CloudTrail record.",
)
@click.option("--until", metavar="AGE|ISO", default=None, help="End of the search (default: now).")
@cluster_option(
    metavar="NAME", default=None, help="Cluster to search for the transcript when CloudTrail has no record."
)
@_events_file_option
def show(
    session_id: str,
    env: str | None,
    config: str | None,
    output: str,
    since: str,
    until: str | None,
    cluster: str | None,
    events_files: tuple[str, ...],
) -> None:
    """Print the transcript of SESSION_ID with its header (who, when, where).

    Exit 3 when the session is older than 60 minutes and has no transcript; exit 4 when neither a
    CloudTrail record nor a transcript of SESSION_ID exists; exit 6 when CloudTrail could not be read
    but the transcript was found (printed without who/when).
    """
    from ecs_exec.cli.output import Document, emit, info
    from reconciler.audit.flags import DEFAULT_GRACE_MINUTES, transcript_status
    from reconciler.audit.issuers import issuers_for
    from reconciler.audit.model import TranscriptRef, TranscriptStatus
    from reconciler.audit.render import row_to_dict, show_header, transcript_to_dict
    from reconciler.audit.report import find_session, join
    from reconciler.audit.timerange import TimeRange
    from reconciler.audit.transcripts import find_transcript, read_transcript

    if not _SESSION_ID.match(session_id):
        raise InvalidValueError(
            f"SESSION_ID: {session_id!r} is not a session id (letters, digits, _ . @ = + -)"
        )
    spec, now, rng, events = _prepare(env, config, since, until, cluster, events_files)
    factory = _connect(spec)
    # A reviewer may read transcripts without cloudtrail:LookupEvents (or the endpoint lacks it, as
    # moto does): still show the transcript, say what is missing, exit 6.
    lookup_error: AwsError | None = None
    try:
        session = find_session(factory, session_id, rng, events)
    except AwsError as exc:
        session, lookup_error = None, exc
    if session is not None and session.cluster:
        clusters = [session.cluster]
    else:
        clusters = [cluster] if cluster else [c.name for c in spec.clusters]
    ref = TranscriptRef()
    for name in clusters:
        ref = find_transcript(factory, spec, name, session_id)
        if ref.found:
            break
    if session is None and not ref.found and lookup_error is not None:
        raise lookup_error
    if session is None and not ref.found:
        where = " in --events-file" if events is not None else ""
        raise NotFoundError(
            f"SESSION_ID: no CloudTrail record of {session_id}{where} since {rng.since:%Y-%m-%dT%H:%M:%SZ} "
            f"and no transcript in {', '.join(clusters)}"
        )
    text = read_transcript(factory, ref) if ref.found else ""
    caller_errors: list[str] = []
    rows = []
    if session is not None:
        at = TimeRange(session.event_time, session.event_time)
        index = issuers_for(factory, [session], at, caller_errors, events.issuers if events else None)
        rows = join(spec, [session], {session.event_id: ref}, {}, now, DEFAULT_GRACE_MINUTES, index)
    if output == "json":
        body = {
            "session_id": session_id,
            "session": row_to_dict(rows[0]) if rows else None,
            "transcript": {**transcript_to_dict(ref), "text": text},
        }
        emit("json", Document("audit show", spec.environment, body))
    else:
        caller = rows[0].caller if rows else None
        click.echo(show_header(session, session_id, ref, caller) + text, nl=False)
    for line in caller_errors:
        info(f"note: {line}")
    if caller_errors:
        run_exit(ExitCode.PARTIAL)
    if ref.error:
        info(f"note: transcript lookup failed: {ref.error}")
        run_exit(ExitCode.PARTIAL)
    if lookup_error is not None:
        info(f"note: no header from CloudTrail (who, when): {lookup_error}")
        run_exit(ExitCode.PARTIAL)
    if session is not None and not ref.found:
        status = transcript_status(session, ref, now, DEFAULT_GRACE_MINUTES)
        info(f"no transcript found for {session_id} ({status})")
        run_exit(ExitCode.FINDINGS if status is TranscriptStatus.MISSING else ExitCode.OK)
