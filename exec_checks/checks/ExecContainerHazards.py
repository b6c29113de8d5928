"""Rule 6 (containers): the task definition of a service with exec enabled has no
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in ``environment`` or ``secrets``, no
``readonlyRootFilesystem = true`` and no ``pid_mode = "task"`` (:mod:`exec_checks.reach`)."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import exec_enabled, services, task_definition_of
from exec_checks.model import Block, TfModel
from exec_checks.reach import task_definition_hazard


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
        for service in services(model):
            enabled = exec_enabled(service)
            if enabled is False:
                continue
            td = task_definition_of(model, service)
            if not isinstance(td, Block):
                continue
            hazard = task_definition_hazard(td)
            if hazard is True:
                yield td, CheckResult.FAILED if enabled else CheckResult.UNKNOWN
            else:
                yield td, CheckResult.UNKNOWN if hazard is None or enabled is None else CheckResult.PASSED


check = register_graph_check(ExecContainerHazards())
