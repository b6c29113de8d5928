"""An AWS response the SDK cannot read (a JSON body where IAM's query protocol sends XML: botocore's
``ResponseParserError``) is an AWS error: one line, exit 5, no traceback (the real CLI against a
local HTTP endpoint that answers JSON to everything)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from botocore.parsers import ResponseParserError

from ecs_exec.errors import ExitCode, exit_code_for

ECS_EXEC = str(Path(sys.executable).with_name("ecs-exec"))


class _Json(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"not": "xml"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def json_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Json)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_json_body_where_xml_is_expected_exits_5_with_one_line(json_endpoint: str) -> None:
    done = subprocess.run(
        [ECS_EXEC, "access", "report", "--env", "local"],
        env={
            **os.environ,
            "AWS_ENDPOINT_URL": json_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_MAX_ATTEMPTS": "1",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == ExitCode.AWS, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "unreadable AWS response" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_the_shared_mapping_names_the_parser_error_an_aws_error() -> None:
    assert exit_code_for(ResponseParserError("Unable to parse response")) is ExitCode.AWS
