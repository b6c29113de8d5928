"""`ecs-exec plan` / `apply` refuse bad input and missing tools before writing or running anything."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main


@pytest.fixture()
def build_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "build"
    monkeypatch.setenv("ECS_EXEC_BUILD_DIR", str(out))
    return out


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_unknown_env_is_exit_4_and_writes_nothing(command: str, build_dir: Path) -> None:
    res = CliRunner().invoke(main, [command, "--env", "nope"])
    assert res.exit_code == 4, res.output
    assert "--env: unknown environment 'nope'" in res.stderr
    assert not build_dir.exists()


def test_invalid_config_is_exit_4_and_writes_nothing(tmp_path: Path, build_dir: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (Path(__file__).resolve().parents[2] / "config" / "local.yaml").read_text()
    bad.write_text(text.replace("mode: never", "mode: sometimes"))
    res = CliRunner().invoke(main, ["plan", "--config", str(bad)])
    assert res.exit_code == 4, res.output
    assert "clusters[1].exec.mode: must be one of never, windowed, always" in res.stderr
    assert not build_dir.exists()


def test_terraform_missing_is_reported_before_anything_is_written(
    tmp_path: Path, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no terraform here
    res = CliRunner().invoke(main, ["plan", "--env", "local"])
    assert res.exit_code == 1, res.output
    assert "terraform: not found on PATH; install Terraform >= 1.5" in res.stderr
    assert not build_dir.exists()


def test_checkov_missing_names_it(build_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "checkov" or m.startswith("checkov.")] + ["checkov"]:
        monkeypatch.setitem(sys.modules, name, None)  # import checkov -> ImportError
    res = CliRunner().invoke(main, ["plan", "--env", "local"])
    assert res.exit_code == 4, res.output  # the [check] extra is missing (tests/checks/test_check_extra.py)
    assert "checkov is not installed" in res.stderr and "pip install 'ecs-exec-operator[check]'" in res.stderr
    assert not (build_dir / "local").exists()  # checked before anything is written
