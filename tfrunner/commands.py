"""Terraform command building: pure, table-tested :class:`TfCommand` values (see :mod:`tfrunner.runner`
for why python-terraform's convenience methods are never called)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Flag:
    """Marker for a bare flag (``-check``); python-terraform's own marker is ``IsFlagged``."""


FLAG = Flag()


@dataclass(frozen=True)
class TfCommand:
    """One terraform invocation: subcommand, options (in order) and positional arguments.

    ``options`` are ``(name, value)`` pairs with python-terraform's naming (``plugin_dir`` is
    sent as ``-plugin-dir``); a value of :data:`FLAG` is a bare flag, ``bool`` becomes
    ``true``/``false``. ``ok_codes`` are the exit codes that are not an error.
    """

    name: str
    options: tuple[tuple[str, Any], ...] = ()
    args: tuple[str, ...] = ()
    ok_codes: frozenset[int] = field(default_factory=lambda: frozenset({0}))

    def kwargs(self) -> dict[str, Any]:
        """Options as python-terraform keyword arguments (``FLAG`` -> ``IsFlagged``)."""
        from python_terraform import IsFlagged

        return {k: (IsFlagged if v is FLAG else v) for k, v in self.options}

    def argv(self, binary: str = "terraform") -> list[str]:
        """The exact argv python-terraform runs for this command (``[binary, name, -opt..., args...]``)."""
        from python_terraform import Terraform

        return list(
            Terraform(terraform_bin_path=binary).generate_cmd_string(self.name, *self.args, **self.kwargs())
        )


_COMMON: tuple[tuple[str, Any], ...] = (("no_color", FLAG),)
_NO_INPUT: tuple[tuple[str, Any], ...] = (("input", False),)


def init_command(plugin_dir: str | None = None) -> TfCommand:
    """``terraform init -input=false -reconfigure [-plugin-dir=DIR] -no-color``.

    ``-reconfigure`` on purpose: switching between the moto override backend and the real one
    must never migrate (copy) state between them. ``plugin_dir`` is an offline provider mirror
    (``TF_PLUGIN_DIR``); None or empty fetches from the registry as usual.
    """
    opts: list[tuple[str, Any]] = [*_NO_INPUT, ("reconfigure", FLAG)]
    if plugin_dir:
        opts.append(("plugin_dir", plugin_dir))
    return TfCommand("init", (*opts, *_COMMON))


def fmt_check_command(path: str) -> TfCommand:
    """``terraform fmt -check -recursive -list=true -no-color PATH``: exit 0 clean, 3 unformatted files listed."""
    return TfCommand(
        "fmt",
        (("check", FLAG), ("recursive", FLAG), ("list", True), *_COMMON),
        (path,),
        ok_codes=frozenset({0, 3}),
    )


def validate_command() -> TfCommand:
    """``terraform validate -json -no-color`` (exit 1 with diagnostics in the JSON when invalid)."""
    return TfCommand("validate", (("json", FLAG), *_COMMON), ok_codes=frozenset({0, 1}))


def plan_command(out: str, var_file: str | None = None, *, destroy: bool = False) -> TfCommand:
    """``terraform plan -input=false -detailed-exitcode [-destroy] [-var-file=F] -out=OUT -no-color``.

    Exit codes accepted: 0 (no changes) and 2 (changes present); 1 is an error.
    """
    opts: list[tuple[str, Any]] = [*_NO_INPUT, ("detailed_exitcode", FLAG), ("lock_timeout", "60s")]
    if destroy:
        opts.append(("destroy", FLAG))
    if var_file:
        opts.append(("var_file", var_file))
    opts.append(("out", out))
    return TfCommand("plan", (*opts, *_COMMON), ok_codes=frozenset({0, 2}))


def apply_command(plan_file: str) -> TfCommand:
    """``terraform apply -input=false -no-color PLAN_FILE`` — only ever a saved plan.

    Terraform applies a saved plan without asking, so no ``-auto-approve`` is sent: there is no
    way to build an apply of the live configuration (which would need approval) with this module.

    Raises:
        ValueError: ``plan_file`` is empty.
    """
    if not plan_file:
        raise ValueError("apply_command needs a saved plan file")
    return TfCommand("apply", (*_NO_INPUT, ("lock_timeout", "60s"), *_COMMON), (plan_file,))


def show_json_command(plan_file: str) -> TfCommand:
    """``terraform show -json -no-color PLAN_FILE``: the plan as JSON (format_version 1.x)."""
    return TfCommand("show", (("json", FLAG), *_COMMON), (plan_file,))


def write_var_file(variables: Mapping[str, Any], path: Path) -> Path | None:
    """Write ``variables`` as a Terraform JSON var file (``*.tfvars.json``); None when there are none."""
    if not variables:
        return None
    path.write_text(json.dumps(dict(variables), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
