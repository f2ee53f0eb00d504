"""`check`, `compare`, `sensitivity` and `plan` from Python: the command
line's JSON, number for number, where the command line has one."""

from __future__ import annotations

import pytest

import drawdown
from conftest import cli_json, run_cli


def test_check_summarises_and_lists_warnings(toy):
    c = drawdown.check(toy)
    assert c["ok"] and c["file"] == str(toy)
    assert c["sites"] == 5 and c["personnel"] > 0 and c["sites_to_close"] == 1
    assert c["uncertain_inputs"] >= 4
    m = drawdown.check()
    assert m["id"] == "minusma-2023" and m["personnel"] == 13871 and m["calibrated"]
    assert {"no-customs-hold", "flights-cleared"} <= set(m["variants"])
    assert drawdown.check("minusma-2023-raw")["calibrated"] is False
    with pytest.raises(drawdown.ScenarioError) as e:
        drawdown.check(toy, sets=["scenario.deadline=not-a-date"])
    assert e.value.diagnostics[0]["field"]


def test_compare_is_the_command_lines(cli):
    r = drawdown.compare("baseline", "no-customs-hold", runs=100, seed=3)
    assert r == cli_json(cli, "compare", "baseline", "no-customs-hold", "--runs", "100", "--seed", "3")
    # Overrides as a dict: the command line's `a=b` form.
    r = drawdown.compare("baseline", {"fleet.gao-trucks.trucks": 300}, runs=60, seed=1, inputs="point")
    assert r == cli_json(
        cli, "compare", "baseline", "fleet.gao-trucks.trucks=300", "--runs", "60", "--seed", "1", "--inputs", "point"
    )
    with pytest.raises(ValueError):
        drawdown.compare("baseline")


def test_sensitivity_is_the_command_lines(cli, toy):
    r = drawdown.sensitivity(toy, metric="wounded", runs=20, seed=2)
    assert r == cli_json(cli, "sensitivity", str(toy), "--metric", "wounded", "--runs", "20", "--seed", "2")
    assert r["tornado"]["swings"], "the toy has uncertain inputs"
    with pytest.raises(drawdown.EngineError, match="unknown metric"):
        drawdown.sensitivity(toy, metric="no-such-metric", runs=2)


def test_plan_writes_a_plan_the_engine_runs(cli, tmp_path):
    mission = run_cli(cli, "generate", "--sites", "4", "--personnel", "600", "--seed", "2")
    p = drawdown.plan(mission)
    assert "[[plan.closure]]" in p["toml"]
    assert p["result"]["movements"] and p["result"]["closures"]
    r = drawdown.simulate(mission, runs=40, seed=1, plan=p["toml"], replications=False)
    assert r["runs"] == 40
