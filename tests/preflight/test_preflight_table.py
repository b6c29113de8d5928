"""The preflight table: readable in 100-120 columns, fix on its own indented line, nothing lost."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from reconciler.preflight.iam import simulator_failure
from reconciler.preflight.model import CheckResult, Status
from reconciler.preflight.table import render_table, table_width

KEY = "arn:aws:kms:us-east-1:123456789012:key/a61c0d5e-5a46-44d5-a007-53d1519530a2"
RESULTS = (
    CheckResult("client.aws-cli", "client", Status.PASS, "AWS CLI 2.15.30 at /usr/local/bin/aws"),
    CheckResult(
        "task.role.logs-write",
        "task",
        Status.FAIL,
        "task role arn:aws:iam::123456789012:role/demo-app-api-task may not logs:CreateLogStream, "
        "logs:DescribeLogStreams, logs:PutLogEvents on the exec log group's streams",
        "allow them on arn:aws:logs:us-east-1:123456789012:log-group:/ecs-exec/local/demo-app:* "
        "in the task role's policy (the generator renders it)",
    ),
    CheckResult("cluster.kms-key", "cluster", Status.PASS, f"KMS key {KEY} is Enabled"),
)


@pytest.mark.parametrize("width", [100, 120])
def test_lines_fit_the_width_unless_one_word_is_longer(width: int) -> None:
    text = render_table(RESULTS, width)
    lines = text.splitlines()
    assert lines[0].split() == ["STATUS", "ID", "REASON"]
    for line in lines:
        assert len(line) <= width or len(line.split()) <= 1 or KEY in line, line
    # every word of every reason and fix is there, and the ARN is not broken
    words = text.split()
    for r in RESULTS:
        assert all(w in words for w in (r.reason + " " + r.fix).split())
    assert KEY in words


def test_fix_is_on_its_own_line_indented_under_the_reason() -> None:
    lines = render_table(RESULTS, 100).splitlines()
    [fail] = [i for i, line in enumerate(lines) if line.startswith("FAIL")]
    reason_col = lines[fail].index("task role")
    assert lines[fail].startswith("FAIL    task.role.logs-write")
    fix = [i for i, line in enumerate(lines) if line.lstrip().startswith("fix: ")]
    assert len(fix) == 1 and fix[0] > fail
    assert lines[fix[0]].index("fix: ") == reason_col
    assert lines[fix[0] + 1].startswith(" " * (reason_col + len("fix: ")))  # continuation under the text
    assert not any("fix:" in line for line in lines[:fail])  # a PASS has no fix line


def test_width_is_clamped() -> None:
    assert (table_width(40), table_width(100), table_width(300)) == (72, 100, 120)


@pytest.mark.parametrize(
    ("exc", "short"),
    [
        (ClientError({"Error": {"Code": "AccessDenied", "Message": "long text"}}, "SimulatePrincipalPolicy"), "AccessDenied"),
        (ClientError({"Error": {"Code": "500", "Message": "<html>...</html>"}}, "SimulatePrincipalPolicy"), "HTTP 500"),
        (NotImplementedError("The simulate_principal_policy action has not been implemented"), "not implemented by the endpoint"),
        (TimeoutError("read timed out"), "TimeoutError"),
    ],
)  # fmt: skip
def test_simulator_failure_is_a_few_words(exc: BaseException, short: str) -> None:
    assert simulator_failure(exc) == short
