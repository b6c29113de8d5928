"""aws-cli conventions: ``--profile`` on every command that talks to AWS, the config's region stays
authoritative (a conflicting ``AWS_REGION`` is a one-line note), shell completion of ``--env`` and
``--cluster`` through click's ``_ECS_EXEC_COMPLETE``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ecs_exec import aws
from ecs_exec.cli import main

REPO = Path(__file__).resolve().parents[2]
#: Commands that never call AWS (no --profile): they read and write local files only.
LOCAL_ONLY = {"render", "schema", "check"}


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(cmd, click.Group):
            out.update(_commands(cmd, f"{path} "))
            if not cmd.invoke_without_command:
                continue
        out[path] = cmd
    return out


def test_every_aws_command_has_profile_and_the_project_options() -> None:
    commands = _commands(main)
    assert {
        "plan",
        "apply",
        "drift check",
        "drift fix",
        "window open",
        "audit",
        "audit show",
        "preflight",
    } <= set(commands)
    for path, cmd in commands.items():
        opts = {o for p in cmd.params for o in p.opts}
        if path in LOCAL_ONLY:
            assert "--profile" not in opts, path
            continue
        assert {"--profile", "--env", "--config", "--config-dir", "--project-dir"} <= opts, path


def test_profile_is_aws_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--profile NAME`` after the subcommand is ``$AWS_PROFILE``: an unknown one is boto3's error, exit 5."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    result = CliRunner().invoke(main, ["drift", "check", "--env", "local", "--profile", "no-such-profile"])
    assert result.exit_code == 5, result.output
    assert "no-such-profile" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_conflicting_region_is_a_note_and_the_config_wins(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(aws, "_REGION_NOTED", set())
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    factory = aws.ClientFactory("us-east-1")
    factory.with_session(factory.session)  # a second factory: the note is not repeated
    notes = [r.getMessage() for r in caplog.records if r.name == "ecs_exec.aws"]
    assert notes == ["note: AWS_REGION=eu-west-1 is ignored: the config's region is us-east-1"]
    assert factory.client("ecs").meta.region_name == "us-east-1"
    assert aws.region_note("us-east-1", {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "x"}) is None
    assert aws.region_note("us-east-1", {"AWS_DEFAULT_REGION": "eu-west-1"}) == (
        "note: AWS_DEFAULT_REGION=eu-west-1 is ignored: the config's region is us-east-1"
    )
    assert aws.region_note("us-east-1", {}) is None


def _complete(words: str, cwd: Path, **env: str) -> list[str]:
    """What the shell would offer: click's bash completion protocol (``type,value`` lines)."""
    script = Path(sys.executable).parent / "ecs-exec"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ECS_EXEC_")}
    environ.update(
        COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1), _ECS_EXEC_COMPLETE="bash_complete"
    )
    environ.update(env)
    out = subprocess.run([str(script)], cwd=cwd, env=environ, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in out.stdout.splitlines() if "," in line]


def test_completion_of_env_and_cluster_from_the_chosen_config() -> None:
    docs = REPO / "docs"  # a sub-folder: the project root is found upwards
    assert _complete("ecs-exec drift check --env ", docs) == ["local", "prd", "stg"]
    assert _complete("ecs-exec window open --env stg --cluster p", docs) == ["payments"]
    assert _complete("ecs-exec preflight --env local --cluster ", docs) == ["demo-app", "demo-batch"]
    assert _complete("ecs-exec audit --cluster demo-", docs, ECS_EXEC_ENV="local") == [
        "demo-app",
        "demo-batch",
    ]
    assert _complete(f"ecs-exec window open --config {REPO}/config/stg.yaml --cluster d", docs) == [
        "data-jobs"
    ]
    assert _complete("ecs-exec window open --env nope --cluster ", docs) == []


def test_completion_scripts_for_bash_zsh_fish() -> None:
    for shell in ("bash", "zsh", "fish"):
        script = _complete_source(shell)
        assert "_ECS_EXEC_COMPLETE" in script, shell


def _complete_source(shell: str) -> str:
    environ = {**os.environ, "_ECS_EXEC_COMPLETE": f"{shell}_source"}
    script = Path(sys.executable).parent / "ecs-exec"
    return subprocess.run([str(script)], env=environ, capture_output=True, text=True, check=True).stdout
