"""Where policy checks run today: the ``ecs-exec-check`` pre-commit hook (tried with ``pre-commit
try-repo`` on a throwaway git repository), the composite GitHub Action's check step, and the nightly
workflow's install step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
#: Opt-in for the tests that install checkov into a new environment (see tests/packaging/test_wheel_install.py).
CHECK_EXTRA_VAR = "ECS_EXEC_TEST_CHECK_EXTRA"
BIN = Path(sys.executable).parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECS_EXEC_", "PYTHON"))}
    return {**env, **GIT_ENV, **extra}


def _project(root: Path) -> Path:
    """A project as a team keeps it: config/local.yaml, its skip file and the rendered terraform/."""
    (root / "config").mkdir(parents=True)
    shutil.copy(REPO / "config/local.yaml", root / "config/local.yaml")
    shutil.copy(REPO / "checkov-skips.yaml", root / "checkov-skips.yaml")
    subprocess.run([str(BIN / "ecs-exec"), "render", "--env", "local"], cwd=root, env=_env(), check=True)
    return root


def _break_logging(root: Path) -> None:
    main_tf = root / "terraform/modules/ecs-exec-cluster-s3/main.tf"
    text = main_tf.read_text()
    assert 'logging = "OVERRIDE"' in text
    main_tf.write_text(text.replace('logging = "OVERRIDE"', 'logging = "DEFAULT"'))


def test_hook_manifest() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "ecs-exec-check"
    assert hook["entry"] == "ecs-exec check --changed-files"
    assert hook["language"] == "python"
    assert hook["files"] == r"\.tf$"
    assert any(dep.startswith("checkov") for dep in hook["additional_dependencies"])


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get(CHECK_EXTRA_VAR),
    reason=f"opt-in ({CHECK_EXTRA_VAR}=1 or `make test-packaging`): pre-commit installs checkov (2-5 minutes)",
)
def test_pre_commit_try_repo_passes_clean_and_fails_on_default_logging(tmp_path: Path) -> None:
    """``pre-commit try-repo <checkout> ecs-exec-check --all-files``: pre-commit installs this checkout's
    HEAD (plus uncommitted changes of tracked files) with checkov in its own environment (a new
    PRE_COMMIT_HOME: 2-5 minutes here) and runs the hook, on a clean rendered tree and on one with
    ``logging = "DEFAULT"``."""
    repo = _project(tmp_path / "repo")
    env = _env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    subprocess.run(["git", "init", "--quiet"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, env=env, check=True)
    subprocess.run(["git", "commit", "--quiet", "-m", "rendered"], cwd=repo, env=env, check=True)
    argv = [str(BIN / "pre-commit"), "try-repo", str(REPO), "ecs-exec-check", "--all-files"]

    clean = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ecs-exec check (ECS Exec policy checks)" in clean.stdout and "Passed" in clean.stdout

    _break_logging(repo)
    broken = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "ECSX_001" in broken.stdout


def _action_step(name: str) -> dict[str, object]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    (step,) = [s for s in action["runs"]["steps"] if s.get("name") == name]
    return step  # type: ignore[no-any-return]


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "default-logging"])
def test_action_check_step_writes_sarif(tmp_path: Path, broken: bool) -> None:
    """The action's check step, run by bash as the runner would (ecs-exec on PATH, the inputs as env)."""
    repo = _project(tmp_path / "repo")
    if broken:
        _break_logging(repo)
    step = _action_step("ecs-exec check")
    sarif = tmp_path / "out.sarif"
    outputs = tmp_path / "github_output"
    env = _env(
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        PATHS="terraform/",
        SARIF_FILE=str(sarif),
        SOFT_FAIL="false",
        GITHUB_OUTPUT=str(outputs),
    )
    run = subprocess.run(
        ["bash", "-e", "-c", str(step["run"])], cwd=repo, env=env, capture_output=True, text=True
    )
    assert run.returncode == (3 if broken else 0), run.stderr
    assert outputs.read_text().strip() == f"exit-code={run.returncode}"
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0"
    rule_ids = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert ("ECSX_001" in rule_ids) is broken
    if broken:  # soft-fail: findings do not fail the step
        soft = subprocess.run(
            ["bash", "-e", "-c", str(step["run"])],
            cwd=repo,
            env={**env, "SOFT_FAIL": "true"},
            capture_output=True,
        )
        assert soft.returncode == 0


def test_nightly_workflow_installs_the_package_as_documented() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/nightly-drift.yml").read_text())
    steps = workflow["jobs"]["drift"]["steps"]
    (install,) = [s for s in steps if s.get("name") == "install ecs-exec-operator"]
    assert install["run"].splitlines()[0] == "python -m pip install ."  # base install, README "Install"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert ".venv" not in runs and "make " not in runs
    assert "ecs-exec drift fix --env ${{ matrix.env }}" in runs
    readme = (REPO / "README.md").read_text()
    assert "pip install ." in readme
