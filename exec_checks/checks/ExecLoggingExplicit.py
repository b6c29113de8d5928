"""Rule 1: ``logging`` is set explicitly, and is ``OVERRIDE`` whenever a ``log_configuration`` is given."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.ecs import exec_config
from exec_checks.values import Unknown


class ExecLoggingExplicit(ExecResourceCheck):
    check_id = "ECSX_001"
    message = "ECS cluster exec logging must be explicit, and OVERRIDE when a log_configuration is given"
    hint = 'Set logging = "OVERRIDE" in execute_command_configuration (next to its log_configuration).'
    reports_on = ("aws_ecs_cluster",)
    check_category = CheckCategories.LOGGING

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        cfg = exec_config(conf)
        if not cfg.present:
            return CheckResult.PASSED
        if isinstance(cfg.logging, Unknown):
            return CheckResult.UNKNOWN
        if cfg.logging is None:
            return CheckResult.FAILED
        if cfg.has_log_configuration and cfg.logging != "OVERRIDE":
            return CheckResult.FAILED
        return CheckResult.PASSED


check = ExecLoggingExplicit()
