#!/usr/bin/env python3
"""Benchmark ``drift check`` on the embedded moto server: wall time, peak memory, API calls vs minimum.

Seeds a moto server (child process, :mod:`devtools.moto_server`) with N clusters x M services x K
running tasks (tasks held RUNNING), then runs the drift check in a *separate* child process so that
its peak memory (``ru_maxrss`` and tracemalloc) is the drift run's alone. A second, memory-only run
seeds ``--memory-services`` services without tasks.

    python bench/drift_bench.py                         # 100 x 10 x 2, then 10,000 services
    python bench/drift_bench.py --clusters 20 --memory-services 0

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
from ecs_exec.aws import ClientFactory  # noqa: E402
from ecs_exec.cli.output import render_table  # noqa: E402
from generator.spec import EnvironmentSpec  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"


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


def child_run(spec_file: str, concurrency: int) -> None:
    """Run the drift check once (this process only) and print a JSON result line on stdout."""
    from reconciler.drift.engine import RunOptions, run_drift
    from reconciler.drift.report import exit_code, summary

    tracemalloc.start()
    spec = EnvironmentSpec.model_validate_json(Path(spec_file).read_text())
    factory = ClientFactory(REGION, max_pool_connections=max(20, 2 * concurrency))
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
    }
    print(json.dumps(result))


def _seed(server: Any, n: int, m: int, k: int, concurrency: int) -> tuple[EnvironmentSpec, float]:
    server.reset()
    server.hold_tasks_running()
    spec = bench_spec(n)
    factory = ClientFactory(REGION, max_pool_connections=max(20, 2 * concurrency))
    start = time.perf_counter()
    seed_environment(factory, spec, SeedPlan(extra_services=m, tasks_per_service=k), concurrency=concurrency)
    return spec, time.perf_counter() - start


def run_case(server: Any, name: str, n: int, m: int, k: int, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, run the check in a child process, compare calls with the minimum."""
    print(f"bench {name}: seeding {n} clusters x {m} services x {k} tasks ...", file=sys.stderr)
    spec, seed_seconds = _seed(server, n, m, k, args.seed_concurrency)
    print(f"bench {name}: seeded in {seed_seconds:.1f}s; running drift check ...", file=sys.stderr)
    spec_file = Path(args.output_dir) / f".spec-{name}.json"
    spec_file.write_text(spec.model_dump_json())
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(spec_file), "--concurrency", str(args.concurrency)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
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


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="make bench BENCH_ARGS='--clusters 20 --memory-services 0' passes options through make.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--clusters", "-n", type=int, default=100, help="clusters of the fleet run")
    parser.add_argument("--services", "-m", type=int, default=10, help="services per cluster")
    parser.add_argument("--tasks", "-k", type=int, default=2, help="running tasks per service")
    parser.add_argument("--memory-services", type=int, default=10_000,
                        help="services of the memory run (100 per cluster, no tasks); 0 skips it")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=8, help="drift --concurrency")
    parser.add_argument("--seed-concurrency", type=int, default=8, help="clusters seeded at once")
    parser.add_argument(
        "--output-dir", default=str(ROOT / "bench" / "results"), help="where the JSON result goes"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_run(args.child, args.concurrency)
        return 0
    Path(args.output_dir).mkdir(parents=True, exist_ok=True)
    server = start_server(ACCOUNT)
    os.environ.update(server.env(REGION))  # seeding (this process) and the child talk to the server
    try:
        cases = [run_case(server, "fleet", args.clusters, args.services, args.tasks, args)]
        if args.memory_services:
            per = min(100, args.memory_services)
            cases.append(run_case(server, "memory", math.ceil(args.memory_services / per), per, 0, args))
    finally:
        server.stop()
    rows = [
        {"case": c["case"], "shape": f"{c['clusters']}x{c['services_per_cluster']}x{c['tasks_per_service']}",
         "wall_s": c["wall_seconds"], "peak_rss_mb": c["peak_rss_mb"], "tracemalloc_mb": c["tracemalloc_peak_mb"],
         "calls": c["total_calls"], "minimum": c["minimum_total_calls"], "over_min_%": c["total_over_minimum_pct"],
         "exit": c["exit_code"]}
        for c in cases
    ]  # fmt: skip
    print(render_table(rows, list(rows[0])))
    for c in cases:
        print(f"{c['case']}: API calls per operation")
        print(render_table(c["operations"], ["operation", "calls", "minimum", "over_minimum_pct"]))
    out = Path(args.output_dir) / f"drift-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"cases": cases}, indent=2) + "\n")
    print(f"results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
