"""Transcript protection rendered from the config (issue 12): Object Lock on the transcript bucket, the
bucket policy letting only ``access.auditors`` read transcripts, the key policy letting only
``exec_logging.kms.key_administrators`` disable or delete the key. Read from the rendered HCL, and the
rendered root validated by the real terraform."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hcl_facts import actions, block, statement

from generator.loader import parse_config
from generator.render import render_env, render_modules, write_rendered
from tfrunner.runner import plugin_dir_from_env

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
EXTRA = """\
  s3:
    bucket_prefix: local-ecs-exec-transcripts
    key_prefix: exec-sessions/
    object_lock: {mode: COMPLIANCE, days: 400}
  kms:
    key_administrators: [security-key-admin]
"""


def _config(auditors: bool = True, extra: str = EXTRA) -> str:
    text = (REPO_ROOT / "config/local.yaml").read_text()
    text = text.replace(
        "  s3:\n    bucket_prefix: local-ecs-exec-transcripts\n    key_prefix: exec-sessions/\n", extra
    )
    if auditors:
        text = text.replace("access:\n", "access:\n  auditors: [security-auditor, ecs-exec-audit]\n")
    return text


def _render(text: str) -> dict[str, str]:
    return render_modules() | render_env(parse_config(text, "local.yaml"), "config/local.yaml")


def test_root_passes_auditors_administrators_and_object_lock() -> None:
    files = _render(_config())
    main = files["envs/local/main.tf"]
    module = block(main, 'module "cluster_demo-app" {')
    assert re.search(r"object_lock_enabled\s*=\s*true", module)
    readers = re.search(r"reader_arns\s*=\s*(\[.*?\])", module, re.S)
    assert readers and re.findall(r'"([^"]+)"', readers.group(1)) == [
        f"arn:aws:iam::{ACCOUNT}:role/security-auditor",
        f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-audit",
    ]
    admins = re.search(r"administrator_arns\s*=\s*(\[.*?\])", module, re.S)
    assert admins and re.findall(r'"([^"]+)"', admins.group(1)) == [
        f"arn:aws:iam::{ACCOUNT}:role/security-key-admin"
    ]
    lock = block(main, 'resource "aws_s3_bucket_object_lock_configuration" "cluster_demo-app" {')
    assert "module.cluster_demo-app.s3_bucket_name" in lock
    assert re.search(r'mode\s*=\s*"COMPLIANCE"', lock) and re.search(r"days\s*=\s*400", lock)


def test_module_denies_reads_and_key_deletion_to_everyone_else() -> None:
    module = _render(_config())["modules/ecs-exec-cluster-s3/main.tf"]
    read = statement(module, "OnlyAuditorsReadTranscripts")
    assert sorted(actions(read)) == ["s3:GetObject", "s3:GetObjectVersion"]  # not PutObject: the agent writes
    assert re.search(r'Effect\s*=\s*"Deny"', read) and re.search(r'Principal\s*=\s*"\*"', read)
    assert '"${aws_s3_bucket.this.arn}/${var.s3.key_prefix}*"' in read
    assert re.search(r'ArnNotLike\s*=\s*\{\s*"aws:PrincipalArn"\s*=\s*var\.s3\.reader_arns\s*\}', read)
    key = statement(module, "OnlyKeyAdministratorsDisableOrDeleteTheKey")
    assert sorted(actions(key)) == ["kms:DisableKey", "kms:ScheduleKeyDeletion"]
    assert re.search(r'Effect\s*=\s*"Deny"', key)
    assert re.search(r'ArnNotLike\s*=\s*\{\s*"aws:PrincipalArn"\s*=\s*var\.kms\.administrator_arns\s*\}', key)
    assert re.search(r"object_lock_enabled\s*=\s*var\.s3\.object_lock_enabled", module)
    variables = _render(_config())["modules/ecs-exec-cluster-s3/variables.tf"]
    # without auditors / administrators the pattern matches every principal ARN: IAM alone decides
    assert variables.count('optional(list(string), ["arn:*:*:*:*:*"])') == 2


def test_without_the_options_the_root_is_unchanged() -> None:
    main = _render((REPO_ROOT / "config/local.yaml").read_text())["envs/local/main.tf"]
    assert "reader_arns" not in main and "administrator_arns" not in main
    assert "object_lock" not in main


def test_key_administrators_need_a_key_created_here() -> None:
    from ecs_exec.errors import ConfigError

    arn = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    extra = EXTRA.replace("  kms:\n", f"  kms:\n    key_arn: {arn}\n")
    with pytest.raises(ConfigError, match="key_administrators: only for a key created here"):
        parse_config(_config(extra=extra), "local.yaml")


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_protected_root_validates(tmp_path: Path) -> None:
    write_rendered(_render(_config()), tmp_path)
    root = tmp_path / "envs" / "local"
    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_CLI_CONFIG_FILE=os.devnull)
    init = ["terraform", "init", "-backend=false", "-input=false", "-no-color"]
    if plugin_dir_from_env():
        init.append(f"-plugin-dir={plugin_dir_from_env()}")
    assert subprocess.run(init, cwd=root, env=env, capture_output=True, timeout=180).returncode == 0
    fmt = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", str(tmp_path)], env=env, capture_output=True, text=True
    )
    assert fmt.returncode == 0, fmt.stdout
    result = subprocess.run(
        ["terraform", "validate", "-no-color"], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
