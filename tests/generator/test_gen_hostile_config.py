"""Hostile desired-state files: each refused with one line naming the field (exit 4 through the CLI),
or accepted and rendered to Terraform that is still valid.

Each case edits the shipped ``config/stg.yaml`` (as data, so a case names only what it changes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

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
