"""Determinism, freshness of the committed tree, and writing."""

from __future__ import annotations

from pathlib import Path

from generator.render import GENERATED_MARKER, render_env, render_modules, stale_files, write_rendered
from generator.spec import EnvironmentSpec


def test_committed_tree_equals_a_fresh_render(rendered: dict[str, str], terraform_root: Path) -> None:
    assert stale_files(rendered, terraform_root) == []


def test_rendering_twice_is_byte_identical(
    specs: dict[str, EnvironmentSpec], rendered: dict[str, str]
) -> None:
    again = render_modules()
    for env, spec in specs.items():
        again.update(render_env(spec, f"config/{env}.yaml"))
    assert list(again) == list(rendered)
    assert again == rendered


def test_write_only_changed_and_report_stale(rendered: dict[str, str], tmp_path: Path) -> None:
    written = write_rendered(rendered, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(rendered)
    assert oct((tmp_path / "envs/stg/main.tf").stat().st_mode & 0o777) == "0o644"
    assert write_rendered(rendered, tmp_path) == []

    (tmp_path / "envs/stg/main.tf").write_text("# hand edit\n")
    (tmp_path / "envs/prd/outputs.tf").unlink()
    old = tmp_path / "envs/stg/old.tf"
    old.write_text(f"# {GENERATED_MARKER} from config/stg.yaml -- do not edit by hand.\n")
    override = tmp_path / "envs/stg/backend_override.tf"
    override.write_text('terraform {\n  backend "local" {}\n}\n')
    assert stale_files(rendered, tmp_path) == ["envs/prd/outputs.tf", "envs/stg/main.tf", "envs/stg/old.tf"]

    written = write_rendered(rendered, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "envs/prd/outputs.tf",
        "envs/stg/main.tf",
        "envs/stg/old.tf",
    ]
    assert not old.exists() and override.exists()
    assert stale_files(rendered, tmp_path) == []
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_variant_no_config_uses_is_stale_only_for_a_complete_render(
    rendered: dict[str, str], tmp_path: Path
) -> None:
    from generator.render import CLUSTER_MODULES, render_cluster_module

    write_rendered(rendered, tmp_path)
    unused = [v for v in CLUSTER_MODULES if f"modules/{v.name}/main.tf" not in rendered]
    assert unused, "every cluster-module variant is in use: nothing to leave behind"
    leftover = render_cluster_module(unused[0])  # what a config that used it once rendered
    for rel, content in leftover.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content)
    gone_env = tmp_path / "envs/old/main.tf"  # the root of a config that was removed
    gone_env.parent.mkdir()
    gone_env.write_text(f"# {GENERATED_MARKER} from config/old.yaml -- do not edit by hand.\n")
    own = tmp_path / "modules/team-own/main.tf"  # hand-written: never touched
    own.parent.mkdir()
    own.write_text('resource "null_resource" "x" {}\n')
    (tmp_path / "envs/stg/.terraform").mkdir()
    (tmp_path / "envs/stg/.terraform/cache.tf").write_text(f"# {GENERATED_MARKER}\n")  # tool state: skipped

    assert stale_files(rendered, tmp_path) == []  # one environment's view cannot tell
    expected = sorted([*leftover, "envs/old/main.tf"])
    assert stale_files(rendered, tmp_path, complete=True) == expected

    deleted = write_rendered(rendered, tmp_path, complete=True)
    assert [p.relative_to(tmp_path).as_posix() for p in deleted] == expected
    assert not (tmp_path / "modules" / unused[0].name).exists() and not (tmp_path / "envs/old").exists()
    assert own.exists() and (tmp_path / "envs/stg/.terraform/cache.tf").exists()
    assert stale_files(rendered, tmp_path, complete=True) == []
