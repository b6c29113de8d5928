"""Counts in drift output are in the right number: ``1 finding``, ``2 findings``, ``1 running task``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from ecs_exec.cli import main
from reconciler.drift.model import (
    Action,
    ClusterError,
    ClusterResult,
    DriftReport,
    Finding,
    Kind,
    Outcome,
    Status,
)
from reconciler.drift.report import counted, summary_line

REPO = Path(__file__).resolve().parents[2]


def _outcome(field: str, status: Status = Status.DRIFT) -> Outcome:
    finding = Finding(
        "alpha", Kind.CLUSTER, "arn:aws:ecs:us-east-1:1:cluster/alpha", field, 1, 2, Action.UPDATE_CLUSTER
    )
    return Outcome(finding, status)


def _report(outcomes: tuple[Outcome, ...], command: str = "check", **counts: Any) -> DriftReport:
    return DriftReport(command, "unit", (ClusterResult("alpha", outcomes, **counts),))


def test_counted() -> None:
    assert [counted(n, "finding") for n in (0, 1, 2)] == ["0 findings", "1 finding", "2 findings"]


def test_one_finding_is_singular() -> None:
    line = summary_line(_report((_outcome("a"),), services_read=1, tasks_read=1))
    assert line == "1 finding: 1 cluster, 1 service, 1 running task checked"


def test_several_findings_are_plural() -> None:
    fixed = (_outcome("a", Status.FIXED), _outcome("b"))
    error = ClusterError("alpha", "DescribeServices", "AccessDeniedException", "denied")
    report = DriftReport(
        "fix", "unit", (ClusterResult("alpha", fixed, (error,), services_read=2, tasks_read=0),)
    )
    assert (
        summary_line(report) == "2 findings, 1 fixed, 1 error: 1 cluster, 2 services, 0 running tasks checked"
    )
    assert summary_line(_report((), services_read=2, tasks_read=3)) == (
        "in sync: 1 cluster, 2 services, 3 running tasks checked"
    )


def test_one_configured_cluster_missing_is_singular(tmp_path: Path) -> None:
    from moto import mock_aws

    config = yaml.safe_load((REPO / "config" / "local.yaml").read_text())
    config["clusters"] = config["clusters"][:1]
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(config))
    with mock_aws():  # an empty account: the one configured cluster is missing
        result = CliRunner().invoke(main, ["drift", "check", "--config", str(path)])
    assert result.exit_code == 3, result.output
    assert "drift: the configured cluster does not exist in account" in result.stderr
    assert "1 clusters" not in result.stderr and "1 findings" not in result.stderr
