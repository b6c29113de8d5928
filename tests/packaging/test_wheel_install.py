"""The built wheel, installed into a fresh virtual environment, works outside the checkout (issue 14).

The wheel is built from a fresh ``git clone`` of this checkout's HEAD (setuptools would pack a stale
``build/lib`` of a used tree) and installed without extras: no checkov, current boto3, no moto. From a
temporary directory that holds only ``config/local.yaml`` it renders, refuses ``check`` naming the
``[check]`` extra, plans against the session's moto server, checks drift and lists windows; then the
``[check]`` extra is added and ``check terraform/`` runs checkov and our checks.

pip reaches PyPI (through its cache) for the dependencies. Slow (about a minute here), but part of the
default run; the ``[check]`` part installs checkov (about 2 more minutes) and is opt-in:
``ECS_EXEC_TEST_CHECK_EXTRA=1`` or ``make test-packaging``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from devtools.moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]
SHIPPED = {"ecs_exec", "tfrunner", "generator", "reconciler", "exec_checks"}
NOT_SHIPPED = {"devtools", "tests", "bench", "docs"}
INSTALL_LINE = "pip install 'ecs-exec-operator[check]'"
#: Set to 1 to also install the [check] extra (checkov, ~140 packages) and run `check terraform/`.
CHECK_EXTRA_VAR = "ECS_EXEC_TEST_CHECK_EXTRA"

pytestmark = pytest.mark.slow


def _run(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


def _check(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"{proc.args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel of a fresh clone of HEAD, pip-installed (base, no extras) into a new venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    _check(_run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(src)]))
    assert not (src / "build").exists()  # nothing stale to pack
    dist = tmp / "dist"
    _check(_run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(src)]))
    (wheel,) = dist.glob("ecs_exec_operator-*.whl")
    venv = tmp / "venv"
    _check(_run([sys.executable, "-m", "venv", str(venv)]))
    _check(_run([str(venv / "bin/pip"), "install", "--quiet", str(wheel)]))
    return Installed(wheel, venv)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary directory holding only ``config/local.yaml``."""
    root = tmp_path_factory.mktemp("project")
    (root / "config").mkdir()
    shutil.copy(REPO / "config/local.yaml", root / "config/local.yaml")
    return root


Call = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def call(installed: Installed, project: Path, moto_server: MotoServer) -> Call:
    """Run a console script of the fresh venv in ``project`` against the moto server, with nothing of
    this checkout on the path and no project/config variables from the test process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECS_EXEC_", "AWS_", "PYTHON"))}
    env.update(moto_server.env())
    env["PATH"] = f"{installed.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def call(*argv: str) -> subprocess.CompletedProcess[str]:
        return _run([installed.bin(argv[0]), *argv[1:]], cwd=project, env=env)

    return call


def test_wheel_ships_exactly_the_packages_and_their_data(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    # Every top-level package of the checkout but the dev tools and tests is shipped (packages.find).
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - NOT_SHIPPED
    assert top == packages
    assert top >= SHIPPED
    assert "generator/templates/env/main.tf.j2" in names
    assert "generator/templates/modules/ecs-exec-cluster/main.tf.j2" in names
    assert "reconciler/audit/examples/cloudtrail-exec-sample.json" in names
    assert not [n for n in names if n.startswith(tuple(f"{p}/" for p in NOT_SHIPPED))]


def test_base_install_has_no_checkov_current_boto3_and_no_dev_tools(installed: Installed, call: Call) -> None:
    assert call("pip", "show", "checkov").returncode != 0
    probe = call(
        "python",
        "-c",
        "import importlib.util as u, importlib.metadata as m; "
        "print(m.version('boto3'), [n for n in ('devtools', 'moto', 'checkov') if u.find_spec(n)])",
    )
    version, found = _check(probe).stdout.strip().split(" ", 1)
    assert found == "[]"
    assert tuple(int(x) for x in version.split(".")[:2]) > (1, 35)  # not checkov's exact 1.35.x pin
    assert _check(call("ecs-exec", "--version")).stdout.startswith("ecs-exec, version ")


def test_installed_cli_from_a_folder_holding_only_config(
    installed: Installed, project: Path, call: Call
) -> None:
    # render writes ./terraform/envs/local/main.tf (templates are package data)
    _check(call("ecs-exec", "render", "--env", "local"))
    main_tf = project / "terraform/envs/local/main.tf"
    assert main_tf.is_file()
    assert (REPO / "terraform/envs/local/main.tf").read_text() == main_tf.read_text()

    # check without checkov: exit 4, one line naming the extra
    checked = call("ecs-exec", "check", ".")
    assert checked.returncode == 4, checked.stderr
    assert checked.stderr.strip().splitlines() == [
        f"ecs-exec: error: checkov is not installed (the policy checks need the [check] extra): {INSTALL_LINE}"
    ]
    # plan: exit 4 the same way, then --skip-checks plans against the moto server and says so loudly
    refused = call("ecs-exec", "plan", "--env", "local")
    assert refused.returncode == 4 and "or run with --skip-checks" in refused.stderr
    planned = _check(call("ecs-exec", "plan", "--env", "local", "--skip-checks"))
    assert planned.stdout.startswith("local: Plan: ")
    assert planned.stdout.rstrip().endswith("WARNING: policy checks SKIPPED (--skip-checks)")
    assert (project / "build/local/plan.json").is_file()

    drift = call("ecs-exec", "drift", "check", "--env", "local", "-o", "json")
    assert drift.returncode in (0, 3), drift.stderr  # in sync or drift found: both are answers
    doc = json.loads(drift.stdout)
    assert (doc["command"], doc["environment"]) == ("check", "local")

    windows = _check(call("ecs-exec", "window", "list", "--env", "local", "-o", "json"))
    assert json.loads(windows.stdout)["environment"] == "local"
    assert sorted(p.name for p in project.iterdir()) == ["build", "config", "terraform"]


@pytest.mark.skipif(
    not os.environ.get(CHECK_EXTRA_VAR),
    reason=f"opt-in ({CHECK_EXTRA_VAR}=1 or `make test-packaging`): installing checkov takes about 2 minutes",
)
def test_check_extra_runs_the_checks(installed: Installed, project: Path, call: Call) -> None:
    """With the ``[check]`` extra, ``check terraform/`` runs checkov and our checks from that folder."""
    if not (project / "terraform").is_dir():
        _check(call("ecs-exec", "render", "--env", "local"))
    _check(call("pip", "install", "--quiet", f"{installed.wheel}[check]"))
    scan = call("ecs-exec", "check", "terraform/", "-o", "json")
    assert scan.returncode in (0, 3), scan.stderr
    report = json.loads(scan.stdout)
    assert report["summary"]["passed"] > 50
    # no skip file here: what fails is exactly what the checkout's skip file skips
    skipped_ids = {s["id"] for s in yaml.safe_load((REPO / "checkov-skips.yaml").read_text())["skips"]}
    assert {f["check_id"] for f in report["failed"]} <= skipped_ids
    assert not [f for f in report["failed"] if f["check_id"].startswith("ECSX_")]
