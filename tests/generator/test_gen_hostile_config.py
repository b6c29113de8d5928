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
from generator.loader import parse_config

REPO_ROOT = Path(__file__).resolve().parents[2]

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


# ---- values AWS would refuse at apply time: refused before rendering, one line naming the field ----

KEY = "arn:{p}:kms:{r}:{a}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            d = d[int(part)] if part.isdigit() else d[part]  # type: ignore[index]
        d[int(last) if last.isdigit() else last] = value  # type: ignore[index]

    return change


def _both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        for c in changes:
            c(d)

    return change


_S3 = _set("exec_logging.s3", {"bucket_prefix": "acme-exec", "key_prefix": "exec/"})
_ALL_CLUSTERS = _set("access.operators.1.clusters", ["*"])

REFUSED = {
    "account id as a YAML number": (
        _set("account_id", 111122223333),
        'account_id: must be a quoted string of 12 digits (account_id: "012345678901"); YAML read a number',
    ),
    "tag key too long": (_set("tags", {"k" * 129: "v"}), "tags: key 'kkkk"),
    "tag value too long": (_set("tags", {"k": "v" * 257}), "tags: k: value must be at most 256"),
    "tag value with ;": (_set("tags", {"k": "a;b"}), "tags: k: value must be at most 256"),
    "tag value with a newline": (_set("tags", {"k": "a\nb"}), "tags: k: value must be at most 256"),
    "tag key aws:": (_set("tags", {"aws:owner": "v"}), "not starting with 'aws:'"),
    "50 tags": (_set("tags", {f"k{i}": "v" for i in range(50)}), "tags: 50 tags; at most 49 (AWS allows 50"),
    "window maximum past the audit history": (
        _set("access.max_window_minutes", 10**11),
        "access.max_window_minutes: Input should be less than or equal to 129600",
    ),
    "schedule group with a quote": (
        _set("windows.schedule_group_name", 'a"b'),
        "windows.schedule_group_name:",
    ),
    "schedule group of 65": (_set("windows.schedule_group_name", "a" * 65), "windows.schedule_group_name:"),
    "queue name with a space": (
        _set("windows.dead_letter_queue_name", "a b"),
        "windows.dead_letter_queue_name:",
    ),
    "events stream with ':'": (_set("windows.events_stream_name", "a:b"), "windows.events_stream_name:"),
    "container name with a quote": (
        _set("clusters.0.services.0.containers", ['a"b']),
        "clusters[0].services[0].containers[0]: invalid value",
    ),
    "operator container ${}": (
        _set("access.operators.1.containers", ["${x}"]),
        "access.operators[1].containers[0]: invalid value",
    ),
    "empty backend key": (_set("backend.key", ""), "backend.key: String should have at least 1 character"),
    "policy name past 128": (
        _both(_ALL_CLUSTERS, _set("clusters.0.name", "p" * 120)),
        "clusters[0].name: the task exec policy name ecs-exec-task-stg-pppp",
    ),
    "buckets equal after '_' -> '-'": (
        _both(_S3, _ALL_CLUSTERS, _set("clusters.0.name", "pay-ments"), _set("clusters.1.name", "pay_ments")),
        "clusters[1].name: S3 bucket 'acme-exec-pay-ments' would be the same as for cluster 'pay-ments'",
    ),
    "buckets equal after lowercasing": (
        _both(_S3, _ALL_CLUSTERS, _set("clusters.0.name", "app"), _set("clusters.1.name", "App")),
        "clusters[1].name: S3 bucket 'acme-exec-app' would be the same as for cluster 'app'",
    ),
    "two operators of one name": (
        _set("access.operators.1.name", "ecs-exec-operator-stg"),
        "access.operators[1].name: role name 'ecs-exec-operator-stg' is already used by access.operators[0].name",
    ),
    "operator named like a task role": (
        _set("access.operators.0.name", "payments-api-task-stg"),
        "access.operators[0].name: role name 'payments-api-task-stg' is already used by "
        "clusters[0].services[0].task_role_name",
    ),
    "window role named like the scheduler role": (
        _set("windows.scheduler_role_name", "ecs-exec-window-stg"),
        "windows.scheduler_role_name: role name 'ecs-exec-window-stg' is already used by windows.role_name",
    ),
    "drift role named like an operator": (
        _set("drift_role_name", "ecs-exec-operator-stg"),
        "drift_role_name: role name 'ecs-exec-operator-stg' is already used by access.operators[0].name",
    ),
    "KMS key of another region": (
        _set("exec_logging.kms", {"key_arn": KEY.format(p="aws", r="us-east-1", a="111122223333")}),
        "exec_logging.kms.key_arn: the key is in aws/us-east-1 but the environment in aws/eu-west-1",
    ),
    "KMS key of another partition": (
        _set("exec_logging.kms", {"key_arn": KEY.format(p="aws-cn", r="eu-west-1", a="111122223333")}),
        "exec_logging.kms.key_arn: the key is in aws-cn/eu-west-1",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_before_rendering(case: str) -> None:
    change, expected = REFUSED[case]
    assert expected in refused(edited(change))


def test_kms_key_of_another_account_accepted() -> None:
    """A key in another account is legitimate (its key policy grants this account): not refused."""
    arn = KEY.format(p="aws", r="eu-west-1", a="999999999999")
    assert (
        parse_config(edited(_set("exec_logging.kms", {"key_arn": arn})), "c.yaml").exec_logging.kms.key_arn
        == arn
    )


def test_refused_config_through_the_cli_is_exit_4_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from ecs_exec.cli import main

    config = tmp_path / "stg.yaml"
    config.write_text(edited(_set("windows.schedule_group_name", 'a"b')))
    result = CliRunner().invoke(main, ["render", "--config", str(config), "--out", str(tmp_path / "tf")])
    assert result.exit_code == 4
    assert result.stderr.count("\n") == 1 and "windows.schedule_group_name" in result.stderr
    assert not (tmp_path / "tf").exists()


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
    from generator.render import render_env, render_modules, write_rendered
    from tfrunner.runner import plugin_dir_from_env

    write_rendered(
        render_modules() | render_env(parse_config(_hostile_names(), "c.yaml"), "c.yaml"), tmp_path
    )
    root = tmp_path / "envs/hostile"
    plugin_dir = plugin_dir_from_env()
    init = ["init", "-backend=false", "-input=false", "-no-color"]
    assert tf(*init, *([f"-plugin-dir={plugin_dir}"] if plugin_dir else []), cwd=root).returncode == 0
    result = tf("validate", "-no-color", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
