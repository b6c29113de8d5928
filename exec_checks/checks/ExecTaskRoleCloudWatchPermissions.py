"""Rule 5 (CloudWatch): a task-role exec policy allows ``logs:DescribeLogGroups`` on ``*`` and
``logs:CreateLogStream`` / ``logs:PutLogEvents`` on ``<exec-group-arn>:*``, never on ``*`` or account-wide."""

from __future__ import annotations

from checkov.common.models.enums import CheckResult

from exec_checks.base import register_graph_check, worst
from exec_checks.ecs import cluster_exec_config
from exec_checks.iam import PolicyHolder
from exec_checks.model import Block, TfModel
from exec_checks.policy import resource_matches
from exec_checks.task_role import TaskRolePolicyCheck
from exec_checks.values import Unknown

WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
_OTHER_GROUP = "logs:log-group:\x00another-group:log-stream:x"


def _broad(holder: PolicyHolder, action: str) -> bool:
    return any(
        r is not None and (r == "*" or resource_matches(r, _OTHER_GROUP) is True)
        for st in holder.document.allowing(action)
        for r in st.resources
    )


def evaluate_group(holder: PolicyHolder, group: str) -> CheckResult:
    """The rule for one policy and one exec log group name."""
    doc = holder.document
    results = []
    describe = [st for st in doc.allowing("logs:DescribeLogGroups") if "*" in st.resources]
    results.append(
        CheckResult.PASSED if describe else CheckResult.UNKNOWN if doc.unknown else CheckResult.FAILED
    )
    for action in WRITE_ACTIONS:
        allowed = doc.allows(action, f"logs:log-group:{group}:log-stream:ecs-exec-session")
        if allowed is False or _broad(holder, action):
            results.append(CheckResult.FAILED)
        else:
            results.append(CheckResult.PASSED if allowed else CheckResult.UNKNOWN)
    return worst(results)


class ExecTaskRoleCloudWatchPermissions(TaskRolePolicyCheck):
    check_id = "ECSX_007"
    message = "Task-role exec policy: logs:DescribeLogGroups on *, CreateLogStream/PutLogEvents on <exec-group-arn>:* only"
    hint = (
        'Allow logs:DescribeLogGroups on "*" and logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents '
        'on "${aws_cloudwatch_log_group.<exec>.arn}:*" (never "*" or arn:aws:logs:<region>:<account>:*).'
    )

    def judge(self, model: TfModel, holder: PolicyHolder, cluster: Block) -> CheckResult:
        cfg = cluster_exec_config(model, cluster)
        if not cfg.logs_sessions or cfg.log_group is None:
            return CheckResult.PASSED
        if isinstance(cfg.log_group, Unknown):
            return CheckResult.UNKNOWN
        return evaluate_group(holder, cfg.log_group)


check = register_graph_check(ExecTaskRoleCloudWatchPermissions())
