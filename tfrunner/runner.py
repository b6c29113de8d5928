"""The one place that runs ``terraform``: a thin wrapper over python-terraform.

python-terraform (``python_terraform.Terraform``) builds argv lists from keyword options and runs
them; its convenience methods have quirks that this module hides by never calling them and
building every command itself (as a pure, table-tested :class:`TfCommand`):

- ``Terraform.plan()`` passes ``-detailed-exitcode`` and then treats exit 2 ("changes present")
  like an error. Here a command declares the exit codes it accepts; plan accepts 0 (no changes)
  and 2 (changes), and 1 is an error (:class:`PlanOutcome`).
- ``Terraform.apply()`` always sends ``-auto-approve=<skip_plan>``. Here there is no apply without
  a saved plan file: :func:`apply_command` takes only a plan file, and Terraform applies a saved
  plan without prompting, so ``-auto-approve`` is never sent and nothing is approved by accident.
- ``Terraform.destroy()`` sends ``-force``, which Terraform 1.x rejects. Destroying is a plan
  (``plan_command(destroy=True)``) followed by applying that saved plan.
- ``Terraform.init()`` adds ``-reconfigure`` silently; here it is explicit (see :func:`init_command`).
- ``var={...}`` becomes a temporary var file python-terraform deletes itself; here variables travel
  as a JSON var file we write (:func:`write_var_file`), so a plan can be re-read and debugged.

Plans are read as JSON from ``terraform show -json`` (:func:`summarize_plan`), never from text.
Terraform inherits this process's environment (``AWS_*``, ``TF_*``), so ``AWS_ENDPOINT_URL``
reaches the AWS provider the same way it reaches boto3.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_exec.errors import FindingsError, TerraformError, ToolMissingError
from tfrunner.commands import (
    FLAG,
    Flag,
    TfCommand,
    apply_command,
    fmt_check_command,
    init_command,
    plan_command,
    show_json_command,
    validate_command,
    write_var_file,
)
from tfrunner.plans import (
    AWS_PROVIDER_PATH,
    AccountNotAllowedError,
    Diagnostic,
    PlanSummary,
    RegistryUnreachableError,
    StalePlanError,
    failure_error,
    parse_errors,
    summarize_plan,
)

__all__ = [
    "AWS_PROVIDER_PATH",
    "FLAG",
    "INSTALL_HINT",
    "KNOWN_PLUGIN_MIRRORS",
    "AccountNotAllowedError",
    "Diagnostic",
    "Flag",
    "PlanOutcome",
    "PlanSummary",
    "RegistryUnreachableError",
    "StalePlanError",
    "TerraformRunner",
    "TfCommand",
    "TfResult",
    "apply_command",
    "failure_error",
    "find_terraform",
    "fmt_check_command",
    "init_command",
    "parse_errors",
    "plan_command",
    "plugin_dir_from_env",
    "show_json_command",
    "summarize_plan",
    "validate_command",
    "write_var_file",
]

log = logging.getLogger("ecs_exec.terraform")

#: What to install when ``terraform`` is missing (issue: "a clear message naming what to install").
INSTALL_HINT = (
    "install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) and put it on PATH"
)

#: Folders that may hold an offline provider mirror (a folder containing ``registry.terraform.io/``),
#: looked at in this order when ``TF_PLUGIN_DIR`` is unset (:func:`plugin_dir_from_env`).
KNOWN_PLUGIN_MIRRORS: tuple[str, ...] = (
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
)

# ---------------------------------------------------------------- running


def find_terraform(binary: str | None = None) -> str:
    """Path of the terraform binary (``binary``, else ``terraform`` on PATH).

    Raises:
        ToolMissingError: not found (message says what to install).
    """
    found = shutil.which(binary or "terraform")
    if not found:
        raise ToolMissingError(f"terraform: not found on PATH; {INSTALL_HINT}")
    return found


def plugin_dir_from_env(
    environ: Mapping[str, str] | None = None, mirrors: Sequence[str | Path] = KNOWN_PLUGIN_MIRRORS
) -> str | None:
    """The provider mirror to pass as ``terraform init -plugin-dir``, or None for the registry.

    The one place that decides it (CLI, ``make``, demo and tests all call this):

    - ``TF_PLUGIN_DIR`` set and non-empty: that folder;
    - ``TF_PLUGIN_DIR`` set but *empty*: None, i.e. the registry (``make plan TF_PLUGIN_DIR=``);
    - ``TF_PLUGIN_DIR`` unset: the first of ``mirrors`` (default :data:`KNOWN_PLUGIN_MIRRORS`) that
      holds ``registry.terraform.io/hashicorp/aws``, else None (the registry, as real users expect).
    """
    env = os.environ if environ is None else environ
    if "TF_PLUGIN_DIR" in env:
        return env["TF_PLUGIN_DIR"] or None
    for cand in mirrors:
        if (Path(cand) / AWS_PROVIDER_PATH).is_dir():
            return str(cand)
    return None


@dataclass(frozen=True)
class TfResult:
    """Exit code and captured output of one terraform run."""

    code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class PlanOutcome:
    """Result of ``terraform plan -detailed-exitcode``: 0 no changes, 2 changes (1 raised as an error)."""

    exit_code: int
    plan_file: Path

    @property
    def changes(self) -> bool:
        return self.exit_code == 2


class TerraformRunner:
    """Run terraform commands in one working directory via python-terraform.

    Args:
        working_dir: the root module folder (where ``.terraform/`` lives).
        binary: terraform executable; default ``terraform`` on PATH.

    Raises:
        ToolMissingError: terraform is not installed (at construction, before any side effect).
    """

    def __init__(self, working_dir: Path, binary: str | None = None) -> None:
        from python_terraform import Terraform

        self.working_dir = Path(working_dir)
        self.binary = find_terraform(binary)
        # python-terraform logs every non-zero exit as a warning, plan's "2 = changes" included;
        # failures are reported by run() instead.
        logging.getLogger("python_terraform").setLevel(logging.ERROR)
        self._tf = Terraform(working_dir=str(self.working_dir), terraform_bin_path=self.binary)

    def run(self, cmd: TfCommand) -> TfResult:
        """Run ``cmd``; output is captured (stdout carries our data, not Terraform's chatter).

        Raises:
            TerraformError: exit code not in ``cmd.ok_codes`` (message: Terraform's ``Error:`` lines);
                subclasses :class:`StalePlanError`, :class:`RegistryUnreachableError`.
            AccountNotAllowedError: the credentials' account is not the config's (exit 5).
            (See :func:`failure_error`; ``-v`` logs Terraform's whole stderr.)
        """
        log.debug("terraform: %s (in %s)", " ".join(cmd.argv(self.binary)), self.working_dir)
        if not self.working_dir.is_dir():
            raise TerraformError(f"terraform {cmd.name}: working directory {self.working_dir} does not exist")
        try:
            code, out, err = self._tf.cmd(cmd.name, *cmd.args, **cmd.kwargs())
        except FileNotFoundError:  # binary removed between lookup and run
            raise ToolMissingError(f"terraform: not found at {self.binary}; {INSTALL_HINT}") from None
        result = TfResult(int(code), out or "", err or "")
        if result.code in cmd.ok_codes:
            return result
        log.debug("terraform %s exited %d in %s:\n%s", cmd.name, result.code, self.working_dir, result.stderr)
        raise failure_error(cmd.name, result.code, result.stdout, result.stderr)

    def init(self, plugin_dir: str | None = None) -> None:
        """``terraform init`` (see :func:`init_command`)."""
        self.run(init_command(plugin_dir))

    def fmt_check(self, path: Path) -> None:
        """``terraform fmt -check -recursive`` on ``path``.

        Raises:
            FindingsError: some files are not formatted (exit 3; lists them).
        """
        res = self.run(fmt_check_command(str(path)))
        if res.code == 3:
            files = ", ".join(ln.strip() for ln in res.stdout.splitlines() if ln.strip())
            raise FindingsError(f"terraform fmt -check: not formatted: {files}", hint="run `make render`")

    def validate(self) -> dict[str, Any]:
        """``terraform validate -json``: the diagnostics document (``valid``, ``diagnostics``)."""
        return dict(json.loads(self.run(validate_command()).stdout))

    def plan(self, out: Path, var_file: Path | None = None, *, destroy: bool = False) -> PlanOutcome:
        """``terraform plan -detailed-exitcode -out=OUT``.

        Raises:
            TerraformError: plan failed (exit 1).
        """
        res = self.run(plan_command(str(out), str(var_file) if var_file else None, destroy=destroy))
        return PlanOutcome(res.code, Path(out))

    def show_json(self, plan_file: Path) -> dict[str, Any]:
        """The saved plan as JSON (``terraform show -json``)."""
        return dict(json.loads(self.run(show_json_command(str(plan_file))).stdout))

    def apply(self, plan_file: Path) -> TfResult:
        """Apply a saved plan (never the live configuration; see :func:`apply_command`).

        Raises:
            TerraformError: the plan file is missing or apply failed.
            StalePlanError: the state moved since the plan was made.
        """
        if not Path(plan_file).is_file():
            raise TerraformError(
                f"terraform apply: no saved plan at {plan_file}", hint="run `ecs-exec plan` first"
            )
        return self.run(apply_command(str(plan_file)))
