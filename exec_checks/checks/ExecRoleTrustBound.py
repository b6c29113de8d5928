"""Rule 11 (identity): a role that may ``ecs:ExecuteCommand`` or turn exec on (AWS's AdministratorAccess and
PowerUserAccess count) trusts the account root
or ``*`` only with a condition naming who may assume it (``aws:PrincipalArn``, or
``sts:SourceIdentity`` bound to a policy variable); ``Null sts:SourceIdentity`` alone lets anyone
allowed ``sts:AssumeRole`` in, under any name they choose."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.iam import documents_of_role, read_policy, role_key
from exec_checks.model import Block, TfModel
from exec_checks.trust import hands_out_exec, trust_bound


class ExecRoleTrustBound(ExecGraphCheck):
    check_id = "ECSX_023"
    message = "Role that hands out ECS Exec trusts the account root or * without binding the caller (aws:PrincipalArn or sts:SourceIdentity = a policy variable), or GitHub OIDC without a sub naming an owner"
    hint = (
        'Name the principals (Principal = { AWS = [<role or user ARNs>] }), or add ArnLike = { "aws:PrincipalArn" = [...] }, '
        'or StringEquals = { "sts:SourceIdentity" = "$${aws:username}" }; Null sts:SourceIdentity alone does not bind anyone. '
        'GitHub OIDC: StringLike = { "token.actions.githubusercontent.com:sub" = "repo:<owner>/<repo>:*" }.'
    )
    reports_on = ("aws_iam_role",)
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for role in model.of_type("aws_iam_role"):
            if role.kind != "resource":
                continue
            docs, complete = documents_of_role(model, role_key(role))
            trust = read_policy(model, role, role.attr("assume_role_policy"), "assume_role_policy")
            result = trust_bound(trust)
            if hands_out_exec(docs):
                yield role, result
            elif not complete and result == CheckResult.PASSED:
                # policies that cannot all be read may hand out exec: a bound trust passes whatever they grant
                yield role, result


check = register_graph_check(ExecRoleTrustBound())
