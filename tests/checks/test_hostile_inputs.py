"""Hostile-but-valid Terraform: every rule gives PASSED, FAILED or UNKNOWN (no record), never a guess.

One in-process checkov scan (our checks only) over ``hostile/<case>/``; each case lists the
expected result of some (check id, resource address) pairs. checkov records nothing for UNKNOWN,
so UNKNOWN means "neither failed nor passed".
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ecs_exec.errors import OperatorError
from exec_checks.catalog import our_checks
from exec_checks.policy import Resolver
from exec_checks.report import Finding, ScanReport
from exec_checks.scan import scan

HOSTILE = Path(__file__).parent / "hostile"
FAILED, PASSED, UNKNOWN = "FAILED", "PASSED", "UNKNOWN"

#: case folder -> {(check id, resource address): expected result}
EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "dynamic_blocks": {
        ("ECSX_003", "aws_ecs_cluster.unknown_iterator"): UNKNOWN,
        ("ECSX_017", "aws_ecs_cluster.unknown_iterator"): UNKNOWN,
        ("ECSX_001", "aws_ecs_cluster.unknown_iterator"): PASSED,
        ("ECSX_004", "aws_ecs_cluster.unknown_iterator"): PASSED,
        ("ECSX_017", "aws_ecs_cluster.custom_iterator"): UNKNOWN,
        ("ECSX_001", "aws_ecs_cluster.literal_dynamic_bad"): FAILED,
        ("ECSX_017", "aws_ecs_cluster.literal_dynamic_bad"): FAILED,
        ("ECSX_004", "aws_ecs_cluster.literal_dynamic_unencrypted"): FAILED,
    },
    "malformed_containers": {
        ("ECSX_011", "aws_ecs_task_definition.malformed"): UNKNOWN,
        ("ECSX_006", "aws_ecs_task_definition.malformed"): UNKNOWN,
        ("ECSX_011", "aws_ecs_task_definition.static_keys"): FAILED,
        ("ECSX_006", "aws_ecs_task_definition.static_keys"): PASSED,
        ("ECSX_006", "aws_ecs_task_definition.shares_exec_group"): FAILED,
    },
    "no_instances": {
        ("ECSX_014", "aws_iam_policy.p_count0"): UNKNOWN,
        ("ECSX_014", "aws_iam_policy.p_cond"): UNKNOWN,
        ("ECSX_014", "aws_iam_policy.p_each_empty"): UNKNOWN,
        ("ECSX_014", "aws_iam_policy.p_each_map_empty"): UNKNOWN,
        ("ECSX_014", "aws_iam_policy.p_one[0]"): FAILED,
    },
    "realistic_mistakes": {
        ("ECSX_001", "aws_ecs_cluster.m_default"): FAILED,  # logging = "DEFAULT" with log_configuration
        ("ECSX_001", "aws_ecs_cluster.m_omitted"): FAILED,  # logging omitted
        ("ECSX_017", "aws_ecs_cluster.m_setting"): FAILED,  # setting "executeCommand"
        ("ECSX_006", "aws_ecs_task_definition.app_json"): FAILED,  # awslogs-group = exec group (jsonencode)
        ("ECSX_006", "aws_ecs_task_definition.app_heredoc"): FAILED,  # ... (heredoc JSON)
        ("ECSX_006", "aws_ecs_task_definition.app_ref"): FAILED,  # ... (reference to the exec group)
        ("ECSX_011", "aws_ecs_task_definition.app_json"): FAILED,  # AWS_ACCESS_KEY_ID, readonlyRootFilesystem
        ("ECSX_011", "aws_ecs_task_definition.app_heredoc"): FAILED,  # AWS_SECRET_ACCESS_KEY in secrets
        ("ECSX_012", "aws_ecs_service.svc_json"): FAILED,  # enable_execute_command = true
        ("ECSX_013", "aws_ecs_service.svc_cd"): FAILED,  # force_new_deployment on CODE_DEPLOY
        ("ECSX_007", "aws_iam_role_policy.task_star"): FAILED,  # PutLogEvents on *, no DescribeLogGroups
        ("ECSX_008", "aws_iam_role_policy.task_star"): FAILED,  # PutObject without GetEncryptionConfiguration
        ("ECSX_009", "aws_iam_role_policy.task_star"): PASSED,
    },
    "round_two": {
        ("ECSX_018", "aws_sfn_state_machine.templated"): UNKNOWN,  # templatefile(...)
        ("ECSX_018", "aws_sfn_state_machine.from_input"): UNKNOWN,  # "EnableExecuteCommand.$"
        ("ECSX_018", "aws_batch_job_definition.container_only"): PASSED,
        ("ECSX_019", "aws_iam_policy.guard_for_any_value"): PASSED,  # ForAnyValue:StringEquals, ecs:*
        ("ECSX_019", "aws_iam_policy.guard_not_action"): FAILED,  # NotAction leaves StartTask out
        ("ECSX_022", "aws_iam_policy.cluster_name_if_exists"): FAILED,  # StringEqualsIfExists "payments"
        ("ECSX_023", "aws_iam_role.account_id_from_data"): FAILED,  # account id from a data source
        ("ECSX_023", "aws_iam_role.source_identity_if_exists"): FAILED,  # IfExists binds nobody
        ("ECSX_023", "aws_iam_role.principal_arn_if_exists"): PASSED,  # aws:PrincipalArn always present
    },
    "realistic_mistakes_iam": {
        ("ECSX_007", "aws_iam_role_policy.task_logs_wild"): FAILED,  # arn:aws:logs:*:*:*
        ("ECSX_014", "aws_iam_role_policy.op_star"): FAILED,  # ecs:ExecuteCommand on * without condition
        ("ECSX_016", "aws_iam_policy.op_ssm"): FAILED,  # ssm:StartSession on * without a Deny
    },
    "policy_shapes": {
        ("ECSX_007", "aws_iam_policy.layered_adds_star"): FAILED,
        ("ECSX_007", "aws_iam_policy.layered_broad"): FAILED,
        ("ECSX_007", "aws_iam_policy.layered_overridden"): PASSED,
        ("ECSX_009", "aws_iam_policy.layered_overridden"): PASSED,
        ("ECSX_007", "aws_iam_policy.layered_unknown"): UNKNOWN,
        ("ECSX_007", "aws_iam_policy.heredoc_ok"): PASSED,
        ("ECSX_009", "aws_iam_policy.heredoc_ok"): PASSED,
        ("ECSX_007", "aws_iam_policy.not_action_everything"): FAILED,
        ("ECSX_014", "aws_iam_policy.not_action_everything"): FAILED,
        ("ECSX_016", "aws_iam_policy.not_action_everything"): FAILED,
        ("ECSX_014", "aws_iam_policy.exec_star_with_condition"): PASSED,
        ("ECSX_014", "aws_iam_policy.mixed_resources"): PASSED,
        ("ECSX_015", "aws_iam_policy.mixed_resources"): FAILED,
    },
}


@pytest.fixture(scope="module")
def report() -> ScanReport:
    return scan(sorted(HOSTILE / case for case in EXPECTED), skip_file=None, our_checks_only=True)


def _result(report: ScanReport, case: str, check_id: str, resource: str) -> str:
    folder = (HOSTILE / case).resolve()

    def hit(findings: list[Finding]) -> bool:
        return any(
            f.check_id == check_id and f.resource == resource and Path(f.file).resolve().parent == folder
            for f in findings
        )

    if hit(report.failed + report.warnings):
        return FAILED
    return PASSED if hit(report.passed_results) else UNKNOWN


@pytest.mark.parametrize(
    ("case", "check_id", "resource", "expected"),
    [(case, cid, res, exp) for case, table in EXPECTED.items() for (cid, res), exp in table.items()],
    ids=lambda v: str(v),
)
def test_hostile_result(report: ScanReport, case: str, check_id: str, resource: str, expected: str) -> None:
    assert _result(report, case, check_id, resource) == expected


def test_crashing_check_is_one_line_error_without_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in one of our graph checks fails the scan (never a silent PASS) with one line naming the
    check; the traceback is logged at debug level only (shown with -v)."""
    from exec_checks.model import TfModel

    def boom(connector: object) -> TfModel:
        raise KeyError("options")

    # every graph check builds its model first: make that fail (checkov may hold its own copies of
    # the check classes, but they all share exec_checks.model)
    monkeypatch.setattr(TfModel, "from_connector", staticmethod(boom))
    caplog.set_level(logging.INFO, logger="exec_checks")
    with pytest.raises(OperatorError, match=r"^a policy check crashed: .*ECSX_006: KeyError"):
        scan([HOSTILE / "malformed_containers"], skip_file=None, our_checks_only=True)
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and r.exc_info]


def test_cluster_exec_config_read_once_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task-role checks ask for every cluster's exec configuration per policy: it is computed once
    per graph check and cluster (300 clusters took ~60 s when it was recomputed per pair)."""
    import exec_checks.ecs as ecs

    calls: list[str] = []
    original = ecs.exec_config

    def counting(conf: dict[str, Any], resolve: Resolver | None = None) -> ecs.ExecConfig:
        calls.append(str(conf.get("__address__")))
        return original(conf, resolve)

    monkeypatch.setattr(ecs, "exec_config", counting)
    scan([HOSTILE / "policy_shapes"], skip_file=None, our_checks_only=True)
    assert calls and max(calls.count(a) for a in set(calls)) <= len(our_checks())
