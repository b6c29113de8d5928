"""The promise suite fails when the rendered guard is broken: a copy of ``terraform/`` whose guard
no longer lists one action that takes ``ecs:enable-execute-command`` lets the guarded deployer turn
exec on through it, and the guarded-deployer promise says so."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import promise_checks as P
import pytest
from promise_cast import build_cast
from promise_render import REPO, RenderTree

from generator.loader import load_config

pytestmark = pytest.mark.terraform
GUARD_FILE = Path("modules/ecs-exec-access/main.tf")


def _drop_from_guard(tree: Path, action: str) -> None:
    path = tree / GUARD_FILE
    text = path.read_text()
    start = text.index('resource "aws_iam_policy" "guard"')
    end = text.index("\n}\n", start)
    block = text[start:end]
    broken = re.sub(rf'\s*"{re.escape(action)}",?', "", block, count=1)
    assert broken != block, f"{action} not in the rendered guard"
    path.write_text(text[:start] + broken + text[end:])


def test_dropping_an_action_from_the_guard_fails_the_suite(render_tree: RenderTree, tmp_path: Path) -> None:
    guard = (REPO / "terraform" / GUARD_FILE).read_text()
    action = "ecs:StartTask" if '"ecs:StartTask"' in guard else "ecs:UpdateService"
    spec = load_config(config=REPO / "config" / "stg.yaml")
    intact = build_cast(spec, render_tree(REPO / "terraform", "stg"))
    P.cannot_turn_exec_on(intact, intact.deployer, (action,))  # holds as rendered

    tree = tmp_path / "terraform"
    shutil.copytree(REPO / "terraform", tree)
    _drop_from_guard(tree, action)
    broken = build_cast(spec, render_tree(tree, "stg"))
    with pytest.raises(AssertionError, match=rf"ci-deployer-stg may {action} with exec on"):
        P.cannot_turn_exec_on(broken, broken.deployer, (action,))
