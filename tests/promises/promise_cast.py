"""The cast of principals each promise is asked about, built from a config and its rendered IAM.

Roles the rendered root creates or attaches policies to are taken as rendered. Two principals are
ours, since no config names them: the *guarded deployer* (a CI role that deploys ECS services,
``ecs:*`` and ``iam:PassRole`` on ``*``, with the rendered guard attached) and the *unguarded admin*
(``ecs:*``, ``ssm:*`` and role assumption on ``*``, no guard; only the rendered SCPs, if any, bind it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from promise_render import RenderedAccount

from generator.spec import ClusterSpec, EnvironmentSpec, ExecMode
from iampolicy import Policy, Principal, parse_policy

DEPLOYER_POLICY = parse_policy(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ecs:*", "iam:PassRole"], "Resource": "*"}],
    },
    "deploy-services",
)
ADMIN_POLICY = parse_policy(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ecs:*", "ssm:*", "sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                "Resource": "*",
            }
        ],
    },
    "platform-admin",
)
GUARD_ADDRESS = "module.access.aws_iam_policy.guard"


@dataclass(frozen=True)
class Cast:
    """One environment's principals and what the promises ask about."""

    spec: EnvironmentSpec
    account: RenderedAccount
    window: Principal
    scheduler: Principal
    drift: Principal
    operators: dict[str, Principal]
    deployer: Principal
    admin: Principal
    task_role: Principal

    @property
    def scps(self) -> tuple[Policy, ...]:
        return self.account.scps

    def cluster_arn(self, name: str) -> str:
        return f"arn:aws:ecs:{self.spec.region}:{self.spec.account_id}:cluster/{name}"

    def clusters(self, mode: ExecMode | None = None) -> list[ClusterSpec]:
        return [c for c in self.spec.clusters if mode is None or c.exec.mode is mode]

    def windowed_service(self) -> tuple[str, str]:
        """(cluster ARN, service name) of the first service of a ``windowed`` cluster."""
        for c in self.clusters(ExecMode.WINDOWED):
            return self.cluster_arn(c.name), (c.services[0].name if c.services else "any-service")
        raise AssertionError(f"{self.spec.environment}: no windowed cluster")

    def exec_log_group_arn(self, cluster: str) -> str:
        prefix = self.spec.exec_logging.log_group_prefix
        return f"arn:aws:logs:{self.spec.region}:{self.spec.account_id}:log-group:{prefix}/{self.spec.environment}/{cluster}"


def build_cast(spec: EnvironmentSpec, account: RenderedAccount) -> Cast:
    """The cast of ``spec``'s environment from its rendered ``account``."""
    guard = account.policy_at[GUARD_ADDRESS]
    attach = spec.access.guard_attach_to_roles
    name = attach[0] if attach else "ci-deployer"
    deployer = Principal(name, account.role_arn(name), "role", (DEPLOYER_POLICY, guard))
    if name in account.roles:  # as rendered: the guard really is attached to it
        rendered = account.roles[name]
        assert guard in rendered.policies, f"{name}: the guard is not attached"
        deployer = replace(rendered, policies=(DEPLOYER_POLICY, *rendered.policies))
    admin = Principal("platform-admin", account.role_arn("platform-admin"), "role", (ADMIN_POLICY,))
    task_names = [s.task_role_name for c in spec.clusters for s in c.services]
    return Cast(
        spec=spec,
        account=account,
        window=account.roles[spec.windows.role_name],
        scheduler=account.roles[spec.windows.scheduler_role_name],
        drift=account.roles[spec.drift_role_name],
        operators={o.name: account.roles[o.name] for o in spec.access.operators},
        deployer=deployer,
        admin=admin,
        task_role=account.roles[task_names[0]],
    )
