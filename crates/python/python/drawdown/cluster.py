"""Sweeps and global sensitivity, on one machine or on a Dask cluster.

A sweep runs every variant's replications as tasks of (variant, range of
input groups); each task returns its part of the run as exact histograms
and sums, and the parts of a variant merge into exactly the summary of the
same run on one machine: the random numbers are keyed by (seed,
replication, entity, purpose), not drawn from a shared generator, and
every statistic is an integer count. So the result is bit for bit the
same whatever the number of workers, tasks or the order they finish in.

Why Dask. The tasks are coarse (seconds each), independent and return a
few hundred kilobytes; what matters is an engine that analysts already
run or can reach, that starts a cluster with two commands, and that
installs quickly into the same virtual environment. Dask distributed is
pure Python (``pip install "dask[distributed]"``, a few MB), runs on a
laptop, on SSH hosts, on HPC schedulers (dask-jobqueue) and Kubernetes,
and is addressed by one ``tcp://host:8786``. Ray would do the same job but
brings a 60+ MB binary wheel and a heavier runtime (object store, raylet)
for nothing these tasks need.

Pointing at an existing cluster: install the same ``drawdown`` wheel into
every worker's environment, then pass ``address="tcp://scheduler:8786"``
(or a ``dask.distributed.Client`` as ``client=``). See
``docs/python.md``.
"""

from __future__ import annotations

import json as _json
from typing import Any, Iterable, Sequence

from . import _native


def _run_part(
    name: str, text: str, runs: int, seed: int, inputs: str, per_draw: int, first: int, end: int
) -> bytes:
    # One core per task: a worker runs as many tasks at once as it has threads.
    return _native.run_part(name, text, runs, seed, inputs, per_draw, first, end, 1)


def _morris_part(name: str, text: str, seed: int, runs: int, first: int, end: int) -> bytes:
    return _native.morris_part(name, text, seed, runs, first, end, 1)


class _Cluster:
    """A Dask client for ``address`` (or the one given), closed on exit if
    opened here."""

    def __init__(self, address: str | None, client: Any | None) -> None:
        self.own = client is None
        if client is None:
            from dask.distributed import Client

            client = Client(address)
        self.client = client

    def share(self, value: Any) -> Any:
        """``value`` held once on the cluster (a scenario's text), for tasks
        to take as an argument instead of each carrying a copy."""
        return self.client.scatter(value, hash=True)

    def map(self, fn: Any, calls: Sequence[tuple]) -> list[Any]:
        """``fn(*call)`` for each call, as tasks; results in call order."""
        # Every call is its own task, even when two calls are equal.
        futures = [self.client.submit(fn, *call, pure=False) for call in calls]
        return self.client.gather(futures)

    def close(self) -> None:
        if self.own:
            self.client.close()


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    size = max(1, int(size))
    return [(a, min(a + size, n)) for a in range(0, n, size)] or [(0, 0)]


def _variant_sources(variants: Iterable[Any], scenario: Any) -> list[tuple[tuple[str, str], str]]:
    from . import _side

    return [_side(scenario, v) for v in variants]


def sweep(
    variants: Iterable[Any],
    runs: int = 1000,
    seed: int = 7,
    address: str | None = None,
    *,
    scenario: Any = None,
    inputs: str = "sampled",
    per_draw: int = 4,
    groups_per_task: int = 256,
    client: Any | None = None,
    threads: int = 0,
) -> list["Simulation"]:
    """Simulate every variant (``runs`` replications, seed ``seed``), on this
    machine or on a Dask cluster, and return one :class:`Simulation` per
    variant, in order (without per-replication tables).

    Each variant is ``"baseline"``, a variant name of the scenario, a dict
    of overrides, or a dict ``{"variant": ..., "sets": ..., "plan": ...,
    "scenario": ..., "name": ...}``. Each result equals
    ``simulate(...)`` of that variant, number for number.

    :param address: a Dask scheduler (``"tcp://host:8786"``); ``None`` (and
        no ``client``) runs on this machine with ``threads`` threads.
    :param groups_per_task: input groups (of ``per_draw`` replications) per
        task; the result does not depend on it.
    :param client: a ``dask.distributed.Client`` to use instead of
        ``address``.
    """
    from . import Simulation

    sides = _variant_sources(variants, scenario)
    plans = []
    for (name, text), label in sides:
        n = _native.groups(name, text, int(runs), inputs, int(per_draw))
        plans.append((name, text, label, _chunks(n, groups_per_task if (address or client) else n)))
    if address is None and client is None:
        parts = [
            [_native.run_part(name, text, int(runs), int(seed), inputs, int(per_draw), a, b, int(threads)) for a, b in ch]
            for name, text, _, ch in plans
        ]
    else:
        cluster = _Cluster(address, client)
        try:
            shared = [cluster.share(text) for _, text, _, _ in plans]
            calls = [
                (name, text, int(runs), int(seed), inputs, int(per_draw), a, b)
                for (name, _, _, ch), text in zip(plans, shared)
                for a, b in ch
            ]
            flat = cluster.map(_run_part, calls)
        finally:
            cluster.close()
        parts, k = [], 0
        for _, _, _, ch in plans:
            parts.append(flat[k : k + len(ch)])
            k += len(ch)
    out = []
    for (name, text, label, _), ps in zip(plans, parts):
        sim = Simulation(_json.loads(_native.merge_parts(name, text, ps)))
        sim.variant = label
        out.append(sim)
    return out


class Morris:
    """Morris screening of every uncertain input on the headline outputs.

    ``data`` is the JSON form (``outputs``, ``trajectories``, ``runs``,
    ``worlds``, ``replications`` and ``factors``: per input its ``path``,
    ``label``, whether ``calibrated``, its ``low``/``high`` levels and per
    output ``mu_star``, ``mu`` and ``sigma``, in the output's units: the
    change of the output's mean when the input moves up by half its
    quantile range). ``table`` is the same as a DataFrame, one row per
    input; ``chart(path)`` writes the chart (``.svg`` or ``.png``).
    """

    def __init__(self, data: dict[str, Any], svg: str) -> None:
        self.data = data
        self.svg = svg

    @property
    def table(self) -> Any:
        import pandas as pd

        rows = []
        for f in self.data["factors"]:
            row = {k: f[k] for k in ("path", "label", "calibrated", "low", "high")}
            for i, out in enumerate(self.data["outputs"]):
                row[f"mu_star_{out}"] = f["mu_star"][i]
                row[f"mu_{out}"] = f["mu"][i]
                row[f"sigma_{out}"] = f["sigma"][i]
            rows.append(row)
        return pd.DataFrame(rows)

    def ranking(self, output: str) -> Any:
        """The inputs by decreasing μ* on ``output`` (one of ``OUTPUTS``)."""
        return self.table.sort_values(f"mu_star_{output}", ascending=False, kind="stable").reset_index(drop=True)

    def chart(self, path: str) -> None:
        """Writes the chart to ``path``: SVG, or PNG if it ends in ``.png``."""
        data = _native.png_of_svg(self.svg) if str(path).endswith(".png") else self.svg.encode()
        with open(path, "wb") as f:
            f.write(data)

    def __repr__(self) -> str:
        d = self.data
        return f"<Morris: {len(d['factors'])} inputs, {d['trajectories']} trajectories, {d['replications']} replications>"


def morris(
    scenario: Any = None,
    trajectories: int = 10,
    runs: int = 32,
    seed: int = 7,
    address: str | None = None,
    *,
    variant: str | None = None,
    sets: Any = None,
    plan: Any = None,
    trajectories_per_task: int = 1,
    client: Any | None = None,
    threads: int = 0,
) -> Morris:
    """Global sensitivity (Morris's elementary effects) of the headline
    outputs (``OUTPUTS``) over every uncertain input of the scenario, all
    varying together: ``trajectories`` × (inputs + 1) worlds of ``runs``
    replications each, on this machine or on a Dask cluster (``address``
    or ``client``). The indices are the same however the trajectories are
    split into tasks. ``docs/model.md`` §11 gives the design."""
    from . import _plan_arg, _scenario_arg, _sets

    name, text = _native.resolve_source(_scenario_arg(scenario), variant, _sets(sets), _plan_arg(plan))
    r = int(trajectories)
    if r < 2:
        raise ValueError("Morris screening needs at least 2 trajectories (σ needs two effects per input)")
    if address is None and client is None:
        parts = [_native.morris_part(name, text, int(seed), int(runs), 0, r, int(threads))]
    else:
        cluster = _Cluster(address, client)
        try:
            shared = cluster.share(text)
            calls = [(name, shared, int(seed), int(runs), a, b) for a, b in _chunks(r, trajectories_per_task)]
            parts = cluster.map(_morris_part, calls)
        finally:
            cluster.close()
    data, svg = _native.morris_indices(name, text, int(seed), int(runs), parts)
    return Morris(_json.loads(data), svg)
