"""The root command: exit-code mapping, usage errors, formatters."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import click
import pytest
from botocore.exceptions import ClientError, NoCredentialsError
from click.testing import CliRunner

from ecs_exec.cli import exec_window_main, main
from ecs_exec.cli.common import OperatorGroup
from ecs_exec.cli.output import emit_csv, emit_json, render_table
from ecs_exec.errors import AwsError, ConfigError, ExitCode, combine, exit_code_for


def _group_raising(exc: BaseException) -> click.Group:
    @click.group(cls=OperatorGroup)
    def root() -> None:
        pass

    @root.command()
    def boom() -> None:
        raise exc

    return root


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (ConfigError("clusters[0].name: bad"), ExitCode.INVALID, "clusters[0].name: bad"),
        (AwsError("no credentials"), ExitCode.AWS, "no credentials"),
        (
            ClientError({"Error": {"Code": "AccessDeniedException", "Message": "nope"}}, "DescribeClusters"),
            ExitCode.AWS,
            "AccessDeniedException: nope",
        ),
        (NoCredentialsError(), ExitCode.AWS, "Unable to locate credentials"),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, "interrupted"),
        (RuntimeError("kaput"), ExitCode.ERROR, "kaput"),
    ],
)
def test_exceptions_become_one_line_and_exit_code(exc: BaseException, code: ExitCode, text: str) -> None:
    result = CliRunner().invoke(_group_raising(exc), ["boom"])
    assert result.exit_code == int(code)
    assert text in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unknown_option_is_usage_error_2() -> None:
    result = CliRunner().invoke(main, ["schema", "--bogus"])
    assert result.exit_code == 2


def test_schema_is_json_schema_of_the_config() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert {"environment", "region", "account_id", "clusters"} <= set(schema["required"])


def test_exec_window_shares_window_commands() -> None:
    assert exec_window_main.commands is main.commands["window"].commands  # type: ignore[attr-defined]


def test_combine_partial_wins_over_findings() -> None:
    assert combine([ExitCode.FINDINGS, ExitCode.PARTIAL, ExitCode.OK]) is ExitCode.PARTIAL
    assert combine([ExitCode.OK, ExitCode.FINDINGS]) is ExitCode.FINDINGS
    assert combine([]) is ExitCode.OK
    assert exit_code_for(ValueError()) is ExitCode.ERROR


def test_formatters() -> None:
    assert render_table([{"a": 1, "b": None}], ["a", "b"]).splitlines() == ["A  B", "1"]
    buf = io.StringIO()
    emit_csv([{"a": "x,y", "b": 2}], ["a", "b"], buf)
    assert buf.getvalue() == 'a,b\n"x,y",2\n'
    buf = io.StringIO()
    emit_json({"b": 1, "a": [1]}, buf)
    assert json.loads(buf.getvalue()) == {"a": [1], "b": 1}


def test_closed_pipe_is_not_an_error() -> None:
    code = "from ecs_exec.cli.output import emit_json\nemit_json({'rows': ['x' * 100] * 5000})\n"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f'{sys.executable} -c "{code}" | head -c 10 > /dev/null'],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr


def test_invalid_endpoint_is_an_aws_error_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecs_exec.aws import ClientFactory

    monkeypatch.setenv("AWS_ENDPOINT_URL", "notaurl")
    with pytest.raises(AwsError) as err:
        ClientFactory("us-east-1").client("ecs")
    assert "AWS_ENDPOINT_URL=notaurl" in str(err.value)
    assert err.value.exit_code is ExitCode.AWS
