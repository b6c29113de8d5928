"""The one project-root / config-folder rule (generator.project) and the one render path (tfrunner.render)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from generator import project
from generator.loader import config_path, load_config
from tfrunner.pipeline import load_target
from tfrunner.render import render_tree

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (*project.PROJECT_DIR_VARS, project.CONFIG_DIR_VAR):
        monkeypatch.delenv(var, raising=False)


def test_nearest_parent_with_config_wins(tmp_path: Path, clean_env: None) -> None:
    (tmp_path / "config").mkdir()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert project.project_root(cwd=deep) == tmp_path.resolve()
    assert project.config_dir(cwd=deep) == tmp_path.resolve() / "config"


def test_no_config_anywhere_is_the_current_directory(tmp_path: Path, clean_env: None) -> None:
    assert project.project_root(environ={}, cwd=tmp_path) == tmp_path.resolve()


def test_variables_win_over_the_search(tmp_path: Path) -> None:
    other = tmp_path / "other"
    environ = {"ECS_EXEC_ROOT": str(other)}
    assert project.project_root(environ, cwd=REPO_ROOT) == other.resolve()
    environ["ECS_EXEC_PROJECT_DIR"] = str(tmp_path)  # the new name wins over the alias
    assert project.project_root(environ, cwd=REPO_ROOT) == tmp_path.resolve()
    environ[project.CONFIG_DIR_VAR] = str(tmp_path / "cfg")
    assert project.config_dir(environ) == (tmp_path / "cfg").resolve()
    assert project.skip_file(environ) == tmp_path.resolve() / "checkov-skips.yaml"


def test_unknown_env_names_where_it_looked(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["render", "--env", "stg"])
    assert result.exit_code == 4
    assert f"config/ in {tmp_path.resolve()} and its parents" in result.output


def test_config_file_never_moves_the_project_root(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--config picks the file only: the rendered tree still goes to <project>/terraform."""
    proj = tmp_path / "proj"
    (proj / "config").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "config/local.yaml", proj / "config/local.yaml")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(REPO_ROOT / "config/stg.yaml", outside / "stg.yaml")
    monkeypatch.chdir(proj)
    result = CliRunner().invoke(main, ["render", "--config", str(outside / "stg.yaml")])
    assert result.exit_code == 0, result.output
    assert (proj / "terraform/envs/stg/main.tf").is_file()
    assert not (outside / "terraform").exists()
    # the header names the file, never an absolute path
    assert str(tmp_path) not in (proj / "terraform/envs/stg/main.tf").read_text()


@pytest.mark.parametrize("inside", [True, False], ids=["config-inside-project", "config-outside-project"])
def test_render_and_plan_render_the_same_text(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch, inside: bool
) -> None:
    """`plan` writes what `render` writes, so `render --check` after a plan is clean."""
    proj = tmp_path / "proj"
    (proj / "config").mkdir(parents=True)
    folder = proj / "sub" if inside else tmp_path / "outside"
    folder.mkdir(parents=True)
    cfg = folder / "stg.yaml"
    shutil.copy(REPO_ROOT / "config/stg.yaml", cfg)
    monkeypatch.chdir(proj)
    assert load_target(None, str(cfg)).files == render_tree(None, str(cfg), all_envs=False)
    # and by --env from the project's config/ folder
    shutil.copy(REPO_ROOT / "config/stg.yaml", proj / "config/stg.yaml")
    assert load_target("stg", None).files == render_tree("stg", None, all_envs=False)
    assert config_path("stg", None) == proj.resolve() / "config/stg.yaml"
    assert load_config("stg").environment == "stg"
