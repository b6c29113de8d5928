"""Hostile desired-state files: each refused with one line naming the field (exit 4 through the CLI),
or accepted and rendered to Terraform that is still valid.

Each case edits the shipped ``config/stg.yaml`` (as data, so a case names only what it changes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_gen_terraform import TERRAFORM, tf

from ecs_exec.errors import ConfigError
from generator.loader import REPO_ROOT, parse_config

STG_TEXT = (REPO_ROOT / "config/stg.yaml").read_text()
STG: dict[str, Any] = yaml.safe_load(STG_TEXT)


def edited(change: Callable[[dict[str, Any]], None]) -> str:
    """``config/stg.yaml`` with ``change`` applied to its data, as YAML text."""
    data = copy.deepcopy(STG)
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "c.yaml")
    message = str(info.value)
    assert "\n" not in message
    return message


# ---- YAML itself ----


def test_duplicate_key_refused_with_its_line() -> None:
    text = STG_TEXT.replace("production: false\n", "production: false\nregion: us-east-1\n")
    assert refused(text) == (
        "c.yaml: line 6, column 1: malformed YAML: duplicate key 'region' (each key may appear once)"
    )


def test_duplicate_key_in_a_nested_mapping_refused() -> None:
    text = STG_TEXT.replace(
        "    exec:\n      mode: windowed\n", "    exec:\n      mode: windowed\n      mode: always\n", 1
    )
    assert "duplicate key 'mode'" in refused(text)


def test_anchors_aliases_and_merge_keys_accepted() -> None:
    """An alias repeats a mapping; a merge key's entries may be overridden (YAML's own rule)."""
    text = STG_TEXT.replace(
        "    exec:\n      mode: windowed\n", "    exec: &windowed\n      mode: windowed\n", 1
    )
    text = text.replace(
        "    exec:\n      mode: always\n", "    exec:\n      <<: *windowed\n      mode: always\n", 1
    )
    text = text.replace("    exec:\n      mode: never\n", "    exec: *windowed\n", 1)
    modes = [c.exec.mode.value for c in parse_config(text, "c.yaml").clusters]
    assert modes == ["windowed", "always", "windowed"]


def test_bom_accepted_and_tab_indent_refused() -> None:
    assert parse_config("\ufeff" + STG_TEXT, "c.yaml").environment == "stg"
    message = refused(STG_TEXT.replace("  team: platform", "\tteam: platform"))
    assert message.startswith("c.yaml: line 11, column 1: malformed YAML: found ")


# ---- accepted hostile names render Terraform that checkov's parser and Terraform both read ----


def _hostile_names() -> str:
    def change(d: dict[str, Any]) -> None:
        d["environment"] = "hostile"
        d["tags"] = {"for": "x", "if": "y", "null": "z", "cost center": "a/b:c=d+e@f", "ünïcode": "välue"}
        d["exec_logging"]["s3"] = {"bucket_prefix": "acme-exec", "key_prefix": "exec/"}
        d["access"]["operators"][0]["name"] = "op+er=a,t.o@r"
        d["access"]["operators"][1]["clusters"] = ["*"]
        names = [
            "for",
            "in",
            "if",
            "true",
            "null",
            "module",
            "1payments",
            "-payments",
            "_Pay_ments2",
            "p" * 45,
        ]
        d["clusters"] = [
            {
                "name": n,
                "existing": i == 0,
                "services": [{"name": "api", "task_role_name": f"r{i}-task", "create_task_role": i % 2 == 0}],
            }
            for i, n in enumerate(names)
        ]

    return edited(change)


def test_hostile_names_render_hcl_checkov_can_parse() -> None:
    import hcl2

    from generator.render import render_env, render_modules

    files = render_modules() | render_env(parse_config(_hostile_names(), "c.yaml"), "c.yaml")
    for path, text in files.items():
        if path.endswith(".tf"):
            hcl2.loads(text)  # raises on what checkov could not read
    assert 'module "cluster_for" {' in files["envs/hostile/main.tf"]
    assert '    "for" = {' in files["envs/hostile/outputs.tf"]


@pytest.mark.terraform
@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH")
def test_hostile_names_pass_terraform_validate(tmp_path: Path) -> None:
    from ecs_exec.tf_runner import plugin_dir_from_env
    from generator.render import render_env, render_modules, write_rendered

    write_rendered(
        render_modules() | render_env(parse_config(_hostile_names(), "c.yaml"), "c.yaml"), tmp_path
    )
    root = tmp_path / "envs/hostile"
    plugin_dir = plugin_dir_from_env()
    init = ["init", "-backend=false", "-input=false", "-no-color"]
    assert tf(*init, *([f"-plugin-dir={plugin_dir}"] if plugin_dir else []), cwd=root).returncode == 0
    result = tf("validate", "-no-color", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
