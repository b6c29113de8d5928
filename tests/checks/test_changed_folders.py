"""``ecs-exec check --changed-files`` (the pre-commit hook): the folders of the changed .tf files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ecs_exec.cli import main
from exec_checks.changed import changed_folders

REPO = Path(__file__).resolve().parents[2]


def test_changed_folders() -> None:
    files = [Path("a/b/main.tf"), Path("a/b/x.tf"), Path("a/README.md"), Path("c/d.tf"), Path("c/e/f.tf")]
    assert changed_folders(files) == [Path("a/b"), Path("c")]  # c/e lies inside c (scans are recursive)
    assert changed_folders([Path("README.md"), Path("x.tf.json")]) == []


def test_changed_files_with_no_terraform_is_ok() -> None:
    result = CliRunner().invoke(main, ["check", "--changed-files", "README.md"])
    assert result.exit_code == 0
    assert "no Terraform (.tf) file changed: nothing to check" in result.output


def test_changed_files_checks_their_folders() -> None:
    tf = REPO / "terraform"
    result = CliRunner().invoke(
        main,
        [
            "check",
            "--ours-only",
            "-o",
            "json",
            "--changed-files",
            str(tf / "envs/local/main.tf"),
            str(REPO / "README.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["summary"]["failed"] == 0 and doc["summary"]["passed"] > 0
