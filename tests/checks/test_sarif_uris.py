"""SARIF file locations are real URIs: relative to ``%SRCROOT%`` (the working directory, declared in
``originalUriBaseIds``) inside it, absolute ``file:///`` URIs outside it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from exec_checks.report import artifact_location

FAILING = Path(__file__).parent / "examples" / "ExecLoggingExplicit" / "fail"


def _sarif(target: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["check", target, "--ours-only", "--no-skips", "-o", "sarif"])
    assert result.exit_code == 3, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _locations(doc: dict[str, Any]) -> list[dict[str, str]]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in doc["runs"][0]["results"]]


def test_folder_outside_the_working_directory_gives_absolute_file_uris(tmp_path: Path) -> None:
    # Regression: /tmp/x/main.tf became the uri "tmp/x/main.tf" (slash stripped, no uriBaseId).
    folder = tmp_path / "outside dir"
    shutil.copytree(FAILING, folder)
    assert not folder.resolve().is_relative_to(Path.cwd().resolve())
    locations = _locations(_sarif(str(folder)))
    assert locations
    expected = {p.resolve().as_uri() for p in folder.glob("*.tf")}
    assert {loc["uri"] for loc in locations} <= expected
    assert all(loc["uri"].startswith("file:///") and "%20" in loc["uri"] for loc in locations)
    assert all("uriBaseId" not in loc for loc in locations)


def test_relative_folder_gives_uris_against_srcroot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FAILING, tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    doc = _sarif("infra")
    base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == Path.cwd().as_uri() + "/"
    locations = _locations(doc)
    assert locations and all(loc["uriBaseId"] == "%SRCROOT%" for loc in locations)
    assert all(loc["uri"].startswith("infra/") for loc in locations)
    resolved = {urljoin(base, loc["uri"]) for loc in locations}
    assert resolved <= {p.resolve().as_uri() for p in (tmp_path / "infra").glob("*.tf")}


def test_artifact_location_percent_encodes() -> None:
    assert artifact_location("my infra/#1.tf") == {"uri": "my%20infra/%231.tf", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("/srv/my infra/main.tf") == {"uri": "file:///srv/my%20infra/main.tf"}
