"""Rule 7 (code): ``enable_execute_command = true`` hard-coded on a service (exec windows open it)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.values import as_bool, attr


class ExecNotHardCoded(ExecResourceCheck):
    check_id = "ECSX_012"
    message = "ECS service has enable_execute_command = true hard-coded: exec is opened by exec windows, not by code"
    hint = 'Remove enable_execute_command (or set false) and add lifecycle { ignore_changes = [enable_execute_command] }; open exec with "exec-window open".'
    reports_on = ("aws_ecs_service",)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        value = attr(conf, "enable_execute_command")
        if value is None:
            return CheckResult.PASSED
        flag = as_bool(value)
        if flag is None:
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if flag else CheckResult.PASSED


check = ExecNotHardCoded()
