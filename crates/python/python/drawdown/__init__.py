"""drawdown: plan, simulate and track the withdrawal of a peacekeeping mission.

The Python face of the drawdown engine (the same code as the ``drawdown``
command, compiled into this package). With no scenario, every function uses
the embedded MINUSMA 2023 scenario (Mali)::

    import drawdown
    r = drawdown.simulate(runs=1000, seed=7)
    r["summary"]["p_all_sites_closed_by_deadline"]   # as in `drawdown simulate --format json`
    r.replications.describe()                        # one row per replication (pandas, via Arrow)

A scenario is ``None`` (the embedded one), ``"minusma-2023-raw"`` (the same
before calibration), a path (``str`` or ``os.PathLike``), a TOML text (a
string with a line break) or a ``dict`` of the TOML's tables. ``sets`` are
the command line's ``--set`` overrides, as ``{"path": value}`` or
``["path=value", ...]``; ``plan`` replaces the scenario's ``[plan]`` (a path
or TOML text).

Results never depend on the number of threads, processes or cluster
workers: the same seed gives the same numbers everywhere. Simulations run
without the GIL, so other Python threads go on meanwhile.

Sweeps of many variants and global sensitivity run on one machine or on a
Dask cluster (``address=``): see :func:`sweep` and :func:`morris`.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os as _os
from typing import Any, Iterable, Mapping, Sequence, Union

from . import _native
from ._native import EngineError, ScenarioError, __version__

__all__ = [
    "simulate",
    "check",
    "compare",
    "sensitivity",
    "plan",
    "sweep",
    "morris",
    "Simulation",
    "Morris",
    "ScenarioError",
    "EngineError",
    "OUTPUTS",
    "__version__",
]

#: The outputs global sensitivity measures (the mean of each).
OUTPUTS: tuple[str, ...] = tuple(_native.OUTPUTS)

Scenario = Union[None, str, "_os.PathLike[str]", Mapping[str, Any]]
Sets = Union[Mapping[str, Any], Sequence[str], None]


def _json_default(x: Any) -> Any:
    if isinstance(x, (_dt.date, _dt.datetime)):
        return x.isoformat()
    raise TypeError(f"{type(x).__name__} has no TOML form")


def _scenario_arg(scenario: Scenario) -> tuple[str, str]:
    """The (kind, value) pair the native module takes."""
    if scenario is None:
        return ("embedded", "minusma-2023")
    if isinstance(scenario, Mapping):
        return ("text", _native.toml_of_json(_json.dumps(scenario, default=_json_default)))
    if isinstance(scenario, _os.PathLike):
        return ("path", _os.fspath(scenario))
    if isinstance(scenario, str):
        if scenario in ("minusma-2023", "minusma-2023-raw") and not _os.path.exists(scenario):
            return ("embedded", scenario)
        if "\n" in scenario:
            return ("text", scenario)
        return ("path", scenario)
    raise TypeError(
        f"scenario must be None, a path, a TOML string or a dict, not {type(scenario).__name__}"
    )


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return str(v)


def _sets(sets: Sets) -> list[str]:
    if sets is None:
        return []
    if isinstance(sets, Mapping):
        return [f"{k}={_value_text(v)}" for k, v in sets.items()]
    if isinstance(sets, str):
        return [sets]
    return [str(s) for s in sets]


def _plan_arg(plan: Scenario) -> tuple[str, str] | None:
    return None if plan is None else _scenario_arg(plan)


class Simulation:
    """The result of a simulation.

    ``data`` is the result as ``drawdown simulate --format json`` prints it
    (``docs/result.md``), parsed: the same numbers. Indexing a
    ``Simulation`` indexes ``data`` (``r["summary"]["wounded"]["p50"]``).
    ``replications`` is the per-replication table as a pandas DataFrame (the
    columns of ``simulate --csv``'s ``replications.csv``; the days of
    closure are nullable integers), or ``None`` when not asked for.
    """

    def __init__(self, data: dict[str, Any], replications: "Any | None" = None) -> None:
        self.data = data
        self.replications = replications

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __repr__(self) -> str:
        s = self.data["summary"]
        return (
            f"<Simulation {self.data['scenario']}: {self.data['runs']} runs, seed {self.data['seed']}, "
            f"P(all closures by the deadline) {s['p_all_sites_closed_by_deadline']:.3f}>"
        )

    def to_json(self) -> str:
        """The result as JSON text."""
        return _json.dumps(self.data, indent=2)


def _dataframe(batch: Any) -> Any:
    import pyarrow as pa

    table = pa.Table.from_batches([batch])
    # Nullable integer columns stay integers (pandas' Int64), not floats.
    return table.to_pandas(types_mapper={pa.int64(): __import__("pandas").Int64Dtype()}.get)


def simulate(
    scenario: Scenario = None,
    runs: int = 1000,
    seed: int = 7,
    variant: str | None = None,
    sets: Sets = None,
    plan: Scenario = None,
    *,
    inputs: str = "sampled",
    per_draw: int = 4,
    threads: int = 0,
    replications: bool = True,
) -> Simulation:
    """Run ``runs`` Monte Carlo replications of a scenario.

    The same as ``drawdown simulate [FILE] --runs RUNS --seed SEED
    [--variant V] [--set ...] [--plan P] --format json``: identical numbers.

    :param inputs: ``"sampled"`` (every uncertain input drawn once per group
        of ``per_draw`` replications, calibrated ones from their posterior)
        or ``"point"`` (every input at its value: chance only).
    :param threads: worker threads, 0 for all cores; the result does not
        depend on it.
    :param replications: also return the per-replication table
        (``Simulation.replications``).
    :raises ScenarioError: the scenario, a variant, an override or the plan
        is not valid (``.diagnostics`` has file, line, column, field, hint).
    """
    text, batch = _native.simulate(
        _scenario_arg(scenario),
        variant,
        _sets(sets),
        _plan_arg(plan),
        int(runs),
        int(seed),
        inputs,
        int(per_draw),
        int(threads),
        bool(replications),
    )
    return Simulation(_json.loads(text), _dataframe(batch) if batch is not None else None)


def check(
    scenario: Scenario = None, variant: str | None = None, sets: Sets = None, plan: Scenario = None
) -> dict[str, Any]:
    """Validate a scenario and summarise it (``drawdown check``).

    Returns a dict with the scenario's id, name, dates, holdings, its
    number of uncertain inputs, its variants and its ``warnings`` (each a
    dict with file, line, column, field, message, expected, hint).

    :raises ScenarioError: on any error.
    """
    return _native.check(_scenario_arg(scenario), variant, _sets(sets), _plan_arg(plan))


def _side(scenario: Scenario, side: Any) -> tuple[tuple[str, str], str]:
    """A compared side: the resolved source and the name it is reported by.

    ``side`` is ``None`` or ``"baseline"`` (the scenario as it is), a variant
    name, a dict of overrides, or a dict ``{"variant": ..., "sets": ...,
    "plan": ..., "name": ...}``.
    """
    if side is None or side == "baseline":
        variant, sets, plan, name = None, [], None, "baseline"
    elif isinstance(side, str):
        variant, sets, plan, name = side, [], None, side
    elif isinstance(side, Mapping) and set(side) <= {"variant", "sets", "plan", "name", "scenario"}:
        variant, sets, plan = side.get("variant"), _sets(side.get("sets")), side.get("plan")
        scenario = side.get("scenario", scenario)
        name = side.get("name") or variant or (",".join(sets) if sets else "baseline")
    elif isinstance(side, Mapping):
        variant, sets, plan = None, _sets(side), None
        name = ",".join(sets)
    else:
        raise TypeError(f"a variant is a name, a dict of overrides or a dict of variant/sets/plan, not {side!r}")
    source = _native.resolve_source(_scenario_arg(scenario), variant, list(sets), _plan_arg(plan))
    return source, str(name)


def compare(
    base: Any = "baseline",
    variant: Any = None,
    scenario: Scenario = None,
    runs: int = 1000,
    seed: int = 7,
    *,
    inputs: str = "sampled",
    per_draw: int = 4,
    threads: int = 0,
) -> dict[str, Any]:
    """Paired comparison of two variants of a scenario (``drawdown compare
    --format json``): the same replications (common random numbers) for
    both, and the mean difference of every metric with its 95 % interval.

    ``base`` and ``variant`` are each ``"baseline"``, a variant name of the
    scenario, a dict of overrides (``{"fleet.gao-trucks.trucks": 300}``) or a
    dict ``{"variant": ..., "sets": ..., "plan": ...}``.
    """
    if variant is None:
        raise ValueError("compare needs a variant to compare the base with")
    (b, bname), (v, vname) = _side(scenario, base), _side(scenario, variant)
    text = _native.compare(b, v, bname, vname, int(runs), int(seed), inputs, int(per_draw), int(threads))
    return _json.loads(text)


def sensitivity(
    scenario: Scenario = None,
    metric: str = "personnel_departed_by_deadline",
    runs: int = 200,
    seed: int = 7,
    variant: str | None = None,
    sets: Sets = None,
    plan: Scenario = None,
    *,
    threads: int = 0,
) -> dict[str, Any]:
    """One-at-a-time sensitivity (``drawdown sensitivity --format json``):
    every uncertain input swung to its low and high bound, the rest at their
    values, ``runs`` paired replications per swing. For all inputs varying
    at once, see :func:`morris`."""
    text = _native.sensitivity(
        _scenario_arg(scenario), variant, _sets(sets), _plan_arg(plan), metric, int(runs), int(seed), int(threads)
    )
    return _json.loads(text)


def plan(scenario: Scenario = None, variant: str | None = None, sets: Sets = None) -> dict[str, Any]:
    """An optimised withdrawal plan (``drawdown plan``, without the engine
    check): ``{"toml": the [plan] section, "result": the planner's JSON}``.
    The plan's ``toml`` can be passed back as ``simulate(plan=...)``."""
    toml_text, json_text = _native.plan(_scenario_arg(scenario), variant, _sets(sets))
    return {"toml": toml_text, "result": _json.loads(json_text)}


from .cluster import Morris, morris, sweep  # noqa: E402  (needs the helpers above)
