"""``ecs-exec check --changed-files`` (the pre-commit hook): the folders of the changed .tf files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from exec_checks.changed import changed_folders

REPO = Path(__file__).resolve().parents[2]


def test_changed_folders() -> None:
    files = [Path("a/b/main.tf"), Path("a/b/x.tf"), Path("a/README.md"), Path("c/d.tf"), Path("c/e/f.tf")]
    assert changed_folders(files) == [Path("a/b"), Path("c")]  # c/e lies inside c (scans are recursive)
    assert changed_folders([Path("README.md"), Path("x.tf.json")]) == []


def test_a_changed_module_is_checked_through_its_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, text in {
        "envs/a": 'module "x" {\n  source = "../../modules/m"\n}\n',
        "envs/b": 'module "y" {\n  source   = "../../modules/n"\n  for_each = {}\n}\n',
        "modules/m": "",
        "modules/n": 'module "inner" {\n  source = "../m"\n}\n',
        "modules/unused": "",
    }.items():
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "main.tf").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert changed_folders([Path("modules/m/main.tf")], tmp_path) == [Path("envs/a"), Path("envs/b")]
    assert changed_folders([Path("modules/n/main.tf")], tmp_path) == [Path("envs/b")]
    assert changed_folders([Path("modules/unused/main.tf")], tmp_path) == [Path("modules/unused")]
    assert changed_folders([Path("envs/a/main.tf")], tmp_path) == [Path("envs/a")]
    assert changed_folders([Path("modules/m/main.tf")]) == [Path("modules/m")]  # no search root


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
