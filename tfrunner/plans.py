"""Reading Terraform's output: plan JSON (``terraform show -json``) into a :class:`PlanSummary`, and
Terraform's error text into one-line :class:`~ecs_exec.errors.OperatorError` values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_exec.errors import AwsError, OperatorError, TerraformError

#: What a mirror folder must hold to count as one (the AWS provider, packed or unpacked layout).
AWS_PROVIDER_PATH = "registry.terraform.io/hashicorp/aws"


class StalePlanError(TerraformError):
    """Terraform refused a saved plan because the state changed since it was made."""


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
