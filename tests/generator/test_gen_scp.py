"""The optional service control policy: its own root ``terraform/scp/<env>/``, as Terraform plans it.

The policy document is read from ``terraform show -json`` of a plan of the committed prd SCP root on
a moto server (every expression resolved), so the tests judge what would be applied.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.moto_server import start_server
from generator.loader import load_config, parse_config
from generator.render import render_env, stale_files
from generator.render_scp import SCP_FILES, render_scp
from tfrunner.runner import find_terraform, plugin_dir_from_env

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "444455556666"
EXEC_ON = [
    "ecs:CreateDaemon",
    "ecs:CreateService",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:UpdateDaemon",
    "ecs:UpdateService",
]


def _start_server(account_id: str) -> Any:
    return start_server(account_id=account_id)


@pytest.fixture(scope="module")
def scp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``{"statements": {Sid: statement}, "plan": plan JSON}`` of the committed prd SCP root."""
    work = tmp_path_factory.mktemp("scp") / "prd"
    shutil.copytree(REPO_ROOT / "terraform" / "scp" / "prd", work)
    server = _start_server(ACCOUNT)
    try:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
            **server.env(region="us-east-1"),
            "TF_IN_AUTOMATION": "1",
        }
        tf = find_terraform()
        plugin = plugin_dir_from_env()
        init = [tf, "init", "-input=false", "-no-color"] + ([f"-plugin-dir={plugin}"] if plugin else [])
        for cmd in (init, [tf, "plan", "-input=false", "-no-color", "-out=plan.tfplan"]):
            res = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300)
            assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
        show = subprocess.run(
            [tf, "show", "-json", "plan.tfplan"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        plan = json.loads(show.stdout)
    finally:
        server.stop()
    after = {rc["address"]: rc["change"]["after"] for rc in plan["resource_changes"]}
    doc = json.loads(after["aws_organizations_policy.this"]["content"])
    yield {"statements": {st["Sid"]: st for st in doc["Statement"]}, "after": after}


@pytest.mark.terraform
@pytest.mark.slow
def test_only_the_window_and_drift_roles_turn_exec_on(scp: dict[str, Any]) -> None:
    st = scp["statements"]["OnlyTheWindowAndDriftRolesTurnExecOn"]
    assert (st["Effect"], st["Resource"]) == ("Deny", "*")
    assert sorted(st["Action"]) == EXEC_ON
    assert st["Condition"] == {
        "StringEquals": {"ecs:enable-execute-command": "true"},
        "ArnNotLike": {
            "aws:PrincipalArn": [
                f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-drift-prd",
                f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-window-prd",
            ]
        },
    }


@pytest.mark.terraform
@pytest.mark.slow
def test_only_operators_exec_and_nobody_starts_ssm_sessions_on_tasks(scp: dict[str, Any]) -> None:
    ex = scp["statements"]["OnlyOperatorsExecIntoContainers"]
    assert (ex["Effect"], ex["Action"], ex["Resource"]) == ("Deny", ["ecs:ExecuteCommand"], "*")
    assert ex["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-operator-prd"]}
    }
    ssm = scp["statements"]["NoSsmSessionsToEcsTasks"]
    assert (ssm["Effect"], ssm["Action"], ssm["Resource"]) == (
        "Deny",
        ["ssm:StartSession"],
        "arn:aws:ecs:*:*:task/*",
    )
    assert "Condition" not in ssm


@pytest.mark.terraform
@pytest.mark.slow
def test_only_the_deployer_changes_or_passes_the_exempt_roles(scp: dict[str, Any]) -> None:
    roles = scp["statements"]["OnlyTheDeployerChangesTheExecRoles"]
    assert {"iam:PassRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy"} <= set(
        roles["Action"]
    )
    assert {
        f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-window-prd",
        f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-drift-prd",
    } <= set(roles["Resource"])
    deployer = {"ArnNotLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/ci-deployer-prd"]}}
    assert roles["Condition"] == deployer
    guard = scp["statements"]["OnlyTheDeployerChangesTheGuard"]
    assert guard["Resource"] == f"arn:aws:iam::{ACCOUNT}:policy/ecs-exec-guard-prd"
    assert guard["Condition"] == deployer
    assert scp["after"]["aws_organizations_policy.this"]["type"] == "SERVICE_CONTROL_POLICY"
    attach = [
        a for addr, a in scp["after"].items() if addr.startswith("aws_organizations_policy_attachment.this")
    ]
    assert [a["target_id"] for a in attach] == [ACCOUNT]


@pytest.mark.slow
def test_only_the_deployer_deletes_exec_logs_or_shortens_their_retention(scp: dict[str, Any]) -> None:
    logs = scp["statements"]["OnlyTheDeployerDeletesExecLogs"]
    assert logs["Effect"] == "Deny"
    assert sorted(logs["Action"]) == [
        "logs:DeleteLogGroup",
        "logs:DeleteLogStream",
        "logs:PutRetentionPolicy",
    ]
    prd = load_config("prd")
    groups = [prd.exec_log_group_arn(c.name) for c in prd.clusters]
    assert sorted(logs["Resource"]) == sorted(groups + [g + ":*" for g in groups])
    assert all(":log-group:/ecs-exec/prd/" in r for r in logs["Resource"])  # the exec groups, nothing else
    assert logs["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/ci-deployer-prd"]}
    }


def test_scp_root_is_rendered_only_when_enabled_and_covered_by_freshness(tmp_path: Path) -> None:
    stg, prd = load_config("stg"), load_config("prd")
    assert render_scp(stg, "config/stg.yaml") == {}
    files = render_env(prd, "config/prd.yaml")
    assert {f"scp/prd/{f}" for f in SCP_FILES} <= set(files)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert stale_files(files, tmp_path) == []
    main = tmp_path / "scp/prd/main.tf"
    main.write_text(main.read_text().replace('"ssm:StartSession"', '"ssm:SendCommand"'))
    assert stale_files(files, tmp_path) == ["scp/prd/main.tf"]
    # No data source looks anything up: every ARN is literal.
    assert all("data " not in text for rel, text in files.items() if rel.startswith("scp/"))


def test_enabled_without_deployer_is_refused() -> None:
    text = (REPO_ROOT / "config/prd.yaml").read_text()
    bad = text.replace(
        "    deployer_principals:\n      - arn:aws:iam::444455556666:role/ci-deployer-prd\n", ""
    )
    assert bad != text
    from ecs_exec.errors import ConfigError

    with pytest.raises(ConfigError, match="access.scp.deployer_principals: required when the SCP is enabled"):
        parse_config(bad, "prd.yaml")
