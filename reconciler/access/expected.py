"""Which capabilities the config expects, and of whom.

- ``turn-exec-on``: the exec-window role (it opens windows) and the drift role (``drift fix``
  turns exec on in ``always`` clusters);
- ``execute-command``: each operator role, into the clusters the config gives it;
- ``start-session`` on ECS tasks: nobody (it goes around ECS Exec's controls);
- ``assume-role``: the exec-window role by the operator roles and ``windows.sweep_principals``; an
  operator role by its ``trusted_principals``; the drift role by ``drift.trusted_principals``. An
  ARN pattern (``*``) matches as ``ArnLike`` does. The account root names nobody: a user who can
  assume a role whose trust binds ``sts:SourceIdentity`` to ``${aws:username}`` (the report asks
  with the user's own name too) is expected only when the config names that user (or a pattern
  matching them) among the role's trusted principals;
- a capability ``via`` a role: when assuming the role is expected and the role's capability is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.spec import EnvironmentSpec
from iampolicy import Principal
from iampolicy.match import resource_matches
from reconciler.access.capabilities import Capability

ROOT = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:root")


def managed_role_names(spec: EnvironmentSpec) -> list[str]:
    """The roles whose assumption the report asks about: window, operators, drift."""
    return [spec.windows.role_name, *(o.name for o in spec.access.operators), spec.drift_role_name]


def _trusted(p: Principal, principals: Sequence[str]) -> bool:
    return any(resource_matches(a, p.arn) for a in principals if not ROOT.fullmatch(a))


def is_expected(p: Principal, cap: Capability, spec: EnvironmentSpec) -> bool:
    """Whether the config expects ``p`` to have ``cap``."""
    operators = {o.name: o for o in spec.access.operators}
    if cap.via is not None:
        assume = Capability("assume-role", cap.via, cap.decision)
        own = Capability(cap.kind, cap.target, cap.decision)
        return is_expected(p, assume, spec) and is_expected(Principal(cap.via, "", "role"), own, spec)
    if cap.kind == "turn-exec-on":
        return p.type == "role" and p.name in (spec.windows.role_name, spec.drift_role_name)
    if cap.kind == "execute-command":
        op = operators.get(p.name) if p.type == "role" else None
        return op is not None and ("*" in op.clusters or cap.target in op.clusters)
    if cap.kind == "assume-role":
        if cap.target == spec.windows.role_name:
            return (p.type == "role" and p.name in operators) or _trusted(p, spec.windows.sweep_principals)
        if cap.target == spec.drift_role_name:
            return _trusted(p, spec.drift.trusted_principals)
        op = operators.get(cap.target)
        return op is not None and _trusted(p, op.trusted_principals)
    return False
