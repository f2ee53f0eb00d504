"""Type stubs of `drawdown._native`, the compiled half of the package.

A scenario argument is a pair `(kind, value)`: `("embedded", "minusma-2023")`,
`("embedded", "minusma-2023-raw")`, `("path", PATH)` or `("text", TOML)`.
Functions that return `str` return JSON text (parsed by the Python API).
"""

from typing import Any

__version__: str
OUTPUTS: list[str]

ScenarioArg = tuple[str, str]

class ScenarioError(ValueError):
    """A scenario, variant, override or plan that is not valid."""

    diagnostics: list[dict[str, Any]]

class EngineError(RuntimeError):
    """The engine could not run the scenario."""

def simulate(
    scenario: ScenarioArg,
    variant: str | None,
    sets: list[str],
    plan: ScenarioArg | None,
    runs: int,
    seed: int,
    inputs: str,
    per_draw: int,
    threads: int,
    table: bool,
) -> tuple[str, Any | None]:
    """The result's JSON text and, if `table`, a pyarrow RecordBatch of the replications."""

def resolve_source(
    scenario: ScenarioArg, variant: str | None, sets: list[str], plan: ScenarioArg | None
) -> tuple[str, str]:
    """The name and the validated text of the scenario with the variant, overrides and plan applied."""

def groups(name: str, text: str, runs: int, inputs: str, per_draw: int) -> int:
    """The number of input groups of a run (the unit parts are made of)."""

def run_part(
    name: str, text: str, runs: int, seed: int, inputs: str, per_draw: int, first: int, end: int, threads: int
) -> bytes:
    """The serialised summary of groups `first..end` of a run."""

def merge_parts(name: str, text: str, parts: list[bytes]) -> str:
    """The result (JSON) of a run from its parts, merged exactly."""

def morris_part(name: str, text: str, seed: int, runs: int, first: int, end: int, threads: int) -> bytes:
    """The serialised output sums of Morris trajectories `first..end`."""

def morris_indices(name: str, text: str, seed: int, runs: int, parts: list[bytes]) -> tuple[str, str]:
    """The Morris indices (JSON) and their chart (SVG) from every trajectory's sums."""

def input_count(name: str, text: str) -> int:
    """The number of uncertain inputs."""

def png_of_svg(svg: str) -> bytes:
    """A PNG of an SVG chart."""

def compare(
    base: tuple[str, str],
    variant: tuple[str, str],
    base_name: str,
    variant_name: str,
    runs: int,
    seed: int,
    inputs: str,
    per_draw: int,
    threads: int,
) -> str:
    """`drawdown compare --format json` of two resolved sources."""

def sensitivity(
    scenario: ScenarioArg,
    variant: str | None,
    sets: list[str],
    plan: ScenarioArg | None,
    metric: str,
    runs: int,
    seed: int,
    threads: int,
) -> str:
    """`drawdown sensitivity --format json`."""

def check(
    scenario: ScenarioArg, variant: str | None, sets: list[str], plan: ScenarioArg | None
) -> dict[str, Any]:
    """The scenario's summary and warnings."""

def plan(scenario: ScenarioArg, variant: str | None, sets: list[str]) -> tuple[str, str]:
    """The optimised `[plan]` (TOML) and the planner's JSON."""

def toml_of_json(json: str) -> str:
    """A scenario given as JSON text, written as TOML."""
