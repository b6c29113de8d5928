"""The access report: principals with capabilities, expected or not, as JSON and as a table.

JSON (``schema_version`` 1): ``{schema_version, command, environment, principals: [{name, arn,
type, capabilities: [{capability, target, via, decision, expected}], expected}], notes}``; principals
with no capability are left out. A managed role whose trust admits principals the account details
cannot list (``*``, another account, this account's root without a condition naming who) is a
row of its own, ``trust:<role>`` of type ``trust`` (:mod:`.trust`). Exit 3 when a principal is unexpected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_exec.aws import ClientFactory
from ecs_exec.errors import ExitCode
from generator.spec import EnvironmentSpec
from iampolicy import Principal
from reconciler.access.capabilities import KINDS, Capability, capabilities_of, partition_of
from reconciler.access.details import AccountIam, read_account
from reconciler.access.expected import is_expected, managed_role_names
from reconciler.access.trust import PROBE_NAME, describe, open_trusts

SCHEMA_VERSION = 1
COMMAND = "access report"
NOT_SEEN = (
    "not seen: service control policies, resource control policies, session policies and resource "
    "policies other than role trust policies; a principal listed may still be stopped by them"
)


@dataclass(frozen=True)
class PrincipalAccess:
    """One principal's capabilities and whether each is expected."""

    principal: Principal
    capabilities: tuple[tuple[Capability, bool], ...]

    @property
    def expected(self) -> bool:
        return all(ok for _, ok in self.capabilities)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.principal.name,
            "arn": self.principal.arn,
            "type": self.principal.type,
            "capabilities": [
                {
                    "capability": c.kind,
                    "target": c.target,
                    "via": c.via,
                    "decision": str(c.decision),
                    "expected": ok,
                }
                for c, ok in self.capabilities
            ],
            "expected": self.expected,
        }


@dataclass
class AccessReport:
    """The report of one environment."""

    environment: str
    principals: list[PrincipalAccess] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if all(p.expected for p in self.principals) else ExitCode.FINDINGS

    def body(self) -> dict[str, Any]:
        """The report's own JSON keys (``principals``, ``notes``), without the shared envelope."""
        return {"principals": [p.as_dict() for p in self.principals], "notes": self.notes}

    def as_dict(self) -> dict[str, Any]:
        """The whole JSON document: the envelope (``schema_version``, ``command``, ``environment``) and :meth:`body`."""
        return {
            "schema_version": SCHEMA_VERSION,
            "command": COMMAND,
            "environment": self.environment,
            **self.body(),
        }

    def rows(self) -> list[dict[str, str]]:
        """Table rows: name, type, expected, one column per capability kind (targets, ``!`` unexpected)."""
        out = []
        for p in self.principals:
            row = {
                "name": p.principal.name,
                "type": p.principal.type,
                "expected": "yes" if p.expected else "NO",
            }
            for kind in KINDS:
                row[kind] = ", ".join(
                    c.target + (f" (via {c.via})" if c.via else "") + ("" if ok else "!")
                    for c, ok in p.capabilities
                    if c.kind == kind
                )
            out.append(row)
        return out


def build_report(spec: EnvironmentSpec, account: AccountIam) -> AccessReport:
    """The report over ``account``'s principals (pure: no AWS call)."""
    by_name: Mapping[str, Principal] = {p.name: p for p in account.principals if p.type == "role"}
    roles = {n: by_name[n] for n in managed_role_names(spec) if n in by_name}
    report = AccessReport(spec.environment, notes=[NOT_SEEN, *account.notes])
    for name in managed_role_names(spec):
        if name not in by_name:
            report.notes.append(f"role {name} of the config does not exist in the account")
    for p in sorted(account.principals, key=lambda p: (p.type, p.name)):
        caps = capabilities_of(p, spec, roles)
        if caps:
            report.principals.append(PrincipalAccess(p, tuple((c, is_expected(p, c, spec)) for c in caps)))
    for name, pseudo, cap, admitted in open_trusts(roles, spec.account_id, partition_of(spec.region)):
        probes = [Principal(PROBE_NAME, arn, "role") for arn in admitted]
        ok = all(is_expected(probe, cap, spec) for probe in probes)
        report.principals.append(PrincipalAccess(pseudo, ((cap, ok),)))
        report.notes.append(describe(name, admitted, spec.account_id))
    return report


def run_access_report(spec: EnvironmentSpec, factory: ClientFactory) -> AccessReport:
    """Read the account (one paginated ``GetAccountAuthorizationDetails``) and build the report."""
    return build_report(spec, read_account(factory))
