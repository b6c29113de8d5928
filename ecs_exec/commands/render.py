"""``ecs-exec render`` and ``ecs-exec schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ecs_exec.cli_common import env_options
from ecs_exec.errors import ConfigError, FindingsError
from ecs_exec.output import emit_json, info


def _source_name(path: Path) -> str:
    """How the config file is named in the generated headers: ``config/<env>.yaml`` for the repo's
    config folder, else the path relative to the repo (or the bare file name), never absolute, so the
    output does not depend on where the checkout lives."""
    from generator.loader import REPO_ROOT, config_dir

    resolved = path.resolve()
    if resolved.parent == config_dir().resolve():
        return f"config/{resolved.name}"
    try:
        return resolved.relative_to(REPO_ROOT.resolve()).as_posix()
    except ValueError:
        return resolved.name


def render_tree(env: str | None, config: str | None, all_envs: bool) -> dict[str, str]:
    """Render the modules and the selected environment roots (nothing written).

    Returns ``{path relative to terraform/: content}``.

    Raises:
        ConfigError: no --env/--config/--all, a missing or invalid config (exit 4).
    """
    from generator.loader import available_envs, config_path, load_config
    from generator.render import render_env, render_modules

    if all_envs:
        if config:
            raise ConfigError("--all: give either --all or --config, not both")
        envs = available_envs()
        if not envs:
            raise ConfigError("--all: no config/*.yaml file found")
        targets: list[tuple[str | None, str | None]] = [(e, None) for e in envs]
    else:
        targets = [(env, config)]
    files = render_modules()
    for target_env, target_config in targets:
        spec = load_config(target_env, target_config)
        files.update(render_env(spec, _source_name(config_path(target_env, target_config))))
    return files


@click.command()
@env_options(outputs=("table", "json"), env_required=False)
@click.option("--all", "all_envs", is_flag=True, help="Render every config/*.yaml.")
@click.option("--check", is_flag=True, help="Write nothing; exit 3 listing stale or missing files.")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The terraform/ folder to write (default: <repo>/terraform).",
)
def render(
    env: str | None, config: str | None, output: str, all_envs: bool, check: bool, out: Path | None
) -> None:
    """Render config/<env>.yaml into terraform/envs/<env>/ (and terraform/modules/).

    Everything is rendered before anything is written, so a bad config writes nothing (exit 4).
    With --check, exits 3 when the committed files differ from a fresh render.
    """
    from generator.loader import REPO_ROOT
    from generator.render import stale_files, write_rendered

    root = out if out is not None else REPO_ROOT / "terraform"
    files = render_tree(env, config, all_envs)
    # --all renders every config: then any generated file no config renders is stale, anywhere.
    stale = stale_files(files, root, complete=all_envs)
    written: list[str] = []
    if not check:
        written = [p.relative_to(root).as_posix() for p in write_rendered(files, root, complete=all_envs)]
        stale = []
    if output == "json":
        emit_json({"root": str(root), "rendered": len(files), "written": written, "stale": stale})
    else:
        for rel in written:
            click.echo(f"written  {rel}")
        for rel in stale:
            click.echo(f"stale    {rel}")
        if not check:
            info(f"{len(written)} of {len(files)} file(s) changed under {root}")
    if stale:
        raise FindingsError(
            f"{len(stale)} rendered file(s) under {root} differ from a fresh render",
            hint="run `make render` / `ecs-exec render --all` and commit terraform/",
        )


#: ``$id`` of the config schema: a URN, as the project publishes no schema URL; bumped with a
#: breaking change of the config format.
SCHEMA_ID = "urn:ecs-exec-operator:schema:config:v1"
SCHEMA_TITLE = "ecs-exec-operator desired state (config/<env>.yaml)"


def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12, the dialect pydantic generates) of ``config/<env>.yaml``, with
    ``$schema``, ``$id`` and ``title`` so that editors and validators know what they hold."""
    from pydantic.json_schema import GenerateJsonSchema

    from generator.spec import EnvironmentSpec

    generated = EnvironmentSpec.model_json_schema()
    return {
        "$schema": GenerateJsonSchema.schema_dialect,
        "$id": SCHEMA_ID,
        **generated,
        "title": SCHEMA_TITLE,
    }


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of config/<env>.yaml."""
    emit_json(config_schema())
