"""Report -> output shapes (the JSON document, flat table/CSV rows, the ``show`` header). Pure.

The JSON document (``--output json``) is documented in the README (section "Audit"); its
``schema_version`` changes when a field is renamed or removed.
"""

from __future__ import annotations

from typing import Any

from ecs_exec.clock import iso
from reconciler.audit.model import AuditRow, ExecSession, TranscriptRef
from reconciler.audit.report import AuditReport

SCHEMA_VERSION = 1
TABLE_COLUMNS = (
    "time",
    "person",
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
    "window",
    "service",
    "flags",
)


def _transcript_location(ref: TranscriptRef) -> dict[str, Any]:
    return {
        "log_group": ref.log_group,
        "log_stream": ref.log_stream,
        "s3_bucket": ref.s3_bucket,
        "s3_key": ref.s3_key,
        "error": ref.error,
    }


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
        "cluster": s.cluster,
        "task": s.task,
        "container": s.container,
        "command": s.command,
        "interactive": s.interactive,
        "target": s.target,
        "session_id": s.session_id,
        "error_code": s.error_code,
        "error_message": s.error_message,
        "transcript": {"status": str(row.transcript_status), **_transcript_location(row.transcript)},
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
            "events_files": list(q.events_files),
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
        "window": str(row.window.status),
        "service": row.window.service,
        "flags": " ".join(str(f) for f in row.flags),
    }


def show_header(session: ExecSession | None, session_id: str, ref: TranscriptRef) -> str:
    """The ``audit show`` header: who, when, where (``#``-prefixed lines, then a blank line)."""
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
        lines.append(f"transcript: s3://{ref.s3_bucket}/{ref.s3_key}")
    else:
        lines.append("transcript: none found")
    return "".join(f"# {line}\n" for line in lines) + "\n"
