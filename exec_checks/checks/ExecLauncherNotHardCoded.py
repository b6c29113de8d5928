"""Rule 7 (launchers): no EventBridge target, Scheduler schedule, Pipe, Step Functions state machine or
Batch job definition starts tasks with ECS Exec hard-coded on (exec belongs to a window)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult

from exec_checks.base import ExecResourceCheck
from exec_checks.launch import launcher_exec_flags


class ExecLauncherNotHardCoded(ExecResourceCheck):
    check_id = "ECSX_018"
    message = "Task launcher (EventBridge target, Scheduler schedule or universal ECS target, Pipe, Step Functions ECS task state, Batch) starts tasks with ECS Exec hard-coded on"
    hint = (
        "Remove enable_execute_command / EnableExecuteCommand / enableExecuteCommand from the launcher "
        '(or set it false): exec is opened for a bounded time by "exec-window open", never by the code that starts tasks.'
    )
    reports_on = (
        "aws_cloudwatch_event_target",
        "aws_scheduler_schedule",
        "aws_pipes_pipe",
        "aws_sfn_state_machine",
        "aws_batch_job_definition",
    )

    def evaluate(self, conf: dict[str, Any]) -> CheckResult:
        flags = launcher_exec_flags(self.entity_type, conf)
        if True in flags:
            return CheckResult.FAILED
        return CheckResult.UNKNOWN if None in flags else CheckResult.PASSED


check = ExecLauncherNotHardCoded()
