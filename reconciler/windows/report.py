"""The ``--output json`` documents of the exec-window commands. Pure.

Every command prints one object (``schema_version`` 1; new keys may be added, existing ones never
change meaning). Key rule: our own keys are snake_case; a value copied from an AWS API field keeps
that field's API name (``enableExecuteCommand``, as ECS ``DescribeServices`` returns it)::

    open / extend / close:
      {"schema_version": 1, "command": "open" | "extend" | "close", "environment": str,
       "cluster", "service", "status", "message", "window_id", "actions": [str],
       "stopped_tasks": [task ARN], "command_line": str | null,
       "expires_at", "opened_at" (UTC ISO 8601), "opened_by" (ARN), "reason",
       "seconds_left": int (not for a closed window)}
    list:
      {"schema_version": 1, "command": "list", "environment": str,
       "windows": [{"cluster", "service", "state": "open" | "expired" | "invalid",
                    "enableExecuteCommand": bool, "expires_at", "opened_at", "opened_by", "reason",
                    "seconds_left": int, "time_left": "12m05s"}]}
    sweep:
      {"schema_version": 1, "command": "sweep", "environment": str,
       "results": [<as open / extend / close, without schema_version/command/environment>],
       "failures": [{"cluster", "service", "error"}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reconciler.windows.result import WindowResult
from reconciler.windows.sweep import SweepReport, WindowRow

SCHEMA_VERSION = 1


def _envelope(command: str, environment: str) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "command": command, "environment": environment}


def _result(result: WindowResult, now: datetime) -> dict[str, Any]:
    data = result.to_dict(now)
    # "command" names the exec-window command in the envelope; the execute-command line is another thing.
    data["command_line"] = data.pop("command")
    return data


def result_document(command: str, environment: str, result: WindowResult, now: datetime) -> dict[str, Any]:
    """The document of ``open`` / ``extend`` / ``close`` (``now``: aware UTC, for ``seconds_left``)."""
    return {**_envelope(command, environment), **_result(result, now)}


def list_document(environment: str, rows: Sequence[WindowRow], now: datetime) -> dict[str, Any]:
    """The document of ``list``: every window row (see :meth:`WindowRow.to_dict`)."""
    return {**_envelope("list", environment), "windows": [r.to_dict(now) for r in rows]}


def failure_rows(report: SweepReport) -> list[dict[str, str]]:
    """The services ``sweep`` could not close: ``{"cluster", "service", "error"}``."""
    return [{"cluster": f.cluster, "service": f.service, "error": f.error} for f in report.failures]


def sweep_document(environment: str, report: SweepReport, now: datetime) -> dict[str, Any]:
    """The document of ``sweep``: what it closed (or would close) and what it could not."""
    return {
        **_envelope("sweep", environment),
        "results": [_result(r, now) for r in report.results],
        "failures": failure_rows(report),
    }
