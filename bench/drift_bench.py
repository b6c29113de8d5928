#!/usr/bin/env python3
"""Benchmark ``drift check`` on the embedded moto server: wall time, peak memory, API calls vs minimum.

Seeds a moto server (child process, :mod:`devtools.moto_server`) with N clusters x M services x K
running tasks (tasks held RUNNING), then runs the drift check in a *separate* child process so that
its peak memory (``ru_maxrss`` and tracemalloc) is the drift run's alone. A second, memory-only run
seeds ``--memory-services`` services without tasks.

    python bench/drift_bench.py                         # 100 x 10 x 2, then 10,000 services
    python bench/drift_bench.py --clusters 20 --memory-services 0

A third run (``--throttled-clusters``, 0 skips it) checks the fleet against a *throttled* stand-in
(:mod:`devtools.throttle`: one token bucket for all ECS calls, ``--throttle-rate`` requests/s,
``--throttle-burst``, ``--throttle-latency-ms`` added to every request) with the client's default
pacing (the published ECS quotas) and one drifted service per cluster, and reports the throttled
answers, errors and findings next to the floor
``ceil((ECS calls - burst) / rate)`` s that no client can beat. The two unthrottled runs lift the
client's pacing (``api_rate_limits`` far above the quotas) so that they measure the tool and moto.

Results: a table on stdout and ``bench/results/drift-<UTC time>.json`` (git-ignored).
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.fleet import SeedPlan, seed_environment  # noqa: E402
from devtools.moto_server import start_server  # noqa: E402
from devtools.throttle import start_throttled_server  # noqa: E402
from ecs_exec.aws import ClientFactory  # noqa: E402
from ecs_exec.cli.output import render_table  # noqa: E402
from ecs_exec.pacing import DEFAULT_RATE_LIMITS, RateLimit  # noqa: E402
from generator.spec import EnvironmentSpec  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
#: Client pacing lifted far above any quota (the unthrottled runs and seeding measure the tool and moto).
LIFTED = {group: RateLimit(100_000, 100_000) for group in DEFAULT_RATE_LIMITS}


def bench_spec(clusters: int) -> EnvironmentSpec:
    """An environment of ``clusters`` windowed clusters (services are seeded, not configured)."""
    return EnvironmentSpec.model_validate(
        {
            "environment": "bench",
            "region": REGION,
            "account_id": ACCOUNT,
            "windows": {"role_name": "w", "scheduler_role_name": "s", "schedule_group_name": "g",
                        "dead_letter_queue_name": "q"},
            "drift_role_name": "d",
            "clusters": [{"name": f"bench-{i:04d}", "exec": {"mode": "windowed"}} for i in range(clusters)],
        }
    )  # fmt: skip


def minimum_calls(n: int, m: int, k: int) -> dict[str, int]:
    """Fewest calls a check can make (full pages / batches). ListTasks answers one empty page per cluster."""
    return {
        "ecs:ListClusters": max(1, math.ceil(n / 100)),
        "ecs:DescribeClusters": math.ceil(n / 100),
        "logs:DescribeLogGroups": max(1, math.ceil(n / 50)),
        "kms:ListAliases": max(1, math.ceil(n / 100)),
        "kms:DescribeKey": n,  # one generated key per cluster; KMS has no batch describe
        "ecs:ListServices": n * max(1, math.ceil(m / 100)),
        "ecs:DescribeServices": n * math.ceil(m / 10),
        "ecs:ListTasks": n * max(1, math.ceil(m * k / 100)),
        "ecs:DescribeTasks": n * math.ceil(m * k / 100),
    }


def child_run(spec_file: str, concurrency: int, paced: bool) -> None:
    """Run the drift check once (this process only) and print a JSON result line on stdout.
    ``paced``: the client's default pacing (published quotas), else :data:`LIFTED`."""
    from reconciler.drift.engine import RunOptions, run_drift
    from reconciler.drift.report import exit_code, summary

    tracemalloc.start()
    spec = EnvironmentSpec.model_validate_json(Path(spec_file).read_text())
    factory = ClientFactory(
        REGION, max_pool_connections=max(20, 2 * concurrency), rate_limits=None if paced else LIFTED
    )
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def record(model: Any, **_: Any) -> None:
        with lock:
            calls[f"{model.service_model.signing_name}:{model.name}"] += 1

    factory.session.events.register("before-call", record)
    start = time.perf_counter()
    report = run_drift(spec, factory, datetime.now(UTC), RunOptions(concurrency=concurrency))
    wall = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    result = {
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tracemalloc_peak_mb": round(traced_peak / 2**20, 1),
        "exit_code": int(exit_code(report)),
        "summary": summary(report),
        "calls": dict(calls),
        "quota_wait_seconds": round(factory.pacer.stats().waited_seconds, 1),
    }
    print(json.dumps(result))


def _seed(server: Any, n: int, m: int, k: int, concurrency: int) -> tuple[EnvironmentSpec, float]:
    server.reset()
    server.hold_tasks_running()
    os.environ.update(server.env(REGION))  # seeding (this process) talks to this server
    spec = bench_spec(n)
    factory = ClientFactory(REGION, max_pool_connections=max(20, 2 * concurrency), rate_limits=LIFTED)
    start = time.perf_counter()
    seed_environment(factory, spec, SeedPlan(extra_services=m, tasks_per_service=k), concurrency=concurrency)
    return spec, time.perf_counter() - start


def _seed_drift(spec: EnvironmentSpec) -> None:
    """One drifted service per cluster: ``svc-0000`` with exec on and no window open (a finding each)."""
    ecs = ClientFactory(REGION, rate_limits=LIFTED).client("ecs")
    for cluster in spec.clusters:
        ecs.update_service(cluster=cluster.name, service="svc-0000", enableExecuteCommand=True)


def run_case(
    server: Any, name: str, n: int, m: int, k: int, args: argparse.Namespace, paced: bool = False
) -> dict[str, Any]:
    """Seed, run the check in a child process, compare calls with the minimum. A throttled server
    lets the seeding through untouched and throttles from the check on."""
    print(f"bench {name}: seeding {n} clusters x {m} services x {k} tasks ...", file=sys.stderr)
    throttled = hasattr(server, "throttle_reset")
    if throttled:
        server.throttle_reset(enabled=False)
    spec, seed_seconds = _seed(server, n, m, k, args.seed_concurrency)
    if throttled:
        _seed_drift(spec)
        server.throttle_reset(enabled=True)
    print(f"bench {name}: seeded in {seed_seconds:.1f}s; running drift check ...", file=sys.stderr)
    spec_file = Path(args.output_dir) / f".spec-{name}.json"
    spec_file.write_text(spec.model_dump_json())
    env = dict(os.environ, **server.env(REGION))
    command = [sys.executable, __file__, "--child", str(spec_file), "--concurrency", str(args.concurrency)]
    proc = subprocess.run(
        command + (["--paced"] if paced else []), capture_output=True, text=True, env=env, check=True
    )
    spec_file.unlink()
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    minimum = minimum_calls(n, m, k)
    ops = [
        {"operation": op, "calls": result["calls"].get(op, 0), "minimum": low,
         "over_minimum_pct": round(100 * (result["calls"].get(op, 0) - low) / low, 1) if low else 0.0}
        for op, low in minimum.items()
    ]  # fmt: skip
    extra = sorted(set(result["calls"]) - set(minimum))
    total, low_total = sum(result["calls"].values()), sum(minimum.values())
    return {
        "case": name, "clusters": n, "services_per_cluster": m, "tasks_per_service": k,
        "seed_seconds": round(seed_seconds, 1), **{k2: v for k2, v in result.items() if k2 != "calls"},
        "operations": ops, "unexpected_operations": extra,
        "total_calls": total, "minimum_total_calls": low_total,
        "total_over_minimum_pct": round(100 * (total - low_total) / low_total, 1),
    }  # fmt: skip


def throttled_case(args: argparse.Namespace) -> dict[str, Any]:
    """The fleet against a throttled stand-in, with the client's default pacing; adds ``throttle``:
    wall time, ECS calls, throttled answers, errors, and the floor ``ceil((calls - burst) / rate)``."""
    rate, burst, latency = args.throttle_rate, args.throttle_burst, args.throttle_latency_ms / 1000
    server = start_throttled_server(rate, burst, latency, account_id=ACCOUNT)
    try:
        n, m, k = args.throttled_clusters, args.services, args.tasks
        case = run_case(server, "throttled", n, m, k, args, paced=True)
        seen = server.throttle_stats()
    finally:
        server.stop()
    ecs_calls = sum(o["calls"] for o in case["operations"] if o["operation"].startswith("ecs:"))
    floor = max(0, math.ceil((ecs_calls - burst) / rate))
    case["throttle"] = {
        "shape": f"{n}x{m}x{k}", "bucket": f"{rate:g}/s burst {burst}", "latency_ms": args.throttle_latency_ms,
        "wall_s": case["wall_seconds"], "ecs_calls": ecs_calls, "ecs_requests": seen["requests"].get("ecs", 0),
        "throttled": seen["throttled"].get("ecs", 0), "errors": case["summary"]["errors"],
        "findings": case["summary"]["findings"], "seeded_drift": n,
        "floor_s": floor, "wall_over_floor": round(case["wall_seconds"] / floor, 2) if floor else None,
        "exit": case["exit_code"],
    }  # fmt: skip
    return case


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="make bench BENCH_ARGS='--clusters 20 --memory-services 0' passes options through make.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--clusters", "-n", type=int, default=100, help="clusters of the fleet run; 0 skips it"
    )
    parser.add_argument("--services", "-m", type=int, default=10, help="services per cluster")
    parser.add_argument("--tasks", "-k", type=int, default=2, help="running tasks per service")
    parser.add_argument("--memory-services", type=int, default=10_000,
                        help="services of the memory run (100 per cluster, no tasks); 0 skips it")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=8, help="drift --concurrency")
    parser.add_argument("--seed-concurrency", type=int, default=8, help="clusters seeded at once")
    parser.add_argument(
        "--output-dir", default=str(ROOT / "bench" / "results"), help="where the JSON result goes"
    )
    parser.add_argument("--throttled-clusters", type=int, default=100,
                        help="clusters of the throttled run (--services x --tasks each); 0 skips it")  # fmt: skip
    parser.add_argument("--throttle-rate", type=float, default=20.0, help="stand-in refill, requests/s")
    parser.add_argument("--throttle-burst", type=int, default=50, help="stand-in bucket capacity")
    parser.add_argument("--throttle-latency-ms", type=float, default=50.0, help="added to every request")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--paced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_run(args.child, args.concurrency, args.paced)
        return 0
    Path(args.output_dir).mkdir(parents=True, exist_ok=True)
    cases: list[dict[str, Any]] = []
    if args.clusters or args.memory_services:
        server = start_server(ACCOUNT)
        try:
            if args.clusters:
                cases.append(run_case(server, "fleet", args.clusters, args.services, args.tasks, args))
            if args.memory_services:
                per = min(100, args.memory_services)
                cases.append(run_case(server, "memory", math.ceil(args.memory_services / per), per, 0, args))
        finally:
            server.stop()
    if args.throttled_clusters:
        cases.append(throttled_case(args))
    rows = [
        {"case": c["case"], "shape": f"{c['clusters']}x{c['services_per_cluster']}x{c['tasks_per_service']}",
         "wall_s": c["wall_seconds"], "peak_rss_mb": c["peak_rss_mb"], "tracemalloc_mb": c["tracemalloc_peak_mb"],
         "calls": c["total_calls"], "minimum": c["minimum_total_calls"], "over_min_%": c["total_over_minimum_pct"],
         "exit": c["exit_code"]}
        for c in cases
    ]  # fmt: skip
    print(render_table(rows, list(rows[0])))
    throttled_rows = [c["throttle"] for c in cases if "throttle" in c]
    if throttled_rows:
        print("throttled stand-in (one bucket for all ECS calls)")
        print(render_table(throttled_rows, list(throttled_rows[0])))
    for c in cases:
        print(f"{c['case']}: API calls per operation")
        print(render_table(c["operations"], ["operation", "calls", "minimum", "over_minimum_pct"]))
    out = Path(args.output_dir) / f"drift-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"cases": cases}, indent=2) + "\n")
    print(f"results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
