"""Rule 5: which clusters a task-role policy serves.

A policy is a task-role exec policy when it certainly grants one of the ``ssmmessages`` actions
(whatever the services' ``enable_execute_command`` says). Its clusters, in order of evidence:
(1) policy -> role -> task definitions with that ``task_role_arn`` -> services -> cluster;
(2) clusters of the same root module folder whose exec log group, bucket or key the policy names
in a resource; (3) the only cluster of the module with an exec configuration. Otherwise UNKNOWN.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck
from exec_checks.ecs import SSM_ACTIONS, ExecConfig, cluster_exec_config, clusters_of_role
from exec_checks.iam import PolicyHolder, policy_holders, roles_of
from exec_checks.model import Block, TfModel
from exec_checks.values import UNKNOWN, Unknown


def _named_in_policy(holder: PolicyHolder, cfg: ExecConfig) -> bool:
    names = [v for v in (cfg.log_group, cfg.bucket, cfg.kms_key_id) if isinstance(v, str)]
    keys = [n.rsplit("/", 1)[-1] if n.startswith("arn:") else n for n in names]
    return any(
        r is not None and r != "*" and any(k in r for k in keys)
        for st in holder.document.statements
        for r in st.resources
    )


def clusters_of_policy(model: TfModel, holder: PolicyHolder) -> list[Block] | Unknown:
    """The clusters ``holder``'s exec policy serves (see the module docstring)."""
    found: list[Block] = []
    for key in roles_of(model, holder):
        if key is not None:
            found += clusters_of_role(model, key)
    if found:
        return list(dict.fromkeys(found))
    clusters = [
        c
        for c in model.of_type("aws_ecs_cluster")
        if c.root == holder.block.root and cluster_exec_config(model, c).present
    ]
    named = [c for c in clusters if _named_in_policy(holder, cluster_exec_config(model, c))]
    if named:
        return named
    same_module = [c for c in clusters if c.scope == holder.block.scope]
    return same_module if len(same_module) == 1 else UNKNOWN


def exec_policies(model: TfModel) -> Iterator[tuple[PolicyHolder, list[Block] | Unknown]]:
    """Every policy that grants an ``ssmmessages`` action, with its clusters."""
    for holder in policy_holders(model):
        if holder.document.grants_any(SSM_ACTIONS):
            yield holder, clusters_of_policy(model, holder)


class TaskRolePolicyCheck(ExecGraphCheck):
    """Base of the rule-5 checks: one result per task-role exec policy and cluster it serves
    (UNKNOWN when the policy's clusters cannot be known)."""

    reports_on = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_role")
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for holder, clusters in exec_policies(model):
            if isinstance(clusters, Unknown):
                yield holder.block, CheckResult.UNKNOWN
                continue
            for cluster in clusters:
                yield holder.block, self.judge(model, holder, cluster)

    @abstractmethod
    def judge(self, model: TfModel, holder: PolicyHolder, cluster: Block) -> CheckResult:
        """The rule for one exec policy and one cluster it serves."""
