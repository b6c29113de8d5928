"""What one principal can do around ECS Exec, in the configured clusters and roles.

Four capabilities (the README's promises, asked as in :mod:`iampolicy.questions`):
``turn-exec-on`` (any action that takes ``ecs:enable-execute-command`` with ``"true"``),
``execute-command`` (``ecs:ExecuteCommand`` into a container of the cluster), ``start-session``
(``ssm:StartSession`` on a task of the cluster) and ``assume-role`` (the exec-window, operator and
drift roles, with no source identity, someone else's, and an IAM user's own name), and what an
assumed role's policies give (``via`` the role). A capability is found when the answer is
``allowed``, or ``conditional`` (a condition the evaluator cannot decide: reported, never hidden).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.spec import ClusterSpec, EnvironmentSpec
from iampolicy import Decision, Principal, questions

FOUND = (Decision.ALLOWED, Decision.CONDITIONAL)
#: The capabilities, in report order.
KINDS = ("turn-exec-on", "execute-command", "start-session", "assume-role")


@dataclass(frozen=True)
class Capability:
    """``kind`` (one of :data:`KINDS`) on ``target`` (a cluster name, or a role name for
    ``assume-role``); ``decision`` ``allowed`` or ``conditional``; ``via``: the managed role the
    principal assumes to get it (None: with its own policies)."""

    kind: str
    target: str
    decision: Decision
    via: str | None = None


def partition_of(region: str) -> str:
    """The ARN partition of a region (``cn-north-1`` -> ``aws-cn``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def cluster_arn(spec: EnvironmentSpec, cluster: str) -> str:
    """The configured cluster's ARN in the config's partition, region and account."""
    return questions.ecs_arn(partition_of(spec.region), spec.region, spec.account_id, f"cluster/{cluster}")


def _containers(cluster: ClusterSpec) -> list[str]:
    names = sorted({n for s in cluster.services for n in s.containers})
    return names or ["app"]


def capabilities_of(p: Principal, spec: EnvironmentSpec, roles: Mapping[str, Principal]) -> list[Capability]:
    """Every capability of ``p``. ``roles``: the exec-window, operator and drift roles found in the
    account, by name (a configured role that does not exist is not asked about)."""
    found: list[Capability] = []
    for cluster in spec.clusters:
        arn = cluster_arn(spec, cluster.name)
        service = cluster.services[0].name if cluster.services else "any-service"
        answers = {
            "turn-exec-on": questions.turn_exec_on_any(p, arn, service),
            "execute-command": questions.best(
                questions.execute_command(p, arn, c) for c in _containers(cluster)
            ),
            "start-session": questions.start_session_on_task(p, arn),
        }
        found += [Capability(kind, cluster.name, d) for kind, d in answers.items() if d in FOUND]
    for name, role in sorted(roles.items()):
        if role.arn == p.arn:
            continue
        d = questions.best(questions.assume_role(p, role, si) for si in source_identities(p))
        if d in FOUND:
            found.append(Capability("assume-role", name, d))
            found += [
                Capability(c.kind, c.target, questions.weakest((d, c.decision)), via=name)
                for c in capabilities_of(role, spec, {})
                if c.kind != "assume-role"
            ]
    return found


def source_identities(p: Principal) -> tuple[str | None, ...]:
    """The source identities ``p`` is asked to assume a role with: none, someone else's, and, for an
    IAM user, their own user name (the request a trust bound by ``sts:SourceIdentity =
    ${aws:username}`` lets through; IAM User Guide, "Monitor and control actions taken with assumed
    roles", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html)."""
    return (None, "someone-else", p.name) if p.type == "user" else (None, "someone-else")
