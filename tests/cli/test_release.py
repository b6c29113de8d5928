"""Release hygiene: the version comes from the package metadata; the supported Python and Terraform
versions are stated once in pyproject.toml and agree with the templates and the README."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import metadata, version
from pathlib import Path

from click.testing import CliRunner

from ecs_exec import DISTRIBUTION, __version__
from ecs_exec.cli import exec_window_main, main

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_is_the_package_metadata() -> None:
    installed = version(DISTRIBUTION)
    assert __version__ == installed == PYPROJECT["project"]["version"]
    for cli, prog in ((main, "ecs-exec"), (exec_window_main, "exec-window")):
        result = CliRunner().invoke(cli, ["--version"])
        assert result.exit_code == 0
        assert result.output.strip() == f"{prog}, version {installed}"


def test_python_versions_are_stated() -> None:
    project = PYPROJECT["project"]
    assert project["requires-python"] == ">=3.11"
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert metadata(DISTRIBUTION)["Requires-Python"] == ">=3.11"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11+" in readme


def test_terraform_floor_agrees_with_templates_and_readme() -> None:
    floor = PYPROJECT["tool"]["ecs-exec-operator"]["terraform"]
    assert floor == ">= 1.5"
    for template in ("env/versions.tf.j2", "modules/versions.tf.j2"):
        text = (REPO / "generator" / "templates" / template).read_text(encoding="utf-8")
        assert re.search(r'required_version = "(.*)"', text).group(1) == floor  # type: ignore[union-attr]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Terraform ≥ 1.5" in readme


def test_changelog_has_an_unreleased_section() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" in text
    assert f"## {PYPROJECT['project']['version']}" in text
