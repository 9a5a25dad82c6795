"""Shared fixtures: the repository's paths, the vendored impedance.py spectrum, the shared corpus and the CLI."""

import os
import pathlib
import shutil

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(__file__).resolve().parent / "data"
# Third-party data next to the repository, read in place (never copied into it).
SHARED = pathlib.Path(os.environ.get("EISFIT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def example_data():
    """impedance.py's exampleData.csv: frequencies (Hz) and complex Z (Ω)."""
    data = np.loadtxt(DATA / "exampleData.csv", delimiter=",")
    return data[:, 0], data[:, 1] + 1j * data[:, 2]


def real_files():
    """Every data file of the shared real-data corpus, or [] when it is absent."""
    root = SHARED / "data" / "real"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix not in (".md", ".sidecar"))


def cli_binary():
    """The eisfit binary: $EISFIT_BIN, else a release or debug build in target/, else one on PATH."""
    env = os.environ.get("EISFIT_BIN")
    if env:
        return env
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "eisfit"
        if p.is_file():
            return str(p)
    return shutil.which("eisfit")
