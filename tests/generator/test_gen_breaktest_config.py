"""Config values the IAM break-test (issue 10) found accepted and rendered into policies that do
nothing, or that AWS refuses at apply: each is refused at config time with one line naming the
field (exit 4 through the CLI).

Each case edits the shipped ``config/prd.yaml`` (the one with the SCP enabled) as data.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecs_exec.errors import ConfigError
from generator.loader import parse_config

REPO_ROOT = Path(__file__).resolve().parents[2]
PRD: dict[str, Any] = yaml.safe_load((REPO_ROOT / "config/prd.yaml").read_text())
ACCOUNT = PRD["account_id"]


def edited(path: str, value: Any) -> str:
    """``config/prd.yaml`` with the value at dotted ``path`` replaced, as YAML text."""
    data = copy.deepcopy(PRD)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data, sort_keys=False)


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "c.yaml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_shipped_prd_config_is_accepted() -> None:
    """The edits below are the only reason for each refusal."""
    spec = parse_config(yaml.safe_dump(PRD), "c.yaml")
    assert spec.access.scp.enabled is True


# ---- F1: access.scp.deployer_principals are exact role or user ARNs of this account ----

DEPLOYERS = "access.scp.deployer_principals"
DEPLOYER_REFUSED = {
    # ArnNotLike aws:PrincipalArn with a pattern would exempt every role of the account.
    "role wildcard": f"arn:aws:iam::{ACCOUNT}:role/*",
    "wildcard in a role name": f"arn:aws:iam::{ACCOUNT}:role/ci-*",
    "question mark": f"arn:aws:iam::{ACCOUNT}:role/ci-deployer-pr?",
    "user wildcard": f"arn:aws:iam::{ACCOUNT}:user/*",
    # aws:PrincipalArn of a role session is the role ARN: an assumed-role ARN never matches.
    "assumed-role session": f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deployer-prd/build",
    "another account": "arn:aws:iam::999999999999:role/ci-deployer-prd",
    "another partition": f"arn:aws-cn:iam::{ACCOUNT}:role/ci-deployer-prd",
    "account root": f"arn:aws:iam::{ACCOUNT}:root",
}


@pytest.mark.parametrize("case", sorted(DEPLOYER_REFUSED))
def test_deployer_principal_refused(case: str) -> None:
    message = refused(edited(DEPLOYERS, [DEPLOYER_REFUSED[case]]))
    assert message.startswith(f"c.yaml: {DEPLOYERS}"), message
    assert DEPLOYER_REFUSED[case] in message


@pytest.mark.parametrize(
    "arn", [f"arn:aws:iam::{ACCOUNT}:role/ci/deployer-prd", f"arn:aws:iam::{ACCOUNT}:user/terraform"]
)
def test_deployer_role_or_user_of_this_account_accepted(arn: str) -> None:
    assert parse_config(edited(DEPLOYERS, [arn]), "c.yaml").access.scp.deployer_principals == [arn]


def test_deployer_wildcard_through_the_cli_is_exit_4(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ecs_exec.cli import main

    config = tmp_path / "prd.yaml"
    config.write_text(edited(DEPLOYERS, [f"arn:aws:iam::{ACCOUNT}:role/*"]))
    result = CliRunner().invoke(main, ["render", "--config", str(config), "--out", str(tmp_path / "tf")])
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1 and DEPLOYERS in result.stderr


# ---- F2: the SCP's management account is not the environment's account ----


def test_management_account_equal_to_the_environment_refused() -> None:
    """SCPs never restrict the management account (AWS Organizations User Guide, "Service control
    policies"): an SCP for the environment would then guard nothing."""
    message = refused(edited("access.scp.management_account_id", ACCOUNT))
    assert message.startswith("c.yaml: access.scp.management_account_id: "), message
    assert "SCPs never restrict the management account" in message


def test_management_account_of_its_own_accepted() -> None:
    spec = parse_config(edited("access.scp.management_account_id", "999999999999"), "c.yaml")
    assert spec.access.scp.management_account_id == "999999999999"


def test_management_account_as_an_scp_target_refused() -> None:
    text = edited("access.scp", {**PRD["access"]["scp"], "management_account_id": "999999999999",
                                 "target_ids": ["999999999999"]})  # fmt: skip
    assert refused(text).startswith("c.yaml: access.scp.target_ids: 999999999999 is the management account")


# ---- F3: an operator names at least one cluster ----


def test_operator_without_clusters_refused() -> None:
    """``clusters: []`` rendered ``Resource = []`` and ``ArnEquals ecs:cluster = []``, which IAM
    refuses at apply (a statement needs a resource)."""
    message = refused(edited("access.operators.0.clusters", []))
    assert message.startswith("c.yaml: access.operators[0].clusters: "), message
    assert "'*'" in message


# ---- F4: booleans are booleans (the model is strict) ----

BOOLEANS = [
    "production",
    "access.require_mfa",
    "access.scp.enabled",
    "drift.github_oidc.create_provider",
    "clusters.0.existing",
    "clusters.0.services.0.create_task_role",
]


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "on"])
@pytest.mark.parametrize("path", BOOLEANS)
def test_boolean_from_text_or_number_refused(path: str, value: Any) -> None:
    where = path.replace(".0.", "[0].").replace(".0", "[0]")
    message = refused(edited(path, value))
    assert message.startswith(f"c.yaml: {where}: "), message
    assert "must be a boolean (true or false, unquoted)" in message


@pytest.mark.parametrize("path", BOOLEANS)
def test_yaml_booleans_accepted(path: str) -> None:
    parse_config(edited(path, False), "c.yaml")


# ---- F5: principals are of the environment's partition ----

PARTITION_REFUSED = {
    "operator root of aws-cn": ("access.operators.0.trusted_principals", f"arn:aws-cn:iam::{ACCOUNT}:root"),
    "operator role of aws-us-gov": (
        "access.operators.0.trusted_principals",
        f"arn:aws-us-gov:iam::{ACCOUNT}:role/oncall",
    ),
    "sweep principal of aws-cn": ("windows.sweep_principals", f"arn:aws-cn:iam::{ACCOUNT}:role/cron"),
    "drift principal of aws-cn": ("drift.trusted_principals", "arn:aws-cn:iam::999999999999:role/cron"),
}


@pytest.mark.parametrize("case", sorted(PARTITION_REFUSED))
def test_principal_of_another_partition_refused(case: str) -> None:
    """The config is in partition aws (eu-west-1): ``arn:aws-cn:iam::<account>:root`` was taken for
    the account root, as a KMS key of another partition is not."""
    path, arn = PARTITION_REFUSED[case]
    where = path.replace(".0.", "[0].")
    message = refused(edited(path, [arn]))
    assert message.startswith(f"c.yaml: {where}: "), message
    assert f"{arn!r} is in partition {arn.split(':')[1]}" in message
