"""Command building is pure: the argv python-terraform runs for each command, as a table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfrunner.runner import (
    PlanSummary,
    TfCommand,
    apply_command,
    fmt_check_command,
    init_command,
    plan_command,
    plugin_dir_from_env,
    show_json_command,
    summarize_plan,
    validate_command,
)

CASES = [
    (init_command(), ["init", "-input=false", "-reconfigure", "-no-color"]),
    (
        init_command("/opt/mirror"),
        ["init", "-input=false", "-reconfigure", "-plugin-dir=/opt/mirror", "-no-color"],
    ),
    (init_command(""), ["init", "-input=false", "-reconfigure", "-no-color"]),
    (fmt_check_command("terraform"), ["fmt", "-check", "-recursive", "-list=true", "-no-color", "terraform"]),
    (validate_command(), ["validate", "-json", "-no-color"]),
    (
        plan_command("p.tfplan"),
        ["plan", "-input=false", "-detailed-exitcode", "-lock-timeout=60s", "-out=p.tfplan", "-no-color"],
    ),
    (
        plan_command("p.tfplan", "vars.tfvars.json", destroy=True),
        [
            "plan",
            "-input=false",
            "-detailed-exitcode",
            "-lock-timeout=60s",
            "-destroy",
            "-var-file=vars.tfvars.json",
            "-out=p.tfplan",
            "-no-color",
        ],
    ),
    (apply_command("p.tfplan"), ["apply", "-input=false", "-lock-timeout=60s", "-no-color", "p.tfplan"]),
    (show_json_command("p.tfplan"), ["show", "-json", "-no-color", "p.tfplan"]),
]


@pytest.mark.parametrize(("cmd", "expected"), CASES, ids=[" ".join(e[:2]) for _, e in CASES])
def test_argv(cmd: TfCommand, expected: list[str]) -> None:
    assert cmd.argv("tf") == ["tf", *expected]


def test_plan_accepts_0_and_2_only() -> None:
    assert plan_command("x").ok_codes == {0, 2}
    assert apply_command("x").ok_codes == {0}


def test_no_command_auto_approves_or_forces() -> None:
    argvs = [" ".join(c.argv()) for c, _ in CASES]
    assert not any("auto-approve" in a or "-force" in a for a in argvs)


def test_apply_needs_a_plan_file() -> None:
    with pytest.raises(ValueError, match="saved plan"):
        apply_command("")


def test_plugin_dir_unset_finds_the_first_mirror_holding_the_aws_provider(tmp_path: Path) -> None:
    empty, partial, mirror, later = (tmp_path / n for n in ("empty", "partial", "mirror", "later"))
    empty.mkdir()
    (partial / "registry.terraform.io" / "hashicorp").mkdir(parents=True)  # no aws provider in it
    for m in (mirror, later):
        (m / "registry.terraform.io" / "hashicorp" / "aws").mkdir(parents=True)
    candidates = (tmp_path / "absent", empty, partial, mirror, later)
    assert plugin_dir_from_env({}, candidates) == str(mirror)
    assert plugin_dir_from_env({}, (empty, partial)) is None  # none here: the registry
    assert plugin_dir_from_env({"TF_PLUGIN_DIR": "/m"}, candidates) == "/m"  # explicit wins
    assert plugin_dir_from_env({"TF_PLUGIN_DIR": ""}, candidates) is None  # set-empty forces the registry


def test_settings_from_environment_use_the_same_lookup(tmp_path: Path) -> None:
    from tfrunner.pipeline import Settings

    env = {"ECS_EXEC_BUILD_DIR": str(tmp_path)}
    assert Settings.from_environment("stg", env).plugin_dir == plugin_dir_from_env(env)
    assert Settings.from_environment("stg", {**env, "TF_PLUGIN_DIR": ""}).plugin_dir is None


def _rc(address: str, actions: list[str], importing: bool = False) -> dict[str, object]:
    change: dict[str, object] = {"actions": actions}
    if importing:
        change["importing"] = {"id": "x"}
    return {"address": address, "change": change}


def test_summarize_plan_counts_like_terraform() -> None:
    plan = {
        "resource_changes": [
            _rc("a.new", ["create"]),
            _rc("a.upd", ["update"]),
            _rc("a.gone", ["delete"]),
            _rc("a.repl", ["delete", "create"]),
            _rc("a.repl2", ["create", "delete"]),
            _rc("a.same", ["no-op"]),
            _rc("data.x", ["read"]),
            _rc("a.adopted", ["no-op"], importing=True),
        ]
    }
    s = summarize_plan(plan)
    assert (s.add, s.change, s.destroy, s.import_) == (3, 1, 3, 1)
    assert s.line() == "Plan: 1 to import, 3 to add, 1 to change, 3 to destroy."  # Terraform's order
    assert dict(s.addresses)["a.repl"] == "replace"
    assert dict(s.addresses)["a.adopted"] == "import"
    assert "a.same" not in dict(s.addresses)


def test_summarize_empty_plan() -> None:
    s = summarize_plan({"resource_changes": [_rc("a.same", ["no-op"])]})
    assert s == PlanSummary()
    assert not s.changes
    assert s.line() == "No changes."


def test_summary_line_without_imports_has_no_import_count() -> None:
    assert summarize_plan({"resource_changes": [_rc("a.new", ["create"])]}).line() == (
        "Plan: 1 to add, 0 to change, 0 to destroy."
    )
