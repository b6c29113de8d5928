"""Rule 7 (deployments): ``force_new_deployment`` on a ``CODE_DEPLOY`` service (the API rejects it)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.values import as_bool, attr, blocks, is_unknown


class ForceNewDeploymentCodeDeploy(ExecResourceCheck):
    check_id = "ECSX_013"
    message = "ECS service with a CODE_DEPLOY deployment controller must not set force_new_deployment"
    hint = "Remove force_new_deployment; roll CODE_DEPLOY services through a CodeDeploy deployment instead."
    reports_on = ("aws_ecs_service",)

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        force = attr(conf, "force_new_deployment")
        if force is None or as_bool(force) is False:
            return CheckResult.PASSED
        controllers = blocks(conf, "deployment_controller")
        kind = attr(controllers[0], "type", "ECS") if controllers else "ECS"
        if not isinstance(kind, str) or is_unknown(kind) or as_bool(force) is None:
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if kind == "CODE_DEPLOY" else CheckResult.PASSED


check = ForceNewDeploymentCodeDeploy()
