"""Plan and apply against moto servers: the round trip, stale plans, and `ecs-exec plan --env stg`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from devtools.moto_server import MotoServer, start_server
from ecs_exec.cli import main
from ecs_exec.errors import AwsError, ExitCode, exit_code_for
from generator.loader import load_config
from tfrunner import pipeline as tf_flow
from tfrunner.runner import plugin_dir_from_env
from tfrunner.workspace import PlanInputs, Workspace

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def _settings(applied_local: Any, lines: list[str]) -> tf_flow.Settings:
    return tf_flow.Settings(
        workspace=Workspace("local", applied_local.build_dir / "local"),
        endpoint=applied_local.server.endpoint,
        plugin_dir=plugin_dir_from_env(),
        terraform_root=None,
        run_checks=False,
        progress=lines.append,
    )


def test_apply_then_plan_is_empty_and_stale_plan_is_replanned(
    applied_local: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied_local.setenv(monkeypatch)
    lines: list[str] = []
    settings = _settings(applied_local, lines)
    target = tf_flow.load_target("local", None)
    ecs = boto3.client("ecs", region_name=applied_local.spec.region)
    cluster = ecs.describe_clusters(clusters=["demo-app"], include=["CONFIGURATIONS"])["clusters"][0]
    assert cluster["configuration"]["executeCommandConfiguration"]["logging"] == "OVERRIDE"

    # A saved plan made from another config text is stale: apply must plan first, and that plan is
    # the second plan of the round trip: empty (-detailed-exitcode 0), so nothing is applied.
    ws = settings.workspace
    ws.plan_file.write_bytes(b"not a plan: must never reach terraform apply")
    edited = replace(target, config_text=target.config_text + "\n# edited\n")
    edited_inputs = PlanInputs.of(edited.files, edited.config_text, settings.endpoint)
    ws.write_plan_meta(edited_inputs, {"terraform_exit_code": 2})
    assert ws.plan_status(edited_inputs).fresh
    result = tf_flow.apply_env(target, settings)
    assert "==> saved plan stale: config changed: planning first" in lines
    assert result.plan.terraform_exit_code == 0, result.plan.summary.line()
    assert result.applied is False and not result.plan.summary.changes
    assert json.loads(result.plan.plan_json.read_text())["resource_changes"]
    assert not settings.workspace.plan_file.exists()  # no saved plan left to apply by accident
    # The next apply says why there is no saved plan (it was not "missing": it had no changes).
    assert ws.plan_status(PlanInputs.of(target.files, target.config_text, settings.endpoint)).reason == (
        "no saved plan: the last plan had no changes (nothing to apply)"
    )


def test_wrong_account_is_exit_5_naming_both_accounts(
    moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The shared server answers as 123456789012; stg's provider allows only 111122223333.
    for key, value in moto_server.env(region="eu-west-1").items():
        monkeypatch.setenv(key, value)
    target = tf_flow.load_target("stg", None)
    settings = tf_flow.Settings(
        workspace=Workspace("stg", tmp_path / "stg"),
        endpoint=moto_server.endpoint,
        plugin_dir=plugin_dir_from_env(),
        terraform_root=None,
        run_checks=False,
        progress=lambda _line: None,
    )
    with pytest.raises(AwsError) as ei:
        tf_flow.plan_env(target, settings)
    assert exit_code_for(ei.value) is ExitCode.AWS
    assert str(ei.value) == (
        "account_id: stg.yaml expects AWS account 111122223333 but the credentials are for "
        "123456789012 (Terraform refused them: allowed_account_ids)"
    )
    # Terraform saved an errored plan (-out): it is gone, and the next apply says why there is none.
    assert not settings.workspace.plan_file.exists()
    inputs = PlanInputs.of(target.files, target.config_text, settings.endpoint)
    assert (
        settings.workspace.plan_status(inputs).reason
        == "no saved plan: the last plan failed or was interrupted"
    )
    assert ei.value.hint == (
        f"the server at {moto_server.endpoint} answers as 123456789012: start one with MOTO_ACCOUNT_ID=111122223333"
    )


@pytest.fixture()
def stg_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[MotoServer]:
    """A moto server answering as the stg account, with the cluster stg adopts (``existing: true``)."""
    spec = load_config("stg")
    server = start_server(account_id=spec.account_id)
    try:
        for key, value in server.env(region=spec.region).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("ECS_EXEC_BUILD_DIR", str(tmp_path))
        # As a user runs `ecs-exec plan` outside make: no TF_PLUGIN_DIR, the CLI finds the mirror.
        monkeypatch.delenv("TF_PLUGIN_DIR", raising=False)
        ecs = boto3.client("ecs", region_name=spec.region)
        for cl in spec.clusters:
            if cl.existing:
                ecs.create_cluster(clusterName=cl.name)
        yield server
    finally:
        server.stop()


def test_cli_plan_stg_writes_plan_json(stg_server: MotoServer, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["plan", "--env", "stg", "--output", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["changes"] is True and out["add"] > 0 and out["destroy"] == 0
    assert out["import"] == 1  # data-jobs (existing: true)
    assert (out["schema_version"], out["terraform_exit_code"]) == (1, 2) and "exit_code" not in out
    assert "-plugin-dir=" in res.stderr  # the CLI found the provider mirror with TF_PLUGIN_DIR unset
    plan_json = tmp_path / "stg" / "plan.json"
    assert out["plan_json"] == str(plan_json)
    plan = json.loads(plan_json.read_text())
    clusters = [rc for rc in plan["resource_changes"] if rc["type"] == "aws_ecs_cluster"]
    assert clusters
    for rc in clusters:
        ecc = rc["change"]["after"]["configuration"][0]["execute_command_configuration"][0]
        assert ecc["logging"] == "OVERRIDE", rc["address"]
        # The key ARN is known after apply (a created key) or given: never absent.
        unknown = rc["change"]["after_unknown"].get("configuration", [{}])[0]
        unknown_ecc = unknown.get("execute_command_configuration", [{}])[0] if unknown else {}
        assert ecc.get("kms_key_id") or unknown_ecc.get("kms_key_id") is True, rc["address"]
    assert (tmp_path / "stg" / "endpoint").read_text().strip() == stg_server.endpoint
