"""Report -> output shapes (the JSON document, flat table/CSV rows, the ``show`` header). Pure.

The JSON document (``--output json``) is documented in the README (section "Audit"); its
``schema_version`` changes when a field is renamed or removed.
"""

from __future__ import annotations

import re
from typing import Any

from ecs_exec.clock import iso
from ecs_exec.console import visible
from reconciler.audit.model import AuditRow, Caller, ExecSession, TranscriptRef
from reconciler.audit.report import AuditReport

#: 2: ``sessions[].caller``, the transcript's versions and streams, ``query.events_files`` as
#: ``{count, roots, skipped}``.
SCHEMA_VERSION = 2
#: First characters a spreadsheet reads as a formula (OWASP "CSV injection"), escaped with a leading ``'``.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The start of the text or of a line in it (after CR / LF), followed by a formula start.
_CSV_LINE_START = re.compile(r"(^|[\r\n])(?=[=+\-@\t\r])")
TABLE_COLUMNS = (
    "time",
    "person",
    "caller",
    "cluster",
    "task",
    "container",
    "session_id",
    "transcript",
    "window",
    "flags",
)
CSV_COLUMNS = (
    "time",
    "event_name",
    "event_id",
    "person",
    "principal_type",
    "principal_arn",
    "role_arn",
    "source_identity",
    "caller",
    "caller_type",
    "caller_arn",
    "caller_event_id",
    "cluster",
    "task",
    "container",
    "command",
    "interactive",
    "session_id",
    "error_code",
    "transcript",
    "log_group",
    "log_stream",
    "s3_bucket",
    "s3_key",
    "s3_version_id",
    "s3_versions",
    "log_streams",
    "window",
    "service",
    "flags",
)


def transcript_to_dict(ref: TranscriptRef) -> dict[str, Any]:
    """Where the transcript is: streams, S3 key and versions (``s3_version_id`` is the first one, the
    one read), lookup error."""
    return {
        "log_group": ref.log_group,
        "log_stream": ref.log_stream,
        "log_streams": list(ref.log_streams),
        "last_ingestion_time": iso(ref.last_ingestion) if ref.last_ingestion else None,
        "s3_bucket": ref.s3_bucket,
        "s3_key": ref.s3_key,
        "s3_version_id": ref.s3_version_id,
        "s3_versions": ref.s3_versions,
        "s3_delete_marker": ref.s3_delete_marker,
        "s3_first_modified": iso(ref.s3_first_modified) if ref.s3_first_modified else None,
        "error": ref.error,
    }


def caller_to_dict(caller: Caller | None) -> dict[str, Any] | None:
    """``sessions[].caller``: ``{type, arn, user_name, event_id}``, None when unknown."""
    if caller is None:
        return None
    return {
        "type": caller.type,
        "arn": caller.arn,
        "user_name": caller.user_name,
        "event_id": caller.event_id,
    }


def caller_text(caller: Caller | None) -> str:
    """The CALLER cell: the person's name, else the ARN, else ``unknown``."""
    if caller is None:
        return "unknown"
    return caller.user_name or caller.arn or caller.type


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``= + - @`` (or tab / CR)
    gets a leading ``'`` (OWASP, CSV injection), and so does every line inside it that starts so (after
    a CR or LF: a reader that splits lines would start a row there); other values as they are.
    (The writer also quotes a cell holding CR or LF: ``ecs_exec.cli.output.emit_csv``.)"""
    if isinstance(value, str):
        return _CSV_LINE_START.sub(lambda m: m.group(1) + "'", value)
    return value


def csv_row(row: AuditRow) -> dict[str, Any]:
    """:func:`flat_row` with every cell passed through :func:`csv_cell` (``--output csv``)."""
    return {k: csv_cell(v) for k, v in flat_row(row).items()}


def row_to_dict(row: AuditRow) -> dict[str, Any]:
    """One session as the JSON ``sessions[]`` item."""
    s, ident = row.session, row.session.identity
    return {
        "event_time": iso(s.event_time),
        "event_name": s.event_name,
        "event_id": s.event_id,
        "region": s.region,
        "source_ip": s.source_ip,
        "person": ident.person,
        "principal": {
            "type": ident.type,
            "arn": ident.arn,
            "account_id": ident.account_id,
            "user_name": ident.user_name,
            "role_arn": ident.role_arn,
            "session_name": ident.session_name,
            "source_identity": ident.source_identity,
            "sso": ident.sso,
        },
        "caller": caller_to_dict(row.caller),
        "session_end": iso(row.ended_by) if row.ended_by else None,
        "cluster": s.cluster,
        "task": s.task,
        "container": s.container,
        "command": s.command,
        "interactive": s.interactive,
        "target": s.target,
        "session_id": s.session_id,
        "error_code": s.error_code,
        "error_message": s.error_message,
        "transcript": {"status": str(row.transcript_status), **transcript_to_dict(row.transcript)},
        "window": {
            "status": str(row.window.status),
            "service": row.window.service,
            "detail": row.window.detail,
        },
        "flags": [str(f) for f in row.flags],
    }


def report_to_dict(report: AuditReport) -> dict[str, Any]:
    """The whole ``--output json`` document."""
    q = report.query
    return {
        "schema_version": SCHEMA_VERSION,
        "environment": report.environment,
        "region": report.region,
        "generated_at": iso(report.generated_at),
        "query": {
            "since": iso(q.range.since),
            "until": iso(q.range.until),
            "cluster": q.cluster,
            "principal": q.principal,
            "grace_minutes": q.grace_minutes,
            "events_files": (
                {"count": q.events_file_count, "roots": list(q.events_files)} if q.events_files else None
            ),
        },
        "summary": {
            "sessions": len(report.rows),
            "flagged": len(report.flagged),
            "failed_calls": sum(1 for r in report.rows if r.session.failed),
        },
        "sessions": [row_to_dict(r) for r in report.rows],
        "notes": list(report.notes),
        "errors": list(report.errors),
    }


def flat_row(row: AuditRow) -> dict[str, Any]:
    """One session as a flat row for ``table`` / ``csv`` (keys: :data:`CSV_COLUMNS`)."""
    s, ident, ref = row.session, row.session.identity, row.transcript
    return {
        "time": iso(s.event_time),
        "event_name": s.event_name,
        "event_id": s.event_id,
        "person": ident.person,
        "principal_type": ident.type,
        "principal_arn": ident.arn,
        "role_arn": ident.role_arn,
        "source_identity": ident.source_identity,
        "caller": caller_text(row.caller),
        "caller_type": row.caller.type if row.caller else None,
        "caller_arn": row.caller.arn if row.caller else None,
        "caller_event_id": row.caller.event_id if row.caller else None,
        "cluster": s.cluster,
        "task": s.task,
        "container": s.container,
        "command": s.command,
        "interactive": "" if s.interactive is None else str(s.interactive).lower(),
        "session_id": s.session_id or (f"({s.error_code})" if s.error_code else None),
        "error_code": s.error_code,
        "transcript": str(row.transcript_status),
        "log_group": ref.log_group,
        "log_stream": ref.log_stream,
        "s3_bucket": ref.s3_bucket,
        "s3_key": ref.s3_key,
        "s3_version_id": ref.s3_version_id,
        "s3_versions": ref.s3_versions or None,
        "log_streams": " ".join(ref.log_streams) or None,
        "window": str(row.window.status),
        "service": row.window.service,
        "flags": " ".join(str(f) for f in row.flags),
    }


def show_header(
    session: ExecSession | None, session_id: str, ref: TranscriptRef, caller: Caller | None = None
) -> str:
    """The ``audit show`` header: who, when, where, which transcript (``#``-prefixed lines, then a blank line).

    An S3 transcript with more than one version, or a delete marker, is said to be overwritten: the text
    that follows is its *first* version. More than one log stream: the one printed is named and the
    others listed.
    """
    lines = [f"session:    {session_id}"]
    if session is None:
        lines.append("who:        unknown (no CloudTrail record of this session in the searched range)")
    else:
        ident = session.identity
        who = ident.person
        if ident.arn and ident.arn != who:
            who += f" ({ident.arn})"
        lines.append(f"who:        {who}")
        if ident.role_arn:
            lines.append(f"role:       {ident.role_arn}")
        if ident.type == "AssumedRole":
            real = caller_text(caller)
            if caller is not None and caller.arn and caller.arn != real:
                issued = caller.event_id or ("its SSO session name" if caller.sso else "own keys")
                real += f" ({caller.arn}, {issued})"
            lines.append(f"caller:     {real}")
        lines.append(f"when:       {iso(session.event_time)} (UTC, session start)")
        where = f"cluster {session.cluster} task {session.task}"
        if session.container:
            where += f" container {session.container}"
        lines.append(f"where:      {where}")
        if session.command:
            lines.append(f"command:    {session.command}")
        if session.source_ip:
            lines.append(f"from:       {session.source_ip}")
    if ref.log_stream:
        lines.append(f"transcript: logs {ref.log_group} / {ref.log_stream}")
    elif ref.s3_key:
        version = f" (version {ref.s3_version_id})" if ref.s3_version_id not in (None, "null") else ""
        lines.append(f"transcript: s3://{ref.s3_bucket}/{ref.s3_key}{version}")
    else:
        lines.append("transcript: none found")
    others = [n for n in ref.log_streams if n != ref.log_stream]
    if others:
        # Only the stream named exactly after the session is its transcript; these are never printed.
        lines.append(
            f"warning:    transcript-late-write: other streams named after the session (not printed): "
            f"{', '.join(others)}"
        )
    if ref.s3_key and ref.overwritten:
        what = f"{ref.s3_versions} version(s)" + (" and a delete marker" if ref.s3_delete_marker else "")
        shown = "the text below is the log stream" if ref.log_stream else "printing the FIRST version"
        lines.append(
            f"warning:    transcript-overwritten: s3://{ref.s3_bucket}/{ref.s3_key} has {what}; {shown}"
        )
    # Caller-chosen values (command, session name, ...) must not start a line of their own: escaped.
    return "".join(f"# {visible(line)}\n" for line in lines) + "\n"
