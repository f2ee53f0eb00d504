"""Fixtures of the Python package's tests: the command line built from the
same workspace (the reference the package must agree with), small
scenarios, and the Dask cluster that scripts/test.sh starts."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
TOY = ROOT / "crates" / "engine" / "tests" / "fixtures" / "toy.toml"


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("DRAWDOWN_BIN", ROOT / "target" / "release" / "drawdown"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the command line first (cargo build --release -p drawdown)")
    return path


def run_cli(cli: pathlib.Path, *args: str) -> str:
    done = subprocess.run([str(cli), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cli_json(cli: pathlib.Path, *args: str) -> dict:
    return json.loads(run_cli(cli, *args, "--format", "json"))


@pytest.fixture(scope="session")
def toy() -> pathlib.Path:
    return TOY


@pytest.fixture(scope="session")
def cluster_address() -> str:
    """The local cluster scripts/test.sh started (several worker processes);
    when run by hand without one, a cluster of three worker processes is
    started here."""
    address = os.environ.get("DRAWDOWN_DASK_ADDRESS")
    if address:
        yield address
        return
    if os.environ.get("DRAWDOWN_REQUIRE_CLUSTER"):
        pytest.fail("DRAWDOWN_REQUIRE_CLUSTER is set but DRAWDOWN_DASK_ADDRESS is not")
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c.scheduler_address


@pytest.fixture(scope="session")
def cluster_workers(cluster_address: str) -> int:
    from dask.distributed import Client

    with Client(cluster_address) as c:
        return len(c.scheduler_info()["workers"])
