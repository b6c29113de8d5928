"""Rule 2: no empty ``configuration``, ``execute_command_configuration`` or ``log_configuration`` block."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.values import blocks


def _empty(block: dict[str, Any]) -> bool:
    return not any(not k.startswith("__") for k in block)


class ExecNoEmptyBlocks(ExecResourceCheck):
    check_id = "ECSX_002"
    message = (
        "ECS cluster has an empty configuration, execute_command_configuration or log_configuration block"
    )
    hint = (
        "Remove the empty block (the API fills in defaults and Terraform shows a diff forever) or fill it in."
    )
    reports_on = ("aws_ecs_cluster",)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        for configuration in blocks(conf, "configuration"):
            if _empty(configuration):
                return CheckResult.FAILED
            for ecc in blocks(configuration, "execute_command_configuration"):
                if _empty(ecc) or any(_empty(lc) for lc in blocks(ecc, "log_configuration")):
                    return CheckResult.FAILED
        return CheckResult.PASSED


check = ExecNoEmptyBlocks()
