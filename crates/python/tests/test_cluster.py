"""Sweeps and Morris screening on a real local Dask cluster (several worker
processes) give the one-machine numbers, bit for bit, whatever the number
of tasks."""

from __future__ import annotations

import json

import pytest

import drawdown
from conftest import cli_json

VARIANTS = ["baseline", "no-customs-hold", {"fleet.gao-trucks.trucks": 300}, {"variant": "flights-cleared", "name": "air"}]


def test_a_local_sweep_is_simulate_of_each_variant(cli):
    results = drawdown.sweep(VARIANTS[:2], runs=90, seed=5)
    assert [r.variant for r in results] == ["baseline", "no-customs-hold"]
    assert results[0].data == drawdown.simulate(runs=90, seed=5, replications=False).data
    assert results[1].data == cli_json(cli, "simulate", "--runs", "90", "--seed", "5", "--variant", "no-customs-hold", "--quiet")


def test_the_sweep_on_the_cluster_is_the_one_machine_sweep(cluster_address, cluster_workers):
    assert cluster_workers >= 2, "several worker processes"
    local = [r.data for r in drawdown.sweep(VARIANTS, runs=150, seed=9)]
    # One task per variant, a few, and one per input group (38 of 4 runs, the last of 2).
    for groups_per_task in (1000, 7, 1):
        remote = drawdown.sweep(VARIANTS, runs=150, seed=9, address=cluster_address, groups_per_task=groups_per_task)
        assert [r.data for r in remote] == local, groups_per_task
        # Bit for bit: the JSON texts too.
        assert [json.dumps(r.data) for r in remote] == [json.dumps(x) for x in local]
    assert [r.variant for r in remote] == ["baseline", "no-customs-hold", "fleet.gao-trucks.trucks=300", "air"]


def test_point_inputs_on_the_cluster(cluster_address, toy):
    local = drawdown.sweep(["baseline"], runs=64, seed=2, scenario=toy, inputs="point")[0].data
    remote = drawdown.sweep(["baseline"], runs=64, seed=2, scenario=toy, inputs="point", address=cluster_address, groups_per_task=5)
    assert remote[0].data == local == drawdown.simulate(toy, runs=64, seed=2, inputs="point").data


def test_morris_on_the_cluster_is_the_one_machine_screening(cluster_address, toy, tmp_path):
    local = drawdown.morris(toy, trajectories=4, runs=8, seed=3)
    for per_task in (1, 3):
        remote = drawdown.morris(toy, trajectories=4, runs=8, seed=3, address=cluster_address, trajectories_per_task=per_task)
        assert remote.data == local.data, per_task
    d = local.data
    assert d["outputs"] == list(drawdown.OUTPUTS)
    assert d["worlds"] == 4 * (len(d["factors"]) + 1) and d["replications"] == d["worlds"] * 8
    wounded = drawdown.OUTPUTS.index("wounded")
    top = local.ranking("wounded")
    assert top.loc[0, "mu_star_wounded"] >= top.loc[len(top) - 1, "mu_star_wounded"]
    ied = next(f for f in d["factors"] if f["path"] == "threat[0].ied_per_100km")
    assert ied["mu"][wounded] > 0, "more IEDs, more wounded"
    local.chart(str(tmp_path / "morris.svg"))
    assert (tmp_path / "morris.svg").read_text().startswith("<svg")
    with pytest.raises(ValueError):
        drawdown.morris(toy, trajectories=1)
