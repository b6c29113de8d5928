"""Scan results as frozen data, and their JSON and SARIF 2.1.0 forms (pure, no checkov import)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import PurePath, PurePosixPath
from typing import Any
from urllib.parse import quote

from exec_checks import CHECK_PREFIX

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The SARIF base id of the working directory the scan ran in (relative file names resolve against it).
SRCROOT = "%SRCROOT%"


@dataclass(frozen=True)
class Finding:
    """One result (failed, warning or passed): check, resource address, file (relative to the working
    directory when inside it) and 1-based line range, severity, level (the check's: ``error`` /
    ``warning``), message and fix hint."""

    check_id: str
    check_name: str
    resource: str
    file: str
    line_start: int
    line_end: int
    severity: str | None
    level: str
    message: str
    hint: str | None

    @property
    def ours(self) -> bool:
        """True for a check of this pack (``ECSX_``), False for checkov's built-ins."""
        return self.check_id.startswith(CHECK_PREFIX)


@dataclass(frozen=True)
class Skipped:
    """A result skipped by the skip file (``source="skip-file"``) or an inline ``checkov:skip`` comment."""

    check_id: str
    resource: str
    file: str
    reason: str
    source: str


@dataclass(frozen=True)
class ScanReport:
    """The outcome of :func:`exec_checks.scan.scan`.

    ``failed``: error-level findings (they make ``ecs-exec check`` exit 3); ``passed_results``: every
    PASSED result, one per checkov record (checkov merges equal records: one module file called
    from two roots under the same address passes once); ``skipped``: results skipped with their reason; ``warnings``:
    findings of warning-level checks (reported, never failing); ``checks``: our checks' ``(id,
    message, hint, level)`` for the SARIF rule table; ``root``: the absolute working directory the
    scan ran in (file names relative to it resolve against it; empty: the current one). checkov
    reports nothing for UNKNOWN.
    """

    failed: list[Finding]
    passed_results: list[Finding]
    skipped: list[Skipped]
    warnings: list[Finding] = field(default_factory=list)
    checks: tuple[tuple[str, str, str, str], ...] = ()
    root: str = ""

    @property
    def passed(self) -> int:
        """Number of PASSED results."""
        return len(self.passed_results)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def to_json(self) -> dict[str, Any]:
        """``{"summary": {...}, "failed": [...], "warnings": [...], "skipped": [...]}``."""
        return {
            "summary": {
                "failed": len(self.failed),
                "warnings": len(self.warnings),
                "passed": self.passed,
                "skipped": len(self.skipped),
            },
            "failed": [asdict(f) for f in self.failed],
            "warnings": [asdict(f) for f in self.warnings],
            "skipped": [asdict(s) for s in self.skipped],
        }

    def to_sarif(self) -> dict[str, Any]:
        """One SARIF 2.1.0 log: every failed result at level ``error``, warnings at ``warning``.

        A file inside the working directory is a relative URI against the base id ``%SRCROOT%``
        (``originalUriBaseIds`` maps it to the working directory's ``file://`` URI, as code-scanning
        tools expect); a file outside it is an absolute ``file:///`` URI.
        """
        root = self.root or os.getcwd()
        findings = self.failed + self.warnings
        rules: dict[str, dict[str, Any]] = {}
        for check_id, message, hint, level in self.checks:
            rules[check_id] = _rule(check_id, message, hint, level)
        for f in findings:
            rules.setdefault(f.check_id, _rule(f.check_id, f.check_name, f.hint, f.level))
        index = {rule_id: i for i, rule_id in enumerate(rules)}
        results = [
            {
                "ruleId": f.check_id,
                "ruleIndex": index[f.check_id],
                "level": "error" if f in self.failed else "warning",
                "message": {"text": f"{f.resource}: {f.message}" + (f" Fix: {f.hint}" if f.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(f.file),
                            "region": {
                                "startLine": max(f.line_start, 1),
                                "endLine": max(f.line_end, f.line_start, 1),
                            },
                        },
                        "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
                    }
                ],
            }
            for f in findings
        ]
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "ecs-exec check",
                            "informationUri": "https://github.com/bridgecrewio/checkov",
                            "rules": list(rules.values()),
                        }
                    },
                    "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(root)}},
                    "results": results,
                }
            ],
        }


def artifact_location(file: str) -> dict[str, str]:
    """SARIF ``artifactLocation`` of a finding's file: ``{"uri": <relative>, "uriBaseId": "%SRCROOT%"}``
    for a path relative to the working directory, ``{"uri": "file:///..."}`` for an absolute one.
    Path segments are percent-encoded (RFC 3986), so spaces and ``#`` survive."""
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}  # percent-encodes, file:///...
    return {"uri": quote(PurePosixPath(*path.parts).as_posix()), "uriBaseId": SRCROOT}


def _directory_uri(root: str) -> str:
    """``file:///.../`` of a directory: the trailing slash makes relative URIs resolve inside it."""
    uri = PurePath(root).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _rule(check_id: str, message: str, hint: str | None, level: str) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": check_id,
        "shortDescription": {"text": message},
        "defaultConfiguration": {"level": level},
    }
    if hint:
        rule["help"] = {"text": hint}
    return rule
