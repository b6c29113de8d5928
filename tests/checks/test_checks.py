"""Our checkov checks on their example folders, with the real checkov (one scan per session).

Convention: ``examples/<CheckClass>/{pass,fail}/*.tf``; in a ``fail`` folder every resource of the
check's types named ``fail*`` must fail it and nothing else may; a ``pass`` folder has no failure
of that check. Resources named ``unknown*`` depend on values only known at plan time: they must
not fail (checkov's UNKNOWN).
"""

from __future__ import annotations

import json
from pathlib import Path

import hcl2
import pytest
from click.testing import CliRunner

from ecs_exec.cli import main
from ecs_exec.errors import ConfigError, InvalidValueError
from exec_checks import CHECK_PREFIX
from exec_checks.catalog import CheckInfo, our_checks
from exec_checks.report import ScanReport
from exec_checks.scan import scan, syntax_error_message

EXAMPLES = Path(__file__).parent / "examples"
CHECKS = our_checks()


@pytest.fixture(scope="session")
def example_report() -> ScanReport:
    """One in-process checkov run over every example folder (our checks only)."""
    folders = sorted(p for p in EXAMPLES.glob("*/*") if p.is_dir())
    return scan(folders, skip_file=None, our_checks_only=True)


def _failing(report: ScanReport, folder: Path, check_id: str) -> set[str]:
    out = set()
    for f in report.failed + report.warnings:
        if f.check_id == check_id and Path(f.file).resolve().parent == folder.resolve():
            out.add(f.resource)
    return out


def _expected(folder: Path, check: CheckInfo) -> set[str]:
    out = set()
    for tf in folder.glob("*.tf"):
        parsed = hcl2.loads(tf.read_text())
        # data sources too (ECSX_019 judges a free-standing aws_iam_policy_document): checkov's
        # record names them as <type>.<name>
        for block in parsed.get("resource", []) + parsed.get("data", []):
            for rtype, named in block.items():
                out |= {
                    f"{rtype}.{name}"
                    for name in named
                    if rtype in check.resource_types and name.startswith("fail")
                }
    return out


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.check_id}-{c.name}")
def test_fail_examples(example_report: ScanReport, check: CheckInfo) -> None:
    folder = EXAMPLES / check.name / "fail"
    expected = _expected(folder, check)
    assert expected, f"{folder} names no fail* resource"
    assert _failing(example_report, folder, check.check_id) == expected


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.check_id}-{c.name}")
def test_pass_examples(example_report: ScanReport, check: CheckInfo) -> None:
    assert _failing(example_report, EXAMPLES / check.name / "pass", check.check_id) == set()


def test_warning_level_check_does_not_fail(example_report: ScanReport) -> None:
    warned = {f.check_id for f in example_report.warnings}
    assert warned == {c.check_id for c in CHECKS if c.level == "warning"}
    assert not any(f.check_id in warned for f in example_report.failed)


def test_meta_ids_unique_prefixed_hinted_and_exampled() -> None:
    ids = [c.check_id for c in CHECKS]
    assert len(ids) == len(set(ids)) == 23
    for c in CHECKS:
        assert c.check_id.startswith(CHECK_PREFIX)
        assert not c.check_id.startswith(("CKV_AWS_", "CKV2_AWS_"))
        assert c.hint.strip() and "\n" not in c.message
        assert c.level in ("error", "warning")
        for kind in ("pass", "fail"):
            assert list((EXAMPLES / c.name / kind).glob("*.tf")), f"{c.name}: no {kind} example"
    assert {p.name for p in EXAMPLES.iterdir() if p.is_dir()} == {c.name for c in CHECKS}


def test_sarif_is_one_document_with_error_results(example_report: ScanReport) -> None:
    folder = EXAMPLES / "ExecLoggingExplicit" / "fail"
    result = CliRunner().invoke(main, ["check", str(folder), "--ours-only", "--no-skips", "-o", "sarif"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)  # stdout holds exactly one JSON document
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        for r in results
        if r["ruleId"] == "ECSX_001"
    } == {
        "aws_ecs_cluster.fail_default_with_log_configuration",
        "aws_ecs_cluster.fail_logging_missing",
    }
    for r in results:
        assert r["level"] == "error"
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_sarif_from_report_marks_warnings(example_report: ScanReport) -> None:
    doc = example_report.to_sarif()
    levels = {(r["ruleId"], r["level"]) for r in doc["runs"][0]["results"]}
    assert ("ECSX_015", "warning") in levels
    assert all(level == "error" for rule, level in levels if rule != "ECSX_015")


def test_check_exit_codes_and_table(example_report: ScanReport) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        main, ["check", str(EXAMPLES / "ExecNotHardCoded" / "pass"), "--ours-only", "--no-skips"]
    )
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        main, ["check", str(EXAMPLES / "ExecNotHardCoded" / "fail"), "--ours-only", "--no-skips"]
    )
    assert bad.exit_code == 3
    assert "ECSX_012" in bad.stdout and "aws_ecs_service.fail_on" in bad.stdout and "main.tf" in bad.stdout


def test_syntax_error_exits_4_with_one_line(tmp_path: Path, example_report: ScanReport) -> None:
    (tmp_path / "ok.tf").write_text('resource "aws_ecs_cluster" "a" {\n  name = "a"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_ecs_cluster" "b" {\n  name = \n}\n')
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--no-skips"])
    assert result.exit_code == 4
    assert "broken.tf:2" in result.stderr and "HCL syntax error" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(ConfigError):
        scan([tmp_path], skip_file=None, our_checks_only=True)


def test_unclosed_brace_is_unexpected_end_of_file_at_the_brace(
    tmp_path: Path, example_report: ScanReport
) -> None:
    # Was "main.tf:2:15: HCL syntax error (unexpected '')": lark's end-of-input token, printed as is.
    (tmp_path / "main.tf").write_text('resource "x" "y" {\n  a = 1\n')
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--no-skips"])
    assert result.exit_code == 4
    assert result.stderr.strip().endswith(
        "main.tf:1:18: HCL syntax error (unexpected end of file: '{' never closed)"
    )
    assert "unexpected ''" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_end_of_file_without_an_open_brace_points_at_the_last_line(tmp_path: Path) -> None:
    broken = tmp_path / "vars.tf"
    broken.write_text("locals {\n  a = 1\n}\nb = 1 +\n")
    assert syntax_error_message(broken).endswith("vars.tf:4: HCL syntax error (unexpected end of file)")


def test_missing_path_is_invalid_value() -> None:
    with pytest.raises(InvalidValueError):
        scan([Path("/nonexistent/terraform")], skip_file=None)


def test_skip_file_moves_failures_to_skipped_with_reason(tmp_path: Path, example_report: ScanReport) -> None:
    skip = tmp_path / "skips.yaml"
    skip.write_text(
        "skips:\n"
        "  - id: ECSX_012\n    reason: demo service keeps exec on\n    resource: aws_ecs_service.fail_on\n"
    )
    report = scan([EXAMPLES / "ExecNotHardCoded" / "fail"], skip_file=skip, our_checks_only=True)
    assert {f.resource for f in report.failed if f.check_id == "ECSX_012"} == {
        "aws_ecs_service.fail_variable_default_on"
    }
    assert [(s.check_id, s.resource, s.reason, s.source) for s in report.skipped] == [
        ("ECSX_012", "aws_ecs_service.fail_on", "demo service keeps exec on", "skip-file")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "skips:\n  - id: ECSX_012\n",
        "skips:\n  - id: ECSX_012\n    reason: ''\n",
        "skips: [\n",
        "skips:\n  - idd: X\n    reason: r\n",
    ],
)
def test_bad_skip_file_is_config_error(tmp_path: Path, text: str) -> None:
    from exec_checks.skips import load_skips

    skip = tmp_path / "skips.yaml"
    skip.write_text(text)
    with pytest.raises(ConfigError, match="skips.yaml"):
        load_skips(skip)


def test_committed_skip_file_is_valid() -> None:
    from exec_checks.skips import load_skips

    entries = load_skips(Path(__file__).parents[2] / "checkov-skips.yaml")
    assert all(e.reason for e in entries)
    assert not any(e.id.startswith(CHECK_PREFIX) for e in entries), "our own checks are fixed, not skipped"


def _passed(report: ScanReport, folder: Path, check_id: str) -> set[str]:
    return {
        f.resource
        for f in report.passed_results
        if f.check_id == check_id and Path(f.file).resolve().parent == folder.resolve()
    }


def test_start_session_check_passes_a_deny_and_a_policy_without_it(example_report: ScanReport) -> None:
    folder = EXAMPLES / "OperatorStartSessionDeny"
    assert _passed(example_report, folder / "pass", "ECSX_016") == {
        "aws_iam_policy.guarded",
        "aws_iam_role_policy.scoped",
        "aws_iam_role_policy.deny_only",
        "aws_iam_policy.not_granted",
    }
    # Actions from a variable: UNKNOWN (checkov records nothing), neither passed nor failed.
    assert "aws_iam_policy.unknown_actions" not in _passed(example_report, folder / "fail", "ECSX_016")


def test_a_deny_narrower_than_the_allow_still_passes_the_logs_check(example_report: ScanReport) -> None:
    folder = EXAMPLES / "ExecTaskRoleCloudWatchPermissions" / "pass"
    assert "aws_iam_role_policy.exec_without_window_events" in _passed(example_report, folder, "ECSX_007")


def test_directory_without_terraform_is_exit_4_before_checkov(tmp_path: Path) -> None:
    from ecs_exec.errors import InvalidValueError
    from exec_checks.scan import scan

    (tmp_path / "README.md").write_text("not terraform\n")
    with pytest.raises(InvalidValueError, match="no Terraform"):
        scan([tmp_path])
    (tmp_path / "main.tf.json").write_text("{}\n")
    with pytest.raises(InvalidValueError, match=r"1 \.tf\.json file\(s\) found"):
        scan([tmp_path])


def test_guard_check_judges_guards_only(example_report: ScanReport) -> None:
    folder = EXAMPLES / "ExecGuardComplete" / "pass"
    # A role's own inline limit (Bool, UpdateService only) and a policy without the key: no record;
    # a document read by a managed policy is judged through that policy, not twice; a group's
    # inline policy binds every member: judged.
    assert _passed(example_report, folder, "ECSX_019") == {
        "aws_iam_policy.guard",
        "aws_organizations_policy.scp",
        "aws_iam_policy.guard_from_document",
        "aws_iam_group_policy.developers_guard",
    }
    assert "aws_iam_policy.unknown_actions" not in _passed(
        example_report, EXAMPLES / "ExecGuardComplete" / "fail", "ECSX_019"
    )


ROUND_TWO = {
    "ECSX_018": "ExecLauncherNotHardCoded",
    "ECSX_019": "ExecGuardComplete",
    "ECSX_020": "ExecReachableContainerHazards",
    "ECSX_021": "OperatorExecKmsDataKey",
    "ECSX_022": "OperatorClusterConditionArn",
    "ECSX_023": "ExecRoleTrustBound",
}


@pytest.mark.parametrize(("check_id", "name"), sorted(ROUND_TWO.items()))
def test_round_two_reports_in_every_format(example_report: ScanReport, check_id: str, name: str) -> None:
    folder = str(EXAMPLES / name / "fail")
    runner = CliRunner()
    table = runner.invoke(main, ["check", folder, "--ours-only", "--no-skips"])
    assert table.exit_code == 3 and check_id in table.stdout
    doc = json.loads(runner.invoke(main, ["check", folder, "--ours-only", "--no-skips", "-o", "json"]).stdout)
    assert any(f["check_id"] == check_id and f["hint"] for f in doc["failed"]), doc["failed"]
    sarif = json.loads(
        runner.invoke(main, ["check", folder, "--ours-only", "--no-skips", "-o", "sarif"]).stdout
    )
    run = sarif["runs"][0]
    assert any(r["ruleId"] == check_id and r["level"] == "error" for r in run["results"])
    assert check_id in [r["id"] for r in run["tool"]["driver"]["rules"]]


def test_scan_accepts_str_and_path_like_paths() -> None:
    """The README documents ``scan(paths)``: a ``str`` (alone or in a list) works as a ``Path`` does."""
    folder = EXAMPLES / "ExecNotHardCoded" / "fail"
    expected = {f.resource for f in scan([folder], skip_file=None, our_checks_only=True).failed}
    assert expected
    for given in ([str(folder)], str(folder), folder):
        report = scan(given, skip_file=None, our_checks_only=True)
        assert {f.resource for f in report.failed} == expected
