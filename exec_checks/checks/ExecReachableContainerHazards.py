"""Rule 6 (containers, every service exec can reach): a service whose tasks get exec through a window
(``ignore_changes`` on ``enable_execute_command``, a cluster tagged ``ecs-exec:exec-mode`` =
``windowed`` / ``always``) or a variable has no static AWS keys, no ``readonlyRootFilesystem`` and
no ``pid_mode = "task"`` in its task definition (ECSX_011 judges the hard-coded ones)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import services, task_definition_of
from exec_checks.model import Block, TfModel
from exec_checks.reach import reachable_unannounced, task_definition_hazard


class ExecReachableContainerHazards(ExecGraphCheck):
    check_id = "ECSX_020"
    message = 'Task definition of a service exec can reach (window, ignore_changes, variable) has static AWS keys, readonlyRootFilesystem or pid_mode = "task"'
    hint = (
        "Remove AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from environment/secrets, set readonlyRootFilesystem = false "
        'and drop pid_mode = "task" (exec then reaches only one container): exec windows turn exec on for this service.'
    )
    reports_on = ("aws_ecs_task_definition",)
    check_category = CheckCategories.GENERAL_SECURITY

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for service in services(model):
            reach = reachable_unannounced(model, service)
            if reach is False:
                continue
            td = task_definition_of(model, service)
            if not isinstance(td, Block):
                continue
            hazard = task_definition_hazard(td)
            if hazard is True:
                yield td, CheckResult.FAILED if reach else CheckResult.UNKNOWN
            else:
                yield td, CheckResult.UNKNOWN if hazard is None or reach is None else CheckResult.PASSED


check = register_graph_check(ExecReachableContainerHazards())
