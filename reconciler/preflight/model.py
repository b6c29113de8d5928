"""Preflight results: one :class:`CheckResult` per check, gathered in a :class:`Report` (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ecs_exec.errors import ExitCode

#: Version of ``preflight -o json``: 2 since ``exitCode`` / ``runningTasks`` became ``exit_code`` /
#: ``running_tasks`` and the document got the shared envelope (see CHANGELOG.md).
SCHEMA_VERSION = 2


class Status(StrEnum):
    """Outcome of one check. Only FAIL makes the report fail (exit 3)."""

    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class Outcome:
    """What a check function returns: status, reason (what was seen) and fix (what to do; empty on PASS)."""

    status: Status
    reason: str
    fix: str = ""


def passed(reason: str) -> Outcome:
    """A PASS outcome."""
    return Outcome(Status.PASS, reason)


def warn(reason: str, fix: str) -> Outcome:
    """A WARN outcome (exec may work, or the check could not be evaluated)."""
    return Outcome(Status.WARN, reason, fix)


def fail(reason: str, fix: str) -> Outcome:
    """A FAIL outcome: exec will not work (or its transcript will be lost) until ``fix`` is done."""
    return Outcome(Status.FAIL, reason, fix)


def skip(reason: str) -> Outcome:
    """A SKIP outcome: the check does not apply to this target."""
    return Outcome(Status.SKIP, reason)


@dataclass(frozen=True)
class CheckResult:
    """One line of the report: the check's stable ``id`` (``task.role.ssmmessages``), its group
    (``client``, ``caller``, ``cluster``, ``service``, ``task``) and its outcome."""

    id: str
    group: str
    status: Status
    reason: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        """``{"id", "group", "status", "reason", "fix"}`` (the JSON output's shape)."""
        return {
            "id": self.id,
            "group": self.group,
            "status": self.status.value,
            "reason": self.reason,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Report:
    """All results, in check order, with the target they were run against and notes
    (e.g. that the static IAM evaluation does not see SCPs)."""

    target: dict[str, Any]
    results: tuple[CheckResult, ...]
    notes: tuple[str, ...] = field(default=())

    def result(self, check_id: str) -> CheckResult:
        """The result of ``check_id``. Raises KeyError when no such check ran."""
        for r in self.results:
            if r.id == check_id:
                return r
        raise KeyError(check_id)

    def by_status(self, status: Status) -> list[CheckResult]:
        """Results with ``status``, in order."""
        return [r for r in self.results if r.status is status]

    @property
    def exit_code(self) -> ExitCode:
        """3 (FINDINGS) when any check FAILs, else 0 (WARN and SKIP allowed)."""
        return ExitCode.FINDINGS if self.by_status(Status.FAIL) else ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        """The JSON body: ``{"target", "checks": [...], "summary": {status: n}, "notes", "exit_code"}``
        (inside the shared envelope; ``schema_version`` :data:`SCHEMA_VERSION`)."""
        summary = {s.value: len(self.by_status(s)) for s in Status}
        return {
            "target": self.target,
            "checks": [r.as_dict() for r in self.results],
            "summary": summary,
            "notes": list(self.notes),
            "exit_code": int(self.exit_code),
        }
