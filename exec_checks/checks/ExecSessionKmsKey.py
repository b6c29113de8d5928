"""Rule 3 (session channel): ``execute_command_configuration.kms_key_id`` is set, to a key ARN."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.values import attr, blocks, is_unknown

_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-zA-Z-]+$")
_KEY_ARN_REF = re.compile(r"^(data\.)?aws_kms_key\.[\w-]+(\[[^\]]*\])?\.arn$")
_NOT_AN_ARN_REF = re.compile(r"^(data\.)?(aws_kms_key\.[\w-]+(\[[^\]]*\])?\.(key_id|id)|aws_kms_alias\..*)$")


class ExecSessionKmsKey(ExecResourceCheck):
    check_id = "ECSX_003"
    message = "ECS cluster exec sessions must be encrypted with a KMS key (kms_key_id set to a key ARN)"
    hint = "Set execute_command_configuration.kms_key_id to the key ARN (aws_kms_key.<name>.arn), not an alias or key id."
    reports_on = ("aws_ecs_cluster",)
    check_category = CheckCategories.ENCRYPTION

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        configuration = blocks(conf, "configuration")
        ecc = blocks(configuration[0], "execute_command_configuration") if configuration else []
        value = attr(ecc[0], "kms_key_id") if ecc else None
        if not isinstance(value, str):
            return CheckResult.FAILED if value is None else CheckResult.UNKNOWN
        ref = value.strip().removeprefix("${").removesuffix("}")
        if _KEY_ARN_REF.match(ref) or _KEY_ARN.match(value):
            return CheckResult.PASSED
        if _NOT_AN_ARN_REF.match(ref) or not is_unknown(value):
            return CheckResult.FAILED
        return CheckResult.UNKNOWN


check = ExecSessionKmsKey()
