"""Turn a :class:`~reconciler.drift.model.DriftReport` into rows, a JSON document and an exit code. Pure.

JSON schema (``schema_version`` 1; new keys may be added, existing ones never change meaning)::

    {"schema_version": 1, "command": "check" | "fix", "environment": str, "in_sync": bool,
     "exit_code": int,
     "summary": {"clusters", "services", "tasks", "findings", "fixed", "errors",
                 "throttled_retries": int},
     "items": [{"resource": ARN, "cluster", "kind", "field", "desired", "live", "action",
                "status": "drift" | "fixed" | "dry-run" | "manual" | "skipped" | "failed", "message"}],
     "unmanaged": [{"resource": ARN, "name": str}],
     "errors": [{"cluster", "operation", "code", "message"}]}
"""

from __future__ import annotations

from typing import Any

from ecs_exec.errors import ExitCode, combine
from reconciler.drift.model import SCHEMA_VERSION, DriftReport, Kind, Outcome, Status

TABLE_COLUMNS = ("cluster", "kind", "resource", "field", "desired", "live", "action", "status")


def exit_code(report: DriftReport) -> ExitCode:
    """0 in sync (``fix``: every finding fixed); 3 drift found / left unfixed; 6 when some cluster
    or fleet-level read failed (wins over 3); 5 when every configured cluster failed.
    Unmanaged clusters never change it."""
    codes: list[ExitCode] = []
    if report.errors:
        failed = sum(1 for r in report.results if r.errors)
        codes.append(ExitCode.AWS if report.results and failed == len(report.results) else ExitCode.PARTIAL)
    if any(o.status is not Status.FIXED for o in report.outcomes):
        codes.append(ExitCode.FINDINGS)
    return combine(codes)


def short_id(arn: str) -> str:
    """``arn:aws:ecs:...:service/c/s`` -> ``service/c/s`` (the table's resource column)."""
    return arn.split(":", 5)[-1] if arn.startswith("arn:") else arn


def _item(o: Outcome, short: bool = False) -> dict[str, Any]:
    f = o.finding
    return {
        "resource": short_id(f.resource) if short else f.resource,
        "cluster": f.cluster,
        "kind": f.kind.value,
        "field": f.field,
        "desired": f.desired,
        "live": f.live,
        "action": f.action.value,
        "status": o.status.value,
        "message": o.message or f.note,
    }


def table_rows(report: DriftReport) -> list[dict[str, Any]]:
    """One row per finding, resource shortened, for :func:`ecs_exec.cli.output.emit_table`."""
    return [_item(o, short=True) for o in report.outcomes]


def summary(report: DriftReport) -> dict[str, int]:
    """Counts: configured clusters, services and tasks read, findings, fixed, errors, and the
    throttled answers the run retried (``throttled_retries``; a call that still failed is an error)."""
    outcomes = report.outcomes
    return {
        "clusters": len(report.results),
        "services": sum(r.services_read for r in report.results),
        "tasks": sum(r.tasks_read for r in report.results),
        "findings": len(outcomes),
        "fixed": sum(1 for o in outcomes if o.status is Status.FIXED),
        "errors": len(report.errors),
        "throttled_retries": report.throttled_retries,
    }


def to_json(report: DriftReport) -> dict[str, Any]:
    """The ``--output json`` document (see the module docstring for the schema)."""
    code = exit_code(report)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": report.command,
        "environment": report.environment,
        "in_sync": code is ExitCode.OK,
        "exit_code": int(code),
        "summary": summary(report),
        "items": [_item(o) for o in report.outcomes],
        "unmanaged": [{"resource": arn, "name": arn.rsplit("/", 1)[-1]} for arn in report.unmanaged],
        "errors": [
            {"cluster": e.cluster, "operation": e.operation, "code": e.code, "message": e.message}
            for e in report.errors
        ],
    }


def missing_clusters(report: DriftReport) -> list[str]:
    """Configured clusters that do not exist (their only finding: ``status``, run make apply)."""
    return [
        o.finding.cluster
        for o in report.outcomes
        if o.finding.kind is Kind.CLUSTER and o.finding.field == "status"
    ]


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun`` in the right number: ``1 finding``, ``0 findings``, ``2 running tasks``
    (regular English plurals only: the nouns of drift output all take an ``s``)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary_line(report: DriftReport) -> str:
    """One human line: ``in sync: ...`` or ``3 findings, 1 fixed, 1 error: ...``, with what was read
    (``1 cluster, 2 services, 1 running task checked``)."""
    s = summary(report)
    read = ", ".join(
        (
            counted(s["clusters"], "cluster"),
            counted(s["services"], "service"),
            counted(s["tasks"], "running task"),
        )
    )
    if s["findings"] == 0 and not s["errors"]:
        return f"in sync: {read} checked"
    fixed = f", {s['fixed']} fixed" if report.command == "fix" else ""
    errors = f", {counted(s['errors'], 'error')}" if s["errors"] else ""
    return f"{counted(s['findings'], 'finding')}{fixed}{errors}: {read} checked"
