"""checkov is the ``[check]`` extra: without it ``check`` and the check step of ``plan`` exit 4 with one
line naming ``pip install 'ecs-exec-operator[check]'`` (plan: or ``--skip-checks``), before any file is
written. (The installed-wheel test runs the same without checkov in a fresh environment.)"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from exec_checks.extra import INSTALL, checkov_problem
from tfrunner import pipeline as tf_flow
from tfrunner.runner import PlanSummary

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_checkov(monkeypatch: pytest.MonkeyPatch) -> None:
    """``import checkov`` fails in this process, as in a base install."""
    monkeypatch.setitem(sys.modules, "checkov", None)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "config").mkdir()
    shutil.copy(REPO / "config/local.yaml", tmp_path / "config/local.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_checkov_is_found_in_the_dev_environment() -> None:
    assert checkov_problem() is None


def test_check_without_checkov_is_exit_4_naming_the_extra(no_checkov: None) -> None:
    result = CliRunner().invoke(main, ["check", str(REPO / "terraform/envs/local")], prog_name="ecs-exec")
    assert result.exit_code == 4, result.output
    assert result.output.strip().splitlines() == [
        f"ecs-exec: error: checkov is not installed (the policy checks need the [check] extra): {INSTALL}"
    ]
    assert INSTALL == "pip install 'ecs-exec-operator[check]'"


def test_plan_without_checkov_is_exit_4_before_writing(no_checkov: None, project: Path) -> None:
    result = CliRunner().invoke(main, ["plan", "--env", "local"], prog_name="ecs-exec")
    assert result.exit_code == 4, result.output
    assert result.output.strip().splitlines() == [
        "ecs-exec: error: checkov is not installed (the policy checks need the [check] extra): "
        "pip install 'ecs-exec-operator[check]', or run with --skip-checks"
    ]
    assert not (project / "terraform").exists()
    assert not (project / "build").exists()


def test_skip_checks_is_said_loudly() -> None:
    summary = PlanSummary(add=2, change=0, destroy=0)
    plan = tf_flow.PlanResult("local", 2, summary, Path("p.tfplan"), Path("p.json"), checks_skipped=True)
    assert plan.summary_line() == (
        "local: Plan: 2 to add, 0 to change, 0 to destroy. WARNING: policy checks SKIPPED (--skip-checks)"
    )
    assert plan.as_dict()["checks_skipped"] is True
    applied = tf_flow.ApplyResult(plan, applied=True)
    assert applied.summary_line().endswith("0 destroyed. WARNING: policy checks SKIPPED (--skip-checks)")
    checked = tf_flow.PlanResult("local", 2, summary, Path("p.tfplan"), Path("p.json"))
    assert "SKIPPED" not in checked.summary_line() and checked.as_dict()["checks_skipped"] is False


def test_skip_checks_settings(project: Path) -> None:
    assert tf_flow.Settings.from_environment("local", skip_checks=True).checks_skipped
    assert not tf_flow.Settings.from_environment("local").checks_skipped
