#!/usr/bin/env python3
"""Benchmark ``ecs-exec audit --events-file`` on an organization trail and the embedded moto server.

Writes a synthetic organization trail (``AWSLogs/<org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/
*.json.gz``; ``--records`` records in files of ``--per-file``, of which ``--sessions`` are
``ExecuteCommand`` calls made with role-session credentials and as many the ``AssumeRole`` events that
issued them; the rest other API calls of the same size), seeds a moto server with a transcript for every
other session (a log stream in the cluster's exec log group and an S3 object in its versioned bucket)
plus ``--old-streams`` streams older than the period, then measures:

- reading the trail: a single-threaded ``gzip`` + ``json.load`` of every file (the baseline) against
  :func:`reconciler.audit.event_files.load_event_files` (worker processes);
- the whole audit (read + join + AWS) in a child process: wall time, peak RSS (the child and its
  workers), AWS calls by operation, and transcript-discovery calls against the minimum (the listing
  pages: ``⌈streams / 50⌉ + ⌈versions / 1000⌉``) and against one lookup per session and place.

    python bench/audit_bench.py                       # 200,000 records, 2,000 sessions
    python bench/audit_bench.py --records 20000 --sessions 200

Results: a table on stdout and ``bench/results/audit-<UTC time>.json`` (git-ignored). Progress: stderr.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNT = "123456789012"
REGION = "us-east-1"
ORG = "o-bench00001"
CLUSTER = "bench"
FILLER_NAMES = ("DescribeInstances", "GetObject", "PutMetricData", "Decrypt", "ListTasks", "DescribeServices")


def bench_spec() -> Any:
    """One windowed cluster with CloudWatch and S3 transcripts."""
    from generator.spec import EnvironmentSpec

    return EnvironmentSpec.model_validate(
        {
            "environment": "bench",
            "region": REGION,
            "account_id": ACCOUNT,
            "exec_logging": {"s3": {"bucket_prefix": "bench-transcripts", "key_prefix": "exec/"}},
            "windows": {"role_name": "w", "scheduler_role_name": "s", "schedule_group_name": "g",
                        "dead_letter_queue_name": "q"},
            "drift_role_name": "d",
            "clusters": [{"name": CLUSTER, "exec": {"mode": "windowed"}}],
        }
    )  # fmt: skip


def _sid(n: int) -> str:
    return f"ecs-execute-command-{n:017x}"


def _identity(n: int) -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": f"AROABENCH:user{n % 300}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ecs-exec-operator-bench/user{n % 300}",
        "accountId": ACCOUNT,
        "accessKeyId": f"ASIABENCH{n:011d}",
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": "AROABENCH", "accountId": ACCOUNT,
                              "arn": f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-operator-bench",
                              "userName": "ecs-exec-operator-bench"},
            "attributes": {"creationDate": "2026-11-30T00:00:00Z", "mfaAuthenticated": "false"},
            "sourceIdentity": f"user{n % 300}",
        },
    }  # fmt: skip


def _base(name: str, source: str, at: datetime, identity: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventVersion": "1.08", "userIdentity": identity, "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source, "eventName": name, "awsRegion": REGION, "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64", "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()), "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }  # fmt: skip


def _session(n: int, at: datetime, task: str) -> dict[str, Any]:
    rec = _base("ExecuteCommand", "ecs.amazonaws.com", at, _identity(n))
    rec["requestParameters"] = {"cluster": CLUSTER, "container": "app", "command": "/bin/sh",
                                "interactive": True, "task": task}  # fmt: skip
    rec["responseElements"] = {
        "clusterArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{CLUSTER}", "containerName": "app",
        "interactive": True, "taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/{CLUSTER}/{task}",
        "session": {"sessionId": _sid(n), "streamUrl": "HIDDEN", "tokenValue": "HIDDEN"},
    }  # fmt: skip
    return rec


def _assume(n: int, at: datetime) -> dict[str, Any]:
    user = f"user{n % 300}"
    rec = _base("AssumeRole", "sts.amazonaws.com", at, {
        "type": "IAMUser", "principalId": f"AIDA{n % 300:016d}", "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
        "accountId": ACCOUNT, "accessKeyId": f"AKIA{n % 300:016d}", "userName": user})  # fmt: skip
    rec["requestParameters"] = {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/ecs-exec-operator-bench",
                                "roleSessionName": user, "sourceIdentity": user}  # fmt: skip
    rec["responseElements"] = {
        "credentials": {"accessKeyId": f"ASIABENCH{n:011d}", "sessionToken": "HIDDEN", "expiration": "x"},
        "assumedRoleUser": {"assumedRoleId": f"AROABENCH:{user}",
                            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ecs-exec-operator-bench/{user}"},
        "sourceIdentity": user,
    }  # fmt: skip
    return rec


def _filler(i: int, at: datetime) -> dict[str, Any]:
    rec = _base(FILLER_NAMES[i % len(FILLER_NAMES)], "ec2.amazonaws.com", at, _identity(i))
    rec["requestParameters"] = {
        "filterSet": {"items": [{"name": "tag:team", "valueSet": {"items": [{"value": "x" * 200}]}}]}
    }
    rec["responseElements"] = None
    return rec


def write_trail(
    root: Path, records: int, sessions: int, per_file: int, start: datetime, span: timedelta
) -> list[dict]:
    """The synthetic trail under ``root``; returns the session records (time order)."""
    out: list[dict[str, Any]] = []
    tasks = [f"{i:032x}" for i in range(100)]
    exec_recs = []
    all_recs: list[dict[str, Any]] = []
    step = span / max(sessions, 1)
    for n in range(sessions):
        at = start + step * n + timedelta(minutes=1)
        exec_recs.append(_session(n, at, tasks[n % len(tasks)]))
        all_recs.append(_assume(n, at - timedelta(seconds=30)))
    all_recs.extend(exec_recs)
    filler = records - len(all_recs)
    fstep = span / max(filler, 1)
    all_recs.extend(_filler(i, start + fstep * i) for i in range(filler))
    all_recs.sort(key=lambda r: r["eventTime"])
    for i in range(0, len(all_recs), per_file):
        chunk = all_recs[i : i + per_file]
        day = datetime.strptime(chunk[0]["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        folder = root / "AWSLogs" / ORG / ACCOUNT / "CloudTrail" / REGION / day.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{ACCOUNT}_CloudTrail_{REGION}_{day:%Y%m%dT%H%M}Z_{i // per_file:06d}.json.gz"
        (folder / name).write_bytes(gzip.compress(json.dumps({"Records": chunk}).encode(), compresslevel=1))
    out.extend(exec_recs)
    return out


def seed(
    endpoint: str, spec: Any, sessions: list[dict[str, Any]], old_streams: int, start: datetime
) -> tuple[int, int]:
    """Transcripts for every other session (stream + S3 object) and old streams; returns (streams, objects)."""
    import boto3

    kw = {"region_name": REGION, "endpoint_url": endpoint, "aws_access_key_id": "testing",
          "aws_secret_access_key": "testing"}  # fmt: skip
    logs, s3, ecs = boto3.client("logs", **kw), boto3.client("s3", **kw), boto3.client("ecs", **kw)
    ecs.create_cluster(clusterName=CLUSTER)
    group = spec.exec_log_group_name(CLUSTER)
    logs.create_log_group(logGroupName=group)
    bucket = spec.s3_bucket_name(CLUSTER)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old_ms = int((start - timedelta(days=2)).timestamp() * 1000)
    for i in range(old_streams):
        logs.create_log_stream(logGroupName=group, logStreamName=f"old-{i:05d}")
        logs.put_log_events(logGroupName=group, logStreamName=f"old-{i:05d}",
                            logEvents=[{"timestamp": old_ms + i, "message": "$ id"}])  # fmt: skip
    n = 0
    for rec in sessions[::2]:
        sid = rec["responseElements"]["session"]["sessionId"]
        at = datetime.strptime(rec["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        ms = int((at + timedelta(minutes=5)).timestamp() * 1000)
        logs.create_log_stream(logGroupName=group, logStreamName=sid)
        logs.put_log_events(
            logGroupName=group, logStreamName=sid, logEvents=[{"timestamp": ms, "message": "$ id"}]
        )
        s3.put_object(Bucket=bucket, Key=f"exec/{sid}.log", Body=b"$ id\n")
        n += 1
    return n + old_streams, n


def baseline(root: Path) -> tuple[float, int]:
    """Single-threaded gzip + json.load of every file: (seconds, records)."""
    files = sorted(root.rglob("*.json.gz"))
    t0 = time.perf_counter()
    count = 0
    for path in files:
        with gzip.open(path, "rb") as fh:
            count += len(json.load(fh)["Records"])
    return time.perf_counter() - t0, count


def peak_rss_mb() -> float:
    """This process's peak resident set (``VmHWM``, reset at exec, unlike ``ru_maxrss``, which Linux
    carries over from the forked parent's memory)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(root: str, since: str, until: str) -> None:
    """Run in a child process: read the trail, run the audit; print the figures as JSON."""
    from ecs_exec.aws import ClientFactory
    from reconciler.audit.callers import MAX_ROLE_SESSION
    from reconciler.audit.event_files import load_event_files
    from reconciler.audit.report import AuditQuery, run_audit
    from reconciler.audit.timerange import TimeRange

    spec = bench_spec()
    rng = TimeRange(datetime.fromisoformat(since), datetime.fromisoformat(until))
    calls: Counter[str] = Counter()
    factory = ClientFactory(REGION)

    def count(model: Any = None, **_: Any) -> None:
        calls[f"{model.service_model.endpoint_prefix}.{model.name}"] += 1

    factory.session.events.register("before-call.*.*", count)
    t0 = time.perf_counter()
    events = load_event_files([root], ACCOUNT, REGION, None, rng.since - MAX_ROLE_SESSION, rng.until)
    t_read = time.perf_counter() - t0
    rss_read_mb = peak_rss_mb()
    report = run_audit(factory, spec, AuditQuery(rng), rng.until, events)
    wall = time.perf_counter() - t0
    self_mb = peak_rss_mb()
    kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    found = sum(1 for r in report.rows if r.transcript.found)
    callers = sum(1 for r in report.rows if r.caller is not None)
    print(json.dumps({
        "read_s": t_read, "wall_s": wall, "rss_self_mb": self_mb, "rss_after_read_mb": rss_read_mb, "rss_worker_mb": kids_kb / 1024,
        "files": len(events.files), "records": events.read, "sessions": len(report.rows), "found": found,
        "callers": callers, "calls": dict(calls), "discovery_calls": report.calls.total,
        "listing_pages": report.calls.listing_pages, "errors": report.errors,
    }))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=200_000, help="trail records (default 200000)")
    ap.add_argument("--sessions", type=int, default=2_000, help="exec sessions (default 2000)")
    ap.add_argument("--per-file", type=int, default=250, help="records per trail file (default 250)")
    ap.add_argument(
        "--old-streams", type=int, default=500, help="streams older than the period (default 500)"
    )
    ap.add_argument("--child", nargs=3, metavar=("ROOT", "SINCE", "UNTIL"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from devtools.moto_server import start_server

    until = datetime.now(UTC).replace(microsecond=0)
    since = until - timedelta(hours=24)
    spec = bench_spec()
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        sessions = write_trail(root, args.records, args.sessions, args.per_file, since, timedelta(hours=22))
        print(f"trail written in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        server = start_server()
        try:
            t0 = time.perf_counter()
            streams, objects = seed(server.endpoint, spec, sessions, args.old_streams, since)
            print(f"moto seeded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            base_s, base_records = baseline(root)
            env = {**os.environ, **server.env()}
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(root), since.isoformat(), until.isoformat()],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
        finally:
            server.stop()
    fig = json.loads(proc.stdout.strip().splitlines()[-1])
    in_period = streams - args.old_streams
    minimum = math.ceil(in_period / 50) + math.ceil(objects / 1000)
    rows = [
        ("records / files", f"{fig['records']:,} / {fig['files']:,}"),
        ("sessions (transcripts found, callers known)", f"{fig['sessions']:,} ({fig['found']:,}, {fig['callers']:,})"),
        ("baseline: 1 thread gzip + json.load", f"{base_s:.2f} s ({base_records:,} records)"),
        ("--events-file read (worker processes)", f"{fig['read_s']:.2f} s ({fig['read_s'] / base_s:.0%} of baseline)"),
        ("audit wall (read + join + AWS)", f"{fig['wall_s']:.2f} s"),
        ("peak RSS: audit process (after the read) / largest worker",
         f"{fig['rss_self_mb']:.0f} MB ({fig['rss_after_read_mb']:.0f} MB) / {fig['rss_worker_mb']:.0f} MB"),
        ("discovery calls (listing pages)", f"{fig['discovery_calls']} ({fig['listing_pages']})"),
        ("minimum: ceil(streams/50) + ceil(versions/1000)", f"{minimum}  ({in_period} streams in the period, "
                                                            f"{args.old_streams} older, {objects} objects)"),
        ("one lookup per session and place", f"{2 * fig['sessions']:,}"),
        ("all AWS calls", ", ".join(f"{k} {v}" for k, v in sorted(fig["calls"].items()))),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"audit-{stamp}.json").write_text(
        json.dumps({**fig, "baseline_s": base_s, "minimum_calls": minimum, "args": vars(args)}, indent=2)
    )


if __name__ == "__main__":
    main()
