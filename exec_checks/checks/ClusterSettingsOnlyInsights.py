"""Rule 9: an ``aws_ecs_cluster`` ``setting`` other than ``containerInsights``."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.values import attr, blocks, is_unknown


class ClusterSettingsOnlyInsights(ExecResourceCheck):
    check_id = "ECSX_017"
    message = "ECS cluster setting other than containerInsights: exec is not a cluster setting"
    hint = (
        'Use only setting { name = "containerInsights" }; exec is configured by enable_execute_command on the service '
        "and configuration.execute_command_configuration on the cluster."
    )
    reports_on = ("aws_ecs_cluster",)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        result = CheckResult.PASSED
        for setting in blocks(conf, "setting"):
            name = attr(setting, "name")
            if not isinstance(name, str) or is_unknown(name):
                result = CheckResult.UNKNOWN
            elif name != "containerInsights":
                return CheckResult.FAILED
        return result


check = ClusterSettingsOnlyInsights()
