"""``--events-file`` parsing (pure, no AWS): both file shapes, gzip, directories, stdin, scope, bad files."""

from __future__ import annotations

import gzip
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from audit_records import assumed_role, execute_command, iam_user, lookup_event, page, start_session

from reconciler.audit import event_files
from reconciler.audit.event_files import EventFileError, expand, load_event_files
from reconciler.audit.report import file_sessions
from reconciler.audit.timerange import TimeRange

ACCOUNT = "123456789012"
REGION = "us-east-1"
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cloudtrail-exec-sample.json"


def _other(name: str = "DescribeTasks") -> dict[str, Any]:
    rec = execute_command(iam_user(), session_id=None)
    rec["eventName"] = name
    return rec


def _trail(records: list[dict[str, Any]]) -> bytes:
    return json.dumps({"Records": records}).encode()


def _load(*paths: Path | str, stdin: io.BytesIO | None = None) -> Any:
    return load_event_files([str(p) for p in paths], ACCOUNT, REGION, stdin)


def test_trail_log_file_keeps_only_exec_records(tmp_path: Path) -> None:
    ec = execute_command(iam_user(), session_id="ecs-execute-command-0000000000000000a")
    ss = start_session(assumed_role())
    path = tmp_path / "trail.json"
    path.write_bytes(_trail([_other(), ec, _other("ListTasks"), ss]))
    events = _load(path)
    assert [r["eventID"] for r in events.records] == [ec["eventID"], ss["eventID"]]
    assert (events.files, events.read, events.other_scope, events.unreadable) == ([str(path)], 4, 0, 0)


def test_gzipped_trail_file_as_delivered_to_s3(tmp_path: Path) -> None:
    ec = execute_command(iam_user())
    path = tmp_path / f"{ACCOUNT}_CloudTrail_{REGION}_20261130T1005Z_abcdEFGH1234.json.gz"
    path.write_bytes(gzip.compress(_trail([ec])))
    assert [r["eventID"] for r in _load(path).records] == [ec["eventID"]]


def test_lookup_events_export_decodes_cloudtrail_event_strings(tmp_path: Path) -> None:
    ec = execute_command(assumed_role(source_identity="bob@example.com"))
    export = page([ec, _other()], next_token="tok")  # `aws cloudtrail lookup-events` output
    export["Events"].append({**lookup_event(ec), "EventId": "x", "CloudTrailEvent": "{not json"})
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    events = _load(path)
    assert events.records == [ec]
    assert (events.read, events.unreadable) == (3, 1)


def test_directory_is_searched_recursively(tmp_path: Path) -> None:
    day = tmp_path / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "11" / "30"
    day.mkdir(parents=True)
    first, second = execute_command(iam_user("a")), execute_command(iam_user("b"))
    (day / "b_1010Z.json.gz").write_bytes(gzip.compress(_trail([second])))
    (day / "a_1005Z.json").write_bytes(_trail([first]))
    (day / "notes.txt").write_text("not a trail file")
    digest = tmp_path / "AWSLogs" / ACCOUNT / "CloudTrail-Digest" / REGION / "2026" / "11" / "30"
    digest.mkdir(parents=True)
    (digest / "digest.json.gz").write_bytes(gzip.compress(b'{"digestStartTime": "2026-11-30T10:00:00Z"}'))
    events = _load(tmp_path)
    assert [Path(f).name for f in events.files] == ["a_1005Z.json", "b_1010Z.json.gz"]
    assert [r["eventID"] for r in events.records] == [first["eventID"], second["eventID"]]


def test_stdin_plain_and_gzipped() -> None:
    ec = execute_command(iam_user())
    assert _load("-", stdin=io.BytesIO(_trail([ec]))).records == [ec]
    gz = gzip.compress(json.dumps(page([ec])).encode())
    assert _load("-", stdin=io.BytesIO(gz)).files == ["-"]
    assert _load("-", stdin=io.BytesIO(gz)).records == [ec]


def test_same_record_twice_is_kept_once_and_the_same_file_read_once(tmp_path: Path) -> None:
    ec = execute_command(iam_user())
    (tmp_path / "a.json").write_bytes(_trail([ec]))
    (tmp_path / "b.json").write_text(json.dumps(page([ec])), encoding="utf-8")
    events = _load(tmp_path / "a.json", tmp_path, tmp_path / "b.json")
    assert events.files == [str(tmp_path / "a.json"), str(tmp_path / "b.json")]
    assert (len(events.records), events.duplicates) == (1, 1)


def test_records_of_another_account_or_region_are_dropped(tmp_path: Path) -> None:
    here = execute_command(iam_user())
    other_region = {**execute_command(iam_user()), "awsRegion": "eu-west-1"}
    other_account = {**execute_command(iam_user()), "recipientAccountId": "444455556666"}
    no_scope_fields = execute_command(iam_user())
    del no_scope_fields["awsRegion"], no_scope_fields["recipientAccountId"]
    path = tmp_path / "org-trail.json"
    path.write_bytes(_trail([here, other_region, other_account, no_scope_fields]))
    events = _load(path)
    assert [r["eventID"] for r in events.records] == [here["eventID"], no_scope_fields["eventID"]]
    assert events.other_scope == 2


def test_sample_file_is_a_trail_log_file() -> None:
    events = _load(SAMPLE)
    assert events.read == 5
    assert [r["eventName"] for r in events.records] == ["ExecuteCommand"] * 3 + ["StartSession"]
    assert {r["requestParameters"].get("cluster", "demo-app") for r in events.records} == {"demo-app"}
    assert [r.get("errorCode") for r in events.records] == ["InvalidParameterException", None, None, None]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("not-json.json", b"Records: []", "not JSON"),
        ("list.json", b"[]", "not a CloudTrail file"),
        ("digest.json", b'{"digestStartTime": "x"}', "not a CloudTrail file"),
        ("bad-event.json", b'{"Events": [{"EventId": "x"}]}', "Events[0] has no CloudTrailEvent"),
        ("truncated.json.gz", gzip.compress(b'{"Records": []}')[:12], "not a valid gzip file"),
        ("binary.json", b"\xff\xfe\x00garbage", "not JSON"),
    ],
)
def test_bad_file_names_the_file(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(EventFileError) as err:
        _load(path)
    assert str(err.value).startswith(f"--events-file: {path}: {reason}")
    assert "\n" not in str(err.value)
    assert err.value.exit_code == 4


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(EventFileError, match=r"--events-file: .*nope\.json: no such file or directory"):
        expand([str(tmp_path / "nope.json")])
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(EventFileError, match="directory holds no .json or .json.gz file"):
        expand([str(tmp_path / "empty")])


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root (this suite may run as root): make the read itself fail.
    path = tmp_path / "secret.json"
    path.write_bytes(_trail([]))

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(EventFileError, match=r"secret\.json: cannot read: Permission denied"):
        _load(path)


def test_fifo_is_not_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(EventFileError, match=r"pipe\.json: not a regular file or directory"):
        expand([str(fifo)])


def test_a_bad_file_after_good_ones_still_fails(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(_trail([execute_command(iam_user())]))
    (tmp_path / "b.json").write_bytes(b"{}")
    with pytest.raises(EventFileError, match=r"b\.json: not a CloudTrail file"):
        _load(tmp_path)


def test_bad_stdin_is_named_stdin() -> None:
    with pytest.raises(EventFileError, match=r"^--events-file: stdin: not JSON"):
        _load("-", stdin=io.BytesIO(b"nope"))


@pytest.mark.parametrize("stdin", [False, True])
def test_a_gzip_bomb_is_refused_without_inflating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdin: bool
) -> None:
    monkeypatch.setattr(event_files, "MAX_DECOMPRESSED_BYTES", 1024 * 1024)
    # Valid JSON of the trail shape, 8 MiB inflated, a few KB on disk.
    bomb = gzip.compress(b'{"Records": [], "pad": "' + b"a" * (8 * 1024 * 1024) + b'"}')
    assert len(bomb) < 64 * 1024
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(bomb)
    with pytest.raises(EventFileError) as err:
        _load("-", stdin=io.BytesIO(bomb)) if stdin else _load(path)
    name = "stdin" if stdin else str(path)
    assert str(err.value).startswith(f"--events-file: {name}: decompresses to more than 1048576 bytes")
    assert err.value.exit_code == 4 and "\n" not in str(err.value)
    small = gzip.compress(_trail([execute_command(iam_user())]))
    (tmp_path / "bomb.json.gz").write_bytes(small)  # under the limit: read as before
    assert len(_load(path).records) == 1


def test_unreadable_records_inside_a_good_file_are_skipped_and_counted(tmp_path: Path) -> None:
    ec = execute_command(iam_user(), session_id="ecs-execute-command-0000000000000000b")
    trail = tmp_path / "trail.json"
    trail.write_bytes(json.dumps({"Records": [1, ec, "x", None]}).encode())
    events = _load(trail)
    assert (events.records, events.read, events.unreadable) == ([ec], 4, 3)
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"Events": [{"CloudTrailEvent": 5}, lookup_event(ec)]}), encoding="utf-8")
    events = _load(export)
    assert (events.records, events.read, events.unreadable) == ([ec], 2, 1)


def test_an_exec_record_without_event_source_is_unreadable_not_silently_dropped(tmp_path: Path) -> None:
    ok = execute_command(iam_user(), session_id="ecs-execute-command-0000000000000000c")
    nosource = execute_command(iam_user(), session_id="ecs-execute-command-0000000000000000d")
    del nosource["eventSource"]
    other = {**execute_command(iam_user()), "eventSource": "example.amazonaws.com", "eventID": "other"}
    path = tmp_path / "trail.json"
    path.write_bytes(_trail([ok, nosource, other]))
    events = _load(path)
    # Counted as an exec record of the account (the summary line) ...
    assert [r["eventID"] for r in events.records] == [ok["eventID"], nosource["eventID"]]
    notes: list[str] = []
    rng = TimeRange(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    sessions = file_sessions(events, rng, notes)
    # ... and then in the "skipped unreadable" note, not silently no session.
    assert [s.event_id for s in sessions] == [ok["eventID"]]
    assert notes == ["skipped 1 unreadable CloudTrail record(s)"]
