"""`drawdown.simulate` gives what `drawdown simulate --format json` prints,
number for number, and the per-replication table of `simulate --csv`."""

from __future__ import annotations

import pathlib
import threading
import time

import pandas as pd
import pytest

import drawdown
from conftest import cli_json, run_cli


def test_the_result_is_the_command_lines(cli, toy):
    r = drawdown.simulate(toy, runs=300, seed=3)
    assert r.data == cli_json(cli, "simulate", str(toy), "--runs", "300", "--seed", "3", "--quiet")
    assert r["runs"] == 300 and r["seed"] == 3


def test_minusma_with_a_variant_and_overrides_is_the_command_lines(cli):
    args = dict(runs=120, seed=11, variant="no-customs-hold", sets={"fleet.gao-trucks.trucks": 300})
    r = drawdown.simulate(**args, replications=False)
    expected = cli_json(
        cli, "simulate", "--runs", "120", "--seed", "11", "--variant", "no-customs-hold",
        "--set", "fleet.gao-trucks.trucks=300", "--quiet",
    )
    assert r.data == expected
    assert r.replications is None
    # And the overrides changed something: the plain run differs.
    assert drawdown.simulate(runs=120, seed=11, replications=False).data != expected


def test_point_inputs_and_threads(cli, toy):
    one = drawdown.simulate(toy, runs=200, seed=5, inputs="point", threads=1)
    two = drawdown.simulate(toy, runs=200, seed=5, inputs="point", threads=2)
    assert one.data == two.data
    assert one.data == cli_json(cli, "simulate", str(toy), "--runs", "200", "--seed", "5", "--inputs", "point", "--quiet")


def test_the_replications_are_simulate_csv_table(cli, toy, tmp_path):
    r = drawdown.simulate(toy, runs=150, seed=2)
    run_cli(cli, "simulate", str(toy), "--runs", "150", "--seed", "2", "--quiet", "--csv", str(tmp_path))
    csv = pd.read_csv(tmp_path / "replications.csv")
    df = r.replications
    assert list(df.columns) == list(csv.columns)
    assert len(df) == 150
    assert list(df["replication"]) == list(range(150))
    for col in df.columns:
        # Booleans are 0/1 in the CSV; empty cells are missing closures.
        got = df[col].astype("Int64") if df[col].dtype == bool else df[col]
        want = csv[col].astype("Int64")
        assert got.tolist() == want.tolist(), col
    # The closure days are nullable integers, not floats.
    closed = [c for c in df.columns if c.startswith("closed_day_")]
    assert closed and all(str(df[c].dtype) == "Int64" for c in closed)
    # The table agrees with the summary it came with.
    assert df["wounded"].mean() == pytest.approx(r["summary"]["wounded"]["mean"])


def test_a_scenario_from_a_path_a_string_or_a_dict(toy):
    import tomllib

    text = toy.read_text()
    by_path = drawdown.simulate(str(toy), runs=60, seed=1, replications=False).data
    by_pathlike = drawdown.simulate(pathlib.Path(toy), runs=60, seed=1, replications=False).data
    by_text = drawdown.simulate(text, runs=60, seed=1, replications=False).data
    by_dict = drawdown.simulate(tomllib.loads(text), runs=60, seed=1, replications=False).data
    assert by_path == by_pathlike == by_text == by_dict
    # The dict is a scenario like any other: changing it changes the result.
    d = tomllib.loads(text)
    d["threat"][0]["ied_per_100km"]["value"] = 4.0
    assert drawdown.simulate(d, runs=60, seed=1, replications=False)["summary"]["wounded"]["mean"] > by_dict["summary"]["wounded"]["mean"]


def test_a_plan_file_replaces_the_plan(cli, toy, tmp_path):
    # The toy's own plan with the closure a fortnight later.
    own = toy.read_text().split("[[plan.closure]]", 1)[1]
    plan = tmp_path / "plan.toml"
    plan.write_text("[[plan.closure]]" + own.replace("date = 2023-09-10", "date = 2023-09-24"))
    r = drawdown.simulate(toy, runs=50, seed=4, plan=plan, replications=False)
    assert r.data == cli_json(cli, "simulate", str(toy), "--runs", "50", "--seed", "4", "--plan", str(plan), "--quiet")
    assert r.data != drawdown.simulate(toy, runs=50, seed=4, replications=False).data


def test_bad_input_raises_with_its_location(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((pathlib.Path(__file__).parents[3] / "tests" / "broken" / "negative-km.toml").read_text())
    with pytest.raises(drawdown.ScenarioError) as e:
        drawdown.simulate(bad, runs=10)
    d = e.value.diagnostics[0]
    assert d["file"] == str(bad) and d["line"] and d["column"] and d["field"]
    assert f"{bad}:{d['line']}:{d['column']}: error:" in str(e.value)
    with pytest.raises(drawdown.ScenarioError, match="no-such-variant"):
        drawdown.simulate(runs=10, variant="no-such-variant")
    with pytest.raises(drawdown.ScenarioError) as e:
        drawdown.simulate(tmp_path / "missing.toml", runs=10)
    assert "missing.toml" in str(e.value)
    with pytest.raises(ValueError, match="runs"):
        drawdown.simulate(runs=0)
    with pytest.raises(ValueError, match="inputs"):
        drawdown.simulate(runs=5, inputs="exact")
    with pytest.raises(TypeError):
        drawdown.simulate(42)


def test_the_gil_is_released_while_simulating():
    # Another Python thread runs while the engine simulates: with the GIL
    # held, no bytecode of it would run between the call's start and end.
    span: list[float] = []
    ticks: list[float] = []

    def work():
        span.append(time.perf_counter())
        drawdown.simulate(runs=600, seed=1, threads=1, replications=False)
        span.append(time.perf_counter())

    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    t.join()
    start, end = span
    middle = [x for x in ticks if start + (end - start) / 3 < x < end - (end - start) / 3]
    assert end - start > 0.05, "the call is long enough to tell"
    assert len(middle) >= 3, f"{len(middle)} ticks of the other thread in the middle third of {end - start:.2f} s"
