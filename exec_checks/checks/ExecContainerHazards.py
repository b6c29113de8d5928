"""Rule 6 (containers): the task definition of a service with exec enabled has no
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in ``environment`` or ``secrets``, no
``readonlyRootFilesystem = true`` and no ``pid_mode = "task"`` (:mod:`exec_checks.reach`)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import exec_enabled
from exec_checks.model import Block, TfModel
from exec_checks.reach import hazard_results


class ExecContainerHazards(ExecGraphCheck):
    check_id = "ECSX_011"
    message = 'Exec-enabled task definition: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in containers, no readonlyRootFilesystem, no pid_mode = "task"'
    hint = (
        "Remove static AWS keys from environment/secrets (they replace the task role the exec agent needs), "
        "set readonlyRootFilesystem = false (the agent writes to the root filesystem) "
        'and drop pid_mode = "task" (with a shared PID namespace exec reaches only one container).'
    )
    reports_on = ("aws_ecs_task_definition",)
    check_category = CheckCategories.GENERAL_SECURITY

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        return hazard_results(model, lambda _model, service: exec_enabled(service))


check = register_graph_check(ExecContainerHazards())
