"""One JSON envelope for every command: ``schema_version``, ``command``, ``environment``, and
snake_case keys of our own (AWS field names are kept verbatim only where a value is copied from an API).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from ecs_exec.cli.output import FORMATTERS, Document, Table, emit
from ecs_exec.cli.terraform import _echo_summary
from tfrunner.pipeline import PlanResult
from tfrunner.runner import PlanSummary

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "docs/examples/cloudtrail-exec-sample.json"
CAMEL = re.compile(r"^[a-z]+[A-Z]")
#: Keys copied verbatim from AWS API answers or CloudTrail records (never our own names).
AWS_FIELDS = {"sessionId"}


def camel_keys(value: Any, path: str = "$") -> list[str]:
    """Every camelCase key in a JSON value, with its path (AWS verbatim objects excepted)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if CAMEL.match(str(key)) and key not in AWS_FIELDS:
                found.append(f"{path}.{key}")
            found += camel_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += camel_keys(item, f"{path}[{i}]")
    return found


def assert_envelope(doc: dict[str, Any], command: str, environment: str | None) -> None:
    assert isinstance(doc["schema_version"], int) and doc["schema_version"] >= 1
    assert doc["command"] == command
    assert doc["environment"] == environment
    assert camel_keys(doc) == []


def invoke(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, json.loads(result.stdout)


def test_render() -> None:
    code, doc = invoke("render", "--env", "local", "--check", "-o", "json")
    assert code == 0
    assert_envelope(doc, "render", "local")
    code, doc = invoke("render", "--all", "--check", "-o", "json")
    assert_envelope(doc, "render", None)


def test_check() -> None:
    folder = REPO / "tests/checks/examples/ExecLoggingExplicit/fail"
    code, doc = invoke("check", str(folder), "--ours-only", "--no-skips", "-o", "json")
    assert code == 3
    assert_envelope(doc, "check", None)
    assert doc["summary"]["failed"] >= 1


def test_drift_json_even_with_drift() -> None:
    from moto import mock_aws

    with mock_aws():
        code, doc = invoke("drift", "check", "--env", "local", "-o", "json")
    assert code == 3  # nothing applied: every cluster is missing
    assert_envelope(doc, "check", "local")


def test_window_list() -> None:
    from moto import mock_aws

    with mock_aws():
        code, doc = invoke("window", "list", "--env", "local", "-o", "json")
    assert code == 0
    assert_envelope(doc, "list", "local")


def test_audit_and_audit_show() -> None:
    from moto import mock_aws

    with mock_aws():
        code, doc = invoke(
            "audit",
            "--env",
            "local",
            "--events-file",
            str(SAMPLE),
            "--since",
            "2026-11-01T00:00:00Z",
            "-o",
            "json",
        )
        assert code in (0, 3)
        assert_envelope(doc, "audit", "local")
        session_id = next(s["session_id"] for s in doc["sessions"] if s.get("session_id"))
        code, doc = invoke(
            "audit", "show", session_id, "--env", "local", "--events-file", str(SAMPLE), "-o", "json"
        )
    assert_envelope(doc, "audit show", "local")


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = PlanResult("stg", 2, PlanSummary(add=1), Path("p.tfplan"), Path("p.json"))
    _echo_summary(command, result.as_dict(), result.summary_line(), "json")
    assert_envelope(json.loads(capsys.readouterr().out), command, "stg")


def test_registry_formats(capsys: pytest.CaptureFixture[str]) -> None:
    doc = Document("x", "e", {"rows": 1}, tables=[Table([{"a": 1}], ["a"])], sarif={"version": "2.1.0"})
    assert set(FORMATTERS) == {"json", "table", "csv", "sarif"}
    emit("csv", doc)
    assert capsys.readouterr().out == "a\n1\n"
    emit("sarif", doc)
    assert json.loads(capsys.readouterr().out) == {"version": "2.1.0"}  # SARIF is never wrapped
    emit("table", doc)
    assert capsys.readouterr().out.split() == ["A", "1"]
