"""Rule 6 (containers): the task definition of a service with exec enabled has no
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` in ``environment`` or ``secrets`` and no
``readonlyRootFilesystem = true``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import containers, env_names, exec_enabled, services, task_definition_of
from exec_checks.model import Block, TfModel
from exec_checks.values import Unknown, as_bool

CREDENTIAL_NAMES = frozenset({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})


def hazardous(container: dict[str, Any]) -> bool | None:
    """True when the container breaks or hijacks the exec agent; None when that is unknown."""
    names = env_names(container)
    if not isinstance(names, Unknown) and names & CREDENTIAL_NAMES:
        return True
    readonly = container.get("readonlyRootFilesystem")
    flag = False if readonly is None else as_bool(readonly)
    if flag:
        return True
    return None if isinstance(names, Unknown) or flag is None else False


class ExecContainerHazards(ExecGraphCheck):
    check_id = "ECSX_011"
    message = "Exec-enabled task definition: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in containers, no readonlyRootFilesystem"
    hint = (
        "Remove static AWS keys from environment/secrets (they replace the task role the exec agent needs) "
        "and set readonlyRootFilesystem = false (the agent writes to the root filesystem)."
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
            defs = containers(td)
            if isinstance(defs, Unknown):
                yield td, CheckResult.UNKNOWN
                continue
            flags = [hazardous(c) for c in defs]
            if True in flags:
                yield td, CheckResult.FAILED if enabled else CheckResult.UNKNOWN
            else:
                yield td, CheckResult.UNKNOWN if None in flags or enabled is None else CheckResult.PASSED


check = register_graph_check(ExecContainerHazards())
