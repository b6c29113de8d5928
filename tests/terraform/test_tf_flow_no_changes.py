"""plan/apply on a tiny root (no provider download): a plan without changes is not saved, and the
next apply says so (``==> no saved plan: the last plan had no changes ...``) instead of "fresh"."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.loader import load_config
from tfrunner import pipeline as tf_flow
from tfrunner.workspace import PlanInputs, Workspace

pytestmark = pytest.mark.terraform


def _target(text: str) -> tf_flow.Target:
    return tf_flow.Target(load_config("local"), Path("local.yaml"), "config", {"envs/local/main.tf": text})


def _settings(tmp_path: Path, lines: list[str]) -> tf_flow.Settings:
    return tf_flow.Settings(
        workspace=Workspace("local", tmp_path / "local"),
        terraform_root=None,
        run_checks=False,
        progress=lines.append,
    )


def test_apply_after_a_no_changes_plan_says_there_is_no_saved_plan(tmp_path: Path) -> None:
    lines: list[str] = []
    settings = _settings(tmp_path, lines)
    target = _target("")  # an empty root: Terraform plans no changes (-detailed-exitcode 0)
    ws = settings.workspace

    result = tf_flow.plan_env(target, settings)
    assert (result.terraform_exit_code, result.changes) == (0, False)
    assert result.as_dict()["plan_file"] is None and result.as_dict()["plan_json"] == str(ws.plan_json)
    assert not ws.plan_file.exists() and not ws.plan_meta.exists() and ws.plan_json.is_file()
    assert ws.discard_note.read_text().strip() == tf_flow.NO_CHANGES_NOTE
    status = ws.plan_status(PlanInputs.of(target.files, target.config_text, None))
    assert (status.fresh, status.reason) == (False, tf_flow.NO_CHANGES_NOTE)

    lines.clear()
    applied = tf_flow.apply_env(target, settings)
    assert applied.applied is False
    assert f"==> {tf_flow.NO_CHANGES_NOTE}: planning first" in lines
    assert not any("fresh" in line for line in lines), lines
    assert "    no changes: nothing to apply" in lines


def test_a_plan_with_changes_is_saved_and_used_fresh(tmp_path: Path) -> None:
    lines: list[str] = []
    settings = _settings(tmp_path, lines)
    target = _target('resource "terraform_data" "x" {\n  input = "a"\n}\n')

    result = tf_flow.plan_env(target, settings)
    assert result.changes and settings.workspace.plan_file.is_file()
    lines.clear()
    applied = tf_flow.apply_env(target, settings)
    assert applied.applied is True
    assert f"==> using the saved plan {settings.workspace.plan_file} (fresh)" in lines
