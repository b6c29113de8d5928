"""The project root and the config folder: one rule for every command (render, plan, check, drift, ...).

A *project* is a folder holding ``config/<env>.yaml``; ``terraform/`` (the rendered tree),
``build/`` (plans, local state) and ``checkov-skips.yaml`` live beside it. The rule, like git
finding ``.git``:

1. ``--project-dir DIR`` / ``$ECS_EXEC_PROJECT_DIR`` (``$ECS_EXEC_ROOT`` is an older alias);
2. else the current directory or its nearest parent that holds a ``config/`` folder;
3. else the current directory.

The config folder is ``--config-dir DIR`` / ``$ECS_EXEC_CONFIG_DIR``, else ``<project>/config``.
``--config FILE`` picks one config file and never moves the project root.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: Environment variables, in the order they are read (the CLI's options set the first of each).
PROJECT_DIR_VARS = ("ECS_EXEC_PROJECT_DIR", "ECS_EXEC_ROOT")
CONFIG_DIR_VAR = "ECS_EXEC_CONFIG_DIR"
SKIP_FILE_NAME = "checkov-skips.yaml"


def project_root(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """The project root by the rule above (an absolute path; it need not exist when named explicitly)."""
    environ = os.environ if environ is None else environ
    for var in PROJECT_DIR_VARS:
        if environ.get(var):
            return Path(environ[var]).expanduser().resolve()
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "config").is_dir():
            return folder
    return here


def config_dir(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """The folder holding ``<env>.yaml`` files: ``$ECS_EXEC_CONFIG_DIR``, else ``<project>/config``."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_DIR_VAR):
        return Path(environ[CONFIG_DIR_VAR]).expanduser().resolve()
    return project_root(environ, cwd) / "config"


def searched_places(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> str:
    """How the config folder was found, for an error that names every place it looked."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_DIR_VAR):
        return f"${CONFIG_DIR_VAR}={environ[CONFIG_DIR_VAR]}"
    for var in PROJECT_DIR_VARS:
        if environ.get(var):
            return f"${var}={environ[var]} (its config/)"
    here = (cwd or Path.cwd()).resolve()
    root = project_root(environ, here)
    if (root / "config").is_dir():
        return f"{root / 'config'} (the nearest config/ from {here})"
    return f"config/ in {here} and its parents (none found; set --config-dir or --project-dir)"


def terraform_root(environ: Mapping[str, str] | None = None) -> Path:
    """``<project>/terraform``: where ``render`` writes and ``plan`` reads the rendered tree."""
    return project_root(environ) / "terraform"


def skip_file(environ: Mapping[str, str] | None = None) -> Path:
    """``<project>/checkov-skips.yaml`` (``check`` and ``plan`` read the same file)."""
    return project_root(environ) / SKIP_FILE_NAME


def source_name(path: Path, environ: Mapping[str, str] | None = None) -> str:
    """How a config file is named in the generated headers: relative to the project root
    (``config/stg.yaml``), else its bare file name, never an absolute path, so the rendered text does
    not depend on where the project lives. The one rule ``render`` and ``plan`` share."""
    resolved = path.resolve()
    if resolved.parent == config_dir(environ).resolve():
        return f"config/{resolved.name}"
    try:
        return resolved.relative_to(project_root(environ)).as_posix()
    except ValueError:
        return resolved.name
