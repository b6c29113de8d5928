"""Rule 6 (containers, every service exec can reach): a service whose tasks get exec through a window
(``ignore_changes`` on ``enable_execute_command``, a cluster tagged ``ecs-exec:exec-mode`` =
``windowed`` / ``always``) or a variable has no static AWS keys, no ``readonlyRootFilesystem`` and
no ``pid_mode = "task"`` in its task definition (ECSX_011 judges the hard-coded ones)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.model import Block, TfModel
from exec_checks.reach import hazard_results, reachable_unannounced


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
        return hazard_results(model, reachable_unannounced)


check = register_graph_check(ExecReachableContainerHazards())
