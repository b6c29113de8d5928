"""Rule 6 (role): a service with ``enable_execute_command = true`` uses a task definition with a
``task_role_arn``, and that role is allowed the four ``ssmmessages`` actions."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import SSM_ACTIONS, exec_enabled, services, task_definition_of, task_role_of
from exec_checks.iam import any_allows, documents_of_role
from exec_checks.model import Block, TfModel
from exec_checks.values import Unknown


class ExecServiceTaskRole(ExecGraphCheck):
    check_id = "ECSX_010"
    message = "ECS service with exec enabled needs a task definition task_role_arn whose role allows the four ssmmessages actions"
    hint = (
        "Set task_role_arn on the task definition (not only execution_role_arn) and allow "
        f'{", ".join(SSM_ACTIONS)} on "*" in that role.'
    )
    reports_on = ("aws_ecs_service",)
    check_category = CheckCategories.IAM

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for service in services(model):
            yield service, self._service(model, service)

    @staticmethod
    def _service(model: TfModel, service: Block) -> CheckResult:
        enabled = exec_enabled(service)
        if enabled is None:
            return CheckResult.UNKNOWN
        if not enabled:
            return CheckResult.PASSED
        td = task_definition_of(model, service)
        if not isinstance(td, Block):
            return CheckResult.UNKNOWN
        role = task_role_of(model, td)
        if role is None:
            return CheckResult.FAILED
        if isinstance(role, Unknown):
            return CheckResult.UNKNOWN
        docs, complete = documents_of_role(model, role)
        results = [any_allows(docs, action, "ssmmessages:channel") for action in SSM_ACTIONS]
        if all(results):
            return CheckResult.PASSED
        return CheckResult.FAILED if complete and False in results else CheckResult.UNKNOWN


check = register_graph_check(ExecServiceTaskRole())
