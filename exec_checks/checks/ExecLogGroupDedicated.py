"""Rule 4: the exec log group is dedicated: no container definition's ``awslogs-group`` is that group."""

from __future__ import annotations

from collections.abc import Iterator

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecGraphCheck, register_graph_check
from exec_checks.ecs import awslogs_group, containers, exec_log_group_names
from exec_checks.model import Block, TfModel
from exec_checks.values import Unknown


class ExecLogGroupDedicated(ExecGraphCheck):
    check_id = "ECSX_006"
    message = "A container logs to an ECS exec log group: the exec log group must be dedicated"
    hint = "Point the container's awslogs-group at the application's own log group; keep the exec group for sessions only."
    reports_on = ("aws_ecs_task_definition",)
    check_category = CheckCategories.LOGGING

    def evaluate(self, model: TfModel) -> Iterator[tuple[Block, CheckResult]]:
        for td in model.of_type("aws_ecs_task_definition"):
            names, names_unknown = exec_log_group_names(model, td.root)
            defs = containers(td)
            if isinstance(defs, Unknown):
                yield td, CheckResult.UNKNOWN if names or names_unknown else CheckResult.PASSED
                continue
            for container in defs:
                group = awslogs_group(container)
                if group is None:
                    yield td, CheckResult.PASSED
                elif isinstance(group, Unknown):
                    yield td, CheckResult.UNKNOWN if names or names_unknown else CheckResult.PASSED
                elif group in names:
                    yield td, CheckResult.FAILED
                else:
                    yield td, CheckResult.UNKNOWN if names_unknown else CheckResult.PASSED
            if not defs:
                yield td, CheckResult.PASSED


check = register_graph_check(ExecLogGroupDedicated())
