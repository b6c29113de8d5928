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
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecs_exec.errors import AwsError, FindingsError, OperatorError, TerraformError, ToolMissingError

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
#: What a mirror folder must hold to count as one (the AWS provider, packed or unpacked layout).
AWS_PROVIDER_PATH = "registry.terraform.io/hashicorp/aws"


class StalePlanError(TerraformError):
    """Terraform refused a saved plan because the state changed since it was made."""


# ---------------------------------------------------------------- command building (pure)


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


# ---------------------------------------------------------------- plan JSON (pure)


@dataclass(frozen=True)
class PlanSummary:
    """Counts of a plan as Terraform prints them: a replacement counts as one add and one destroy."""

    add: int = 0
    change: int = 0
    destroy: int = 0
    import_: int = 0
    addresses: tuple[tuple[str, str], ...] = ()  #: (address, action) of every resource that changes

    @property
    def changes(self) -> bool:
        return bool(self.add or self.change or self.destroy or self.import_)

    def line(self) -> str:
        """Terraform's own summary line: ``Plan: [1 to import, ]3 to add, 0 to change, 0 to destroy.``
        (the import count only when there are imports), or ``No changes.``"""
        if not self.changes:
            return "No changes."
        imp = f"{self.import_} to import, " if self.import_ else ""
        return f"Plan: {imp}{self.add} to add, {self.change} to change, {self.destroy} to destroy."

    def as_dict(self) -> dict[str, Any]:
        return {
            "add": self.add,
            "change": self.change,
            "destroy": self.destroy,
            "import": self.import_,
            "changes": self.changes,
            "resources": [{"address": a, "action": act} for a, act in self.addresses],
        }


def summarize_plan(plan: Mapping[str, Any]) -> PlanSummary:
    """Count ``resource_changes[*].change.actions`` of ``terraform show -json`` output.

    Actions: ``["create"]`` add, ``["update"]`` change, ``["delete"]`` destroy, ``["delete","create"]``
    or ``["create","delete"]`` replace (add + destroy); ``no-op`` / ``read`` are not changes. A
    resource with ``change.importing`` counts as an import (Terraform 1.5+ ``import`` blocks).
    """
    add = change = destroy = imports = 0
    addresses: list[tuple[str, str]] = []
    for rc in plan.get("resource_changes") or []:
        ch = rc.get("change") or {}
        actions = list(ch.get("actions") or [])
        importing = bool(ch.get("importing"))
        imports += importing
        if actions == ["create"]:
            add += 1
            action = "create"
        elif actions == ["update"]:
            change += 1
            action = "update"
        elif actions == ["delete"]:
            destroy += 1
            action = "delete"
        elif sorted(actions) == ["create", "delete"]:
            add += 1
            destroy += 1
            action = "replace"
        elif importing:
            action = "import"
        else:
            continue
        addresses.append((str(rc.get("address")), action))
    return PlanSummary(add, change, destroy, imports, tuple(sorted(addresses)))


@dataclass(frozen=True)
class Diagnostic:
    """One ``Error:`` block of Terraform's human output: its summary and its first paragraph of prose."""

    summary: str
    detail: str = ""

    def line(self, max_detail: int = 240) -> str:
        """``Error: <summary>: <detail>`` on one line, the detail cut at ``max_detail`` characters, and
        the AWS SDK's transport noise (``https response error StatusCode: 404, RequestID: …,``) left out."""
        detail = self.detail if len(self.detail) <= max_detail else self.detail[: max_detail - 1] + "…"
        return _SDK_NOISE.sub("", f"Error: {self.summary}" + (f": {detail}" if detail else ""))


#: What the AWS SDK for Go puts between the operation and the AWS error; says nothing to the reader.
_SDK_NOISE = re.compile(r"https response error StatusCode: \d+, RequestID: [^,]*, ")


def parse_errors(text: str) -> list[Diagnostic]:
    """Terraform's ``Error:`` diagnostics in ``text`` (with or without the box-drawing frame), in order,
    duplicates dropped. Per block: the summary after ``Error:`` and the first paragraph of prose after
    it; ``with …`` / ``on …`` location lines and numbered source lines are skipped. Warnings are ignored.
    """
    blocks: list[list[str]] = []
    prose_done = True
    for raw in text.splitlines():
        ln = raw.strip(" \t│╷╵├─")
        if ln.startswith("Error:"):
            blocks.append([ln.removeprefix("Error:").strip()])
            prose_done = False
        elif not blocks or prose_done:
            continue
        elif not ln:
            prose_done = len(blocks[-1]) > 1
        elif re.match(r"^(on |with |\d+:)", ln):
            continue
        else:
            blocks[-1].append(ln)
    found: list[Diagnostic] = []
    for b in blocks:
        diag = Diagnostic(b[0].rstrip(":"), " ".join(b[1:]))
        if diag not in found:
            found.append(diag)
    return found


def _tail(text: str, limit: int = 3) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return " | ".join(lines[-limit:]) or "(no output)"


#: ``could not connect to <host>`` in a provider-installation error: the registry was unreachable.
_UNREACHABLE = re.compile(r"could not connect to (?P<host>[A-Za-z0-9.-]+)")
#: The AWS provider's ``allowed_account_ids`` refusal (``Error: AWS account ID not allowed: <id>``).
_ACCOUNT_NOT_ALLOWED = re.compile(r"AWS account ID not allowed:\s*(?P<account>\d{12})")


class RegistryUnreachableError(TerraformError):
    """``terraform init`` could not reach the provider registry (no network, DNS, proxy); exit 1."""


class AccountNotAllowedError(AwsError):
    """The AWS provider refused the credentials: their account is not in ``allowed_account_ids`` (exit 5).

    ``account_id`` is the credentials' account, as Terraform reported it.
    """

    def __init__(self, message: str, *, account_id: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.account_id = account_id


def failure_error(command: str, code: int, stdout: str, stderr: str) -> OperatorError:
    """The error to raise for a failed ``terraform <command>`` (pure; the message is one line).

    - ``AWS account ID not allowed: <id>`` -> :class:`AccountNotAllowedError` (exit 5);
    - ``init`` that ``could not connect to <registry>`` -> :class:`RegistryUnreachableError`,
      with a hint naming ``TF_PLUGIN_DIR``;
    - ``Saved plan is stale`` -> :class:`StalePlanError`;
    - anything else -> :class:`TerraformError` (exit 1) with Terraform's first ``Error:`` lines
      (at most two, then how many more), else the last lines of its output.
    """
    text = f"{stderr}\n{stdout}"
    diags = parse_errors(text)
    if m := _ACCOUNT_NOT_ALLOWED.search(text):
        return AccountNotAllowedError(
            f"terraform {command}: AWS account {m['account']} is not allowed (allowed_account_ids)",
            account_id=m["account"],
        )
    if command == "init" and (m := _UNREACHABLE.search(" ".join(text.split()))):
        return RegistryUnreachableError(
            f"terraform init: cannot reach the provider registry {m['host']} to download the AWS provider",
            hint=(
                "no network? set TF_PLUGIN_DIR to a local provider mirror, a folder holding "
                f"{AWS_PROVIDER_PATH}/ (`terraform providers mirror DIR` makes one)"
            ),
        )
    if diags:
        shown = " | ".join(d.line() for d in diags[:2])
        more = f" (+{len(diags) - 2} more)" if len(diags) > 2 else ""
        excerpt = shown + more
    else:
        excerpt = _tail(stderr.strip() or stdout)
    if re.search(r"Saved plan is stale", text):
        return StalePlanError(f"terraform {command}: the saved plan is stale: {excerpt}")
    return TerraformError(f"terraform {command} failed (exit {code}): {excerpt}")


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
