"""``ecs-exec render`` and ``ecs-exec schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ecs_exec.cli.common import env_options
from ecs_exec.cli.output import Document, emit, emit_json, info
from ecs_exec.errors import FindingsError


def _env_name(env: str | None, config: str | None) -> str | None:
    """The rendered environment's name (``--config``: the file's ``environment``)."""
    if env or config is None:
        return env
    from generator.loader import load_config

    return load_config(None, config).environment


@click.command()
@env_options(outputs=("table", "json"), env_required=False, aws=False)
@click.option("--all", "all_envs", is_flag=True, help="Render every config/*.yaml.")
@click.option("--check", is_flag=True, help="Write nothing; exit 3 listing stale or missing files.")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The terraform/ folder to write (default: <project>/terraform).",
)
def render(
    env: str | None, config: str | None, output: str, all_envs: bool, check: bool, out: Path | None
) -> None:
    """Render config/<env>.yaml into terraform/envs/<env>/ (and terraform/modules/).

    Everything is rendered before anything is written, so a bad config writes nothing (exit 4).
    With --check, exits 3 when the committed files differ from a fresh render.
    """
    from generator.project import terraform_root
    from generator.render import stale_files, write_rendered
    from tfrunner.render import render_tree

    root = out if out is not None else terraform_root()
    files = render_tree(env, config, all_envs)
    # --all renders every config: then any generated file no config renders is stale, anywhere.
    stale = stale_files(files, root, complete=all_envs)
    written: list[str] = []
    if not check:
        written = [p.relative_to(root).as_posix() for p in write_rendered(files, root, complete=all_envs)]
        stale = []
    if output == "json":
        body = {"root": str(root), "rendered": len(files), "written": written, "stale": stale}
        emit("json", Document("render", None if all_envs else _env_name(env, config), body))
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
