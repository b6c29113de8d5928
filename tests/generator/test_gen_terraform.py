"""The rendered tree passes ``terraform fmt -check`` and ``terraform validate`` (real terraform binary)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.loader import parse_config
from generator.render import render_env, render_modules, write_rendered
from tfrunner.runner import plugin_dir_from_env

REPO_ROOT = Path(__file__).resolve().parents[2]

TERRAFORM = shutil.which("terraform")
pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(
        TERRAFORM is None, reason="terraform is not on PATH (install Terraform >= 1.5 to run these)"
    ),
]


def tf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert TERRAFORM is not None
    env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_CLI_CONFIG_FILE=os.devnull)
    return subprocess.run([TERRAFORM, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


def test_committed_tree_is_fmt_clean() -> None:
    result = tf("fmt", "-check", "-recursive", "-diff", str(REPO_ROOT / "terraform"), cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_escaped_values_stay_valid_hcl(tmp_path: Path) -> None:
    text = (REPO_ROOT / "config/local.yaml").read_text()
    text = text.replace("  team: platform\n", "  team: platform\n  \"odd:key\": 'a b'\n")
    # S3 object keys may hold any character: the free-text field that reaches HCL
    text += "backend:\n  bucket: acme-state\n  key: 'quote\" brace${x} pct%{y} back\\ slash'\n  region: us-east-1\n"
    files = render_modules() | render_env(parse_config(text, "local.yaml"), "config/local.yaml")
    write_rendered(files, tmp_path)
    result = tf("fmt", "-check", "-recursive", "-diff", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_env_root_validates(tmp_path: Path) -> None:
    """``terraform init -backend=false`` + ``validate`` in a copy of every ``terraform/envs/*``."""
    work = tmp_path / "terraform"
    shutil.copytree(REPO_ROOT / "terraform", work, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    plugin_dir = plugin_dir_from_env()
    envs = sorted(p for p in (work / "envs").iterdir() if p.is_dir())
    assert [p.name for p in envs] == ["local", "prd", "stg"]
    for root in envs:
        init_args = ["init", "-backend=false", "-input=false", "-no-color"]
        if plugin_dir:
            init_args.append(f"-plugin-dir={plugin_dir}")
        init = tf(*init_args, cwd=root)
        assert init.returncode == 0, f"{root.name}: {init.stderr}"
        result = tf("validate", "-no-color", cwd=root)
        assert result.returncode == 0, f"{root.name}: {result.stdout}{result.stderr}"
        assert "The configuration is valid" in result.stdout


def test_existing_key_variants_validate(tmp_path: Path) -> None:
    """The two ``*-existing-key`` cluster modules no shipped config calls: rendered from stg (CloudWatch
    only) and prd (with S3) given an existing key ARN, they pass ``terraform validate``."""
    arn = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    files = render_modules()
    for env, retention in (("stg", 365), ("prd", 731)):
        text = (
            (REPO_ROOT / f"config/{env}.yaml")
            .read_text()
            .replace(
                f"  retention_in_days: {retention}\n",
                f"  retention_in_days: {retention}\n  kms:\n    key_arn: {arn}\n",
            )
        )
        files |= render_env(parse_config(text, f"{env}.yaml"), f"config/{env}.yaml")
    assert {
        "modules/ecs-exec-cluster-existing-key/main.tf",
        "modules/ecs-exec-cluster-s3-existing-key/main.tf",
    } <= set(files)
    write_rendered(files, tmp_path)
    plugin_dir = plugin_dir_from_env()
    for env in ("stg", "prd"):
        root = tmp_path / "envs" / env
        init_args = ["init", "-backend=false", "-input=false", "-no-color"]
        if plugin_dir:
            init_args.append(f"-plugin-dir={plugin_dir}")
        assert tf(*init_args, cwd=root).returncode == 0
        result = tf("validate", "-no-color", cwd=root)
        assert result.returncode == 0, f"{env}: {result.stdout}{result.stderr}"
