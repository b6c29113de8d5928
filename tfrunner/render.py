"""The one render path: config -> ``{path under terraform/: text}``, used by ``render`` and ``plan``.

Both name the config file in the generated headers the same way
(:func:`generator.project.source_name`), so ``render --check`` after a ``plan`` is clean wherever
the config lives.
"""

from __future__ import annotations

from pathlib import Path

from ecs_exec.errors import ConfigError
from generator.loader import available_envs, config_path, load_config
from generator.project import source_name
from generator.render import render_env, render_modules
from generator.spec import EnvironmentSpec


def render_files(spec: EnvironmentSpec, config_file: Path) -> dict[str, str]:
    """The rendered tree (modules and ``spec``'s environment root), nothing written.

    Returns ``{path relative to terraform/: text}``.
    """
    return {**render_modules(), **render_env(spec, source_name(config_file))}


def render_tree(env: str | None, config: str | None, all_envs: bool) -> dict[str, str]:
    """Render the modules and the selected environment roots (``--env``, ``--config`` or ``--all``).

    Returns ``{path relative to terraform/: text}``.

    Raises:
        ConfigError: no --env/--config/--all, both --all and --config, a missing or invalid config (exit 4).
    """
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
        files.update(render_env(spec, source_name(config_path(target_env, target_config))))
    return files
