"""Load and validate ``config/<env>.yaml`` into an :class:`~generator.spec.EnvironmentSpec`.

Errors are one line naming the YAML path (``clusters[1].exec.mode: must be one of never,
windowed, always``) and raise :class:`~ecs_exec.errors.ConfigError` (exit 4).
"""

from __future__ import annotations

import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any, cast

import yaml
from pydantic import ValidationError

from ecs_exec.errors import ConfigError
from generator.project import config_dir, searched_places
from generator.spec import EnvironmentSpec

__all__ = ["available_envs", "config_dir", "config_path", "load_config", "parse_config"]


def available_envs() -> list[str]:
    """Environment names with a config file, sorted."""
    return sorted(p.stem for p in config_dir().glob("*.yaml"))


def config_path(env: str | None, config: str | os.PathLike[str] | None) -> Path:
    """Resolve ``--env`` / ``--config`` to a file path.

    Raises:
        ConfigError: neither given, or the env has no config file.
    """
    if config is not None:
        return Path(config)
    if not env:
        raise ConfigError("--env: missing; give --env NAME or --config FILE")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", env):
        raise ConfigError(f"--env: invalid environment name {env!r}")
    path = config_dir() / f"{env}.yaml"
    if not path.is_file():
        known = ", ".join(available_envs()) or "none"
        raise ConfigError(
            f"--env: unknown environment {env!r} (no {path}; looked in {searched_places()}; known: {known})"
        )
    return path


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    typ = err.get("type", "")
    ctx = err.get("ctx") or {}
    if typ == "enum" and "expected" in ctx:
        choices = re.findall(r"'([^']*)'", str(ctx["expected"]))
        return "must be one of " + ", ".join(choices)
    if typ == "extra_forbidden":
        return "unknown key (not allowed here)"
    if typ == "missing":
        return "required key is missing"
    if typ == "literal_error" and "expected" in ctx:
        return "must be one of " + ", ".join(re.findall(r"'([^']*)'", str(ctx["expected"])))
    if typ == "bool_type":
        return f"must be a boolean (true or false, unquoted), not {err.get('input')!r}"
    if typ == "string_pattern_mismatch":
        return f"invalid value (must match {ctx.get('pattern')})"
    msg = str(err.get("msg", "invalid value"))
    return re.sub(r"^(Value|Assertion) error, ", "", msg)


def format_validation_error(exc: ValidationError, source: str) -> str:
    """First error of ``exc`` as ``<file>: <yaml.path>: <message>`` (one line)."""
    err = exc.errors()[0]
    loc = _loc(tuple(err.get("loc", ())))
    msg = _message(dict(err))
    # Model-level validators name their own path ("clusters[1].name: duplicate ...").
    m = re.match(r"^([A-Za-z_][\w.\[\]]*): (.*)$", msg)
    if m and ("[" in m.group(1) or "." in m.group(1) or m.group(1) in EnvironmentSpec.model_fields):
        loc = f"{loc}.{m.group(1)}" if loc else m.group(1)
        msg = m.group(2)
    more = len(exc.errors()) - 1
    suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
    return f"{source}: {loc or '(top level)'}: {msg}{suffix}"


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader (libyaml's when installed: about 3x faster on a big config) that refuses a
    key given twice in one mapping: PyYAML would silently keep the last one, so a second
    ``production:`` or ``clusters:`` further down a long file would quietly win. Keys brought in
    by a merge (``<<: *anchor``) may still be overridden, as YAML intends."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable):
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (each key may appear once)", key_node.start_mark
                    )
                seen.add(key)
        return cast(dict[Any, Any], super().construct_mapping(node, deep))


def parse_config(text: str, source: str = "<config>") -> EnvironmentSpec:
    """Parse YAML text into a validated spec.

    Raises:
        ConfigError: malformed YAML, not a mapping, or a validation error (message names the path).
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader (see the class)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{source}:{where}: malformed YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: (top level): must be a mapping of keys (environment, region, ...)")
    try:
        return EnvironmentSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, source)) from None


def load_config(env: str | None = None, config: str | os.PathLike[str] | None = None) -> EnvironmentSpec:
    """Load ``--config FILE`` or ``config/<env>.yaml``.

    When both are given, the file's ``environment`` must equal ``env``.

    Raises:
        ConfigError: missing/unreadable file, malformed YAML, invalid content, env mismatch (exit 4).
    """
    path = config_path(env, config)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"--config: file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"--config: cannot read {path}: {exc}") from None
    spec = parse_config(text, str(path))
    if env and config is not None and spec.environment != env:
        raise ConfigError(f"{path}: environment: is {spec.environment!r} but --env is {env!r}")
    return spec
