"""Which capabilities the config expects, and of whom.

- ``turn-exec-on``: the exec-window role (it opens windows) and the drift role (``drift fix``
  turns exec on in ``always`` clusters);
- ``execute-command``: each operator role, into the clusters the config gives it;
- ``start-session`` on ECS tasks: nobody (it goes around ECS Exec's controls);
- ``assume-role``: the operator roles assume the exec-window role; a principal named by ARN in an
  operator's ``trusted_principals`` assumes that operator role (the account root names nobody).
"""

from __future__ import annotations

from generator.spec import EnvironmentSpec
from iampolicy import Principal
from reconciler.access.capabilities import Capability


def managed_role_names(spec: EnvironmentSpec) -> list[str]:
    """The roles whose assumption the report asks about: window, operators, drift."""
    return [spec.windows.role_name, *(o.name for o in spec.access.operators), spec.drift_role_name]


def is_expected(p: Principal, cap: Capability, spec: EnvironmentSpec) -> bool:
    """Whether the config expects ``p`` to have ``cap``."""
    operators = {o.name: o for o in spec.access.operators}
    if cap.kind == "turn-exec-on":
        return p.type == "role" and p.name in (spec.windows.role_name, spec.drift_role_name)
    if cap.kind == "execute-command":
        op = operators.get(p.name) if p.type == "role" else None
        return op is not None and ("*" in op.clusters or cap.target in op.clusters)
    if cap.kind == "assume-role":
        if cap.target == spec.windows.role_name:
            return p.type == "role" and p.name in operators
        op = operators.get(cap.target)
        return op is not None and p.arn in op.trusted_principals
    return False
