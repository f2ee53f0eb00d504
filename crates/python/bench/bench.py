"""Benchmarks of the Python package (docs/benchmarks.md, "Python package").

    .venv/bin/python crates/python/bench/bench.py overhead [--runs 10000] [--repeat 5]
    .venv/bin/python crates/python/bench/bench.py sweep [--variants 8] [--runs 2000] [--workers 1 2 4]
    .venv/bin/python crates/python/bench/bench.py morris [--trajectories 10] [--runs 32] [--workers 1 2]

`overhead`: the command line against `drawdown.simulate` for the same run,
alternated in one process, medians of `--repeat` (the CLI's time includes
its start-up and JSON printing; Python's the JSON parse and, with the table,
the DataFrame). `sweep` and `morris`: a local Dask cluster of N worker
processes (one thread each) started for each N, and the same job on one
machine without Dask as the baseline; every result is checked equal to the
baseline's.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

import drawdown

ROOT = pathlib.Path(__file__).resolve().parents[3]
CLI = ROOT / "target" / "release" / "drawdown"


def timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def overhead(a):
    rows = {"cli": [], "python, no table": [], "python, with DataFrame": []}
    for _ in range(a.repeat):
        t, out = timed(lambda: subprocess.run(
            [str(CLI), "simulate", "--runs", str(a.runs), "--format", "json", "-q", "--threads", str(a.threads)],
            capture_output=True, check=True, text=True).stdout)
        rows["cli"].append(t)
        t, r = timed(lambda: drawdown.simulate(runs=a.runs, threads=a.threads, replications=False))
        rows["python, no table"].append(t)
        assert r.data == json.loads(out)
        t, r = timed(lambda: drawdown.simulate(runs=a.runs, threads=a.threads))
        rows["python, with DataFrame"].append(t)
        assert len(r.replications) == a.runs
    base = statistics.median(rows["cli"])
    print(f"MINUSMA, {a.runs} replications, threads={a.threads}, median of {a.repeat}")
    for k, v in rows.items():
        m = statistics.median(v)
        print(f"  {k:<24} {m:6.2f} s  ({m / base:.2f} × the CLI; min {min(v):.2f}, max {max(v):.2f})")


def variants(n):
    names = ["baseline", "no-customs-hold", "flights-cleared", "kidal-as-planned", "no-niger-route", "niger-route-open"]
    out = list(names[:n])
    k = 0
    while len(out) < n:
        out.append({"fleet.gao-trucks.trucks": 150 + 25 * k})
        k += 1
    return out


def cluster(n):
    from dask.distributed import Client, LocalCluster

    c = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
    return c, Client(c)


def sweep(a):
    vs = variants(a.variants)
    reps = a.variants * a.runs
    t, base = timed(lambda: drawdown.sweep(vs, runs=a.runs, seed=7, threads=a.threads))
    print(f"sweep: {a.variants} variants × {a.runs} replications of MINUSMA = {reps} replications, "
          f"{a.groups_per_task} groups of 4 per task")
    print(f"  one machine, no Dask, {a.threads or 'all'} threads: {t:6.1f} s  {reps / t:7.0f} replications/s")
    base = [r.data for r in base]
    for n in a.workers:
        c, client = cluster(n)
        try:
            t, out = timed(lambda: drawdown.sweep(vs, runs=a.runs, seed=7, client=client, groups_per_task=a.groups_per_task))
        finally:
            client.close()
            c.close()
        assert [r.data for r in out] == base, "the cluster's result differs"
        print(f"  Dask, {n} worker process(es):       {t:6.1f} s  {reps / t:7.0f} replications/s  (identical)")


def morris(a):
    t, base = timed(lambda: drawdown.morris(trajectories=a.trajectories, runs=a.runs, seed=7, threads=a.threads))
    d = base.data
    print(f"morris: {d['trajectories']} trajectories × {len(d['factors']) + 1} worlds × {d['runs']} replications "
          f"= {d['replications']} replications")
    print(f"  one machine, no Dask, {a.threads or 'all'} threads: {t:6.1f} s  {d['replications'] / t:7.0f} replications/s")
    for n in a.workers:
        c, client = cluster(n)
        try:
            t, out = timed(lambda: drawdown.morris(trajectories=a.trajectories, runs=a.runs, seed=7, client=client))
        finally:
            client.close()
            c.close()
        assert out.data == base.data, "the cluster's indices differ"
        print(f"  Dask, {n} worker process(es):       {t:6.1f} s  {d['replications'] / t:7.0f} replications/s  (identical)")
    if a.chart:
        base.chart(a.chart)
    for out in drawdown.OUTPUTS:
        top = base.ranking(out).head(5)
        print(f"  top μ* on {out}: " + "; ".join(f"{r.label} {getattr(r, f'mu_star_{out}'):.3g}" for r in top.itertuples()))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    o = sub.add_parser("overhead")
    o.add_argument("--runs", type=int, default=10000)
    o.add_argument("--repeat", type=int, default=5)
    o.add_argument("--threads", type=int, default=0)
    s = sub.add_parser("sweep")
    s.add_argument("--variants", type=int, default=8)
    s.add_argument("--runs", type=int, default=2000)
    s.add_argument("--groups-per-task", type=int, default=128)
    s.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    s.add_argument("--threads", type=int, default=0)
    m = sub.add_parser("morris")
    m.add_argument("--trajectories", type=int, default=10)
    m.add_argument("--runs", type=int, default=32)
    m.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    m.add_argument("--threads", type=int, default=0)
    m.add_argument("--chart")
    a = p.parse_args()
    {"overhead": overhead, "sweep": sweep, "morris": morris}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
