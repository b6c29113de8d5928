"""The runner against the real terraform binary on tiny hand-written roots (no provider needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecs_exec.errors import ExitCode, FindingsError, TerraformError, ToolMissingError, exit_code_for
from tfrunner.runner import (
    AccountNotAllowedError,
    RegistryUnreachableError,
    StalePlanError,
    TerraformRunner,
    failure_error,
    write_var_file,
)

pytestmark = pytest.mark.terraform

ONE_RESOURCE = 'resource "terraform_data" "x" {\n  input = "a"\n}\n'


def _root(tmp_path: Path, text: str) -> TerraformRunner:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "main.tf").write_text(text)
    runner = TerraformRunner(tmp_path)
    runner.init()
    return runner


def test_plan_exit_codes_0_2_and_error(tmp_path: Path) -> None:
    empty = _root(tmp_path / "empty", "")
    outcome = empty.plan(tmp_path / "empty.tfplan")
    assert (outcome.exit_code, outcome.changes) == (0, False)

    one = _root(tmp_path / "one", ONE_RESOURCE)
    outcome = one.plan(tmp_path / "one.tfplan")
    assert (outcome.exit_code, outcome.changes) == (2, True)
    plan = one.show_json(outcome.plan_file)
    assert [rc["change"]["actions"] for rc in plan["resource_changes"]] == [["create"]]

    (tmp_path / "one" / "main.tf").write_text('resource "terraform_data" "x" {\n  input = var.nope\n}\n')
    with pytest.raises(
        TerraformError,
        match=r"^terraform plan failed \(exit 1\): Error: Reference to undeclared input variable: An input variable with the name \"nope\" has not been declared",
    ) as ei:
        one.plan(tmp_path / "bad.tfplan")
    assert exit_code_for(ei.value) is ExitCode.ERROR


def test_apply_then_plan_is_empty_and_old_plan_is_stale(tmp_path: Path) -> None:
    runner = _root(tmp_path, ONE_RESOURCE)
    first = runner.plan(tmp_path / "first.tfplan")
    second = runner.plan(tmp_path / "second.tfplan")
    runner.apply(first.plan_file)
    assert runner.plan(tmp_path / "again.tfplan").exit_code == 0
    with pytest.raises(StalePlanError, match="stale"):
        runner.apply(second.plan_file)


def test_apply_without_plan_file_refuses(tmp_path: Path) -> None:
    runner = _root(tmp_path, ONE_RESOURCE)
    with pytest.raises(TerraformError, match="no saved plan"):
        runner.apply(tmp_path / "missing.tfplan")
    assert not (tmp_path / "terraform.tfstate").exists()


def test_fmt_check_lists_unformatted_files(tmp_path: Path) -> None:
    (tmp_path / "ok.tf").write_text(ONE_RESOURCE)
    runner = TerraformRunner(tmp_path)
    runner.fmt_check(tmp_path)
    (tmp_path / "ugly.tf").write_text('resource "terraform_data" "y" {\ninput="b"\n}\n')
    with pytest.raises(FindingsError, match="ugly.tf") as ei:
        runner.fmt_check(tmp_path)
    assert exit_code_for(ei.value) is ExitCode.FINDINGS


def test_terraform_missing_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without terraform
    with pytest.raises(ToolMissingError, match=r"terraform: not found on PATH; install Terraform >= 1.5"):
        TerraformRunner(tmp_path)


def test_variables_travel_as_a_json_var_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    runner = _root(
        root, 'variable "tags" {\n  type = map(string)\n}\n' + ONE_RESOURCE.replace('"a"', "var.tags")
    )
    assert write_var_file({}, tmp_path / "none.tfvars.json") is None
    var_file = write_var_file({"tags": {"team": 'pla"tform'}}, tmp_path / "vars.tfvars.json")
    assert var_file is not None
    plan = runner.show_json(runner.plan(tmp_path / "v.tfplan", var_file).plan_file)
    assert plan["variables"]["tags"]["value"] == {"team": 'pla"tform'}


def test_init_that_cannot_reach_the_registry_says_so_and_names_tf_plugin_dir(tmp_path: Path) -> None:
    # A registry host under .invalid never resolves (RFC 2606): the same failure as no network.
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "registry.invalid/hashicorp/aws" }\n  }\n}\n'
    )
    with pytest.raises(RegistryUnreachableError) as ei:
        TerraformRunner(tmp_path).init()
    assert str(ei.value) == (
        "terraform init: cannot reach the provider registry registry.invalid to download the AWS provider"
    )
    assert ei.value.hint is not None and "set TF_PLUGIN_DIR" in ei.value.hint
    assert exit_code_for(ei.value) is ExitCode.ERROR


# What the AWS provider prints when allowed_account_ids refuses the credentials (Terraform 1.11, 5.100).
ACCOUNT_REFUSED = """
Planning failed. Terraform encountered an error while generating this plan.

╷
│ Error: AWS account ID not allowed: 123456789012
│
│   with provider["registry.terraform.io/hashicorp/aws"],
│   on providers.tf line 6, in provider "aws":
│    6: provider "aws" {
│
╵
"""


def test_account_not_allowed_is_an_aws_error_naming_the_account() -> None:
    err = failure_error("plan", 1, "", ACCOUNT_REFUSED)
    assert isinstance(err, AccountNotAllowedError) and err.account_id == "123456789012"
    assert exit_code_for(err) is ExitCode.AWS


def test_other_failures_show_terraforms_first_errors_on_one_line() -> None:
    block = "│ Error: {}\n│\n│   with aws_ecs_cluster.this,\n│   on main.tf line 1:\n│    1: x\n│\n│ {}\n│ more prose.\n╵\n"
    stderr = "".join(
        block.format(s, d)
        for s, d in [("First", "first detail"), ("First", "first detail"), ("Second", "two"), ("Third", "3")]
    )
    err = failure_error("apply", 1, "", "Warning: ignored\n" + stderr)
    assert type(err) is TerraformError
    assert str(err) == (
        "terraform apply failed (exit 1): Error: First: first detail more prose. | "
        "Error: Second: two more prose. (+1 more)"
    )
    assert (
        str(failure_error("show", 1, "", "\n\nsomething odd\n"))
        == "terraform show failed (exit 1): something odd"
    )


def test_aws_sdk_transport_noise_is_left_out() -> None:
    stderr = (
        "Error: attaching IAM Policy (arn:aws:iam::111122223333:policy/ecs-exec-guard-stg) to IAM Role "
        "(ci-deployer-stg): operation error IAM: AttachRolePolicy, https response error StatusCode: 404, "
        "RequestID: ffnE34LpW8gbkoYacx, NoSuchEntity: Role ci-deployer-stg not found\n"
    )
    assert str(failure_error("apply", 1, "", stderr)) == (
        "terraform apply failed (exit 1): Error: attaching IAM Policy "
        "(arn:aws:iam::111122223333:policy/ecs-exec-guard-stg) to IAM Role (ci-deployer-stg): "
        "operation error IAM: AttachRolePolicy, NoSuchEntity: Role ci-deployer-stg not found"
    )
