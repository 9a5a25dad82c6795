"""The package and the command line agree on every file of the shared real-data corpus (../shared/data/real, read
in place): the fitted parameters to 1e-9 relative, and the validate and drt objects, number by number. Skipped
with the reason when the corpus or the eisfit binary is absent."""

import json
import math
import subprocess

import pytest

import eisfit

from conftest import SHARED, cli_binary, real_files

FILES = real_files()
BINARY = cli_binary()
CIRCUIT = "R0-p(R1,CPE1)"

pytestmark = [
    pytest.mark.skipif(not FILES, reason=f"the shared corpus {SHARED / 'data' / 'real'} is absent"),
    pytest.mark.skipif(BINARY is None, reason="no eisfit binary (build it with cargo build, or set EISFIT_BIN)"),
]


def cli(*args):
    p = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def close(a, b, rel=1e-9, path="$"):
    """a and b are the same JSON value, numbers to `rel` relative."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))}"
        for k in a:
            close(a[k], b[k], rel, f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths"
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, rel, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-300), f"{path}: {a} vs {b}"
    else:
        assert a == b, f"{path}: {a!r} vs {b!r}"


def first_sweep(path):
    """The file's first sweep from the package, or the ReadError, after checking the CLI fails the same way."""
    try:
        return eisfit.read(path)[0]
    except eisfit.ReadError as e:
        code, _, err = cli("read", path)
        assert code == 2, f"the package cannot read {path} but the CLI can"
        assert str(e) in err, f"different messages:\n  package: {e}\n  cli:     {err.strip()}"
        pytest.skip(f"unreadable, and both say so: {e}")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fit_parameters_equal_the_cli(path):
    s = first_sweep(path)
    code, out, err = cli("fit", path, "--circuit", CIRCUIT, "--sweep", s.sweep, "--output", "json")
    try:
        ours = eisfit.fit(spectrum=s, circuit=CIRCUIT).to_dict()
    except eisfit.EisfitError as e:
        assert code == 2 and str(e) in err, f"the package failed ({e}) but the CLI said: {err}"
        return
    (theirs,) = json.loads(out)
    assert "error" not in theirs, theirs
    for p, q in zip(ours["parameters"], theirs["parameters"]):
        assert p["name"] == q["name"]
        assert math.isclose(p["value"], q["value"], rel_tol=1e-9), (p, q)
    close(ours, theirs)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_validate_and_drt_objects_equal_the_cli(path):
    s = first_sweep(path)
    for command, run in (("validate", eisfit.validate), ("drt", eisfit.drt)):
        code, out, err = cli(command, path, "--sweep", s.sweep, "--output", "json")
        try:
            ours = run(spectrum=s).to_dict()
        except eisfit.EisfitError as e:
            assert code == 2 and str(e) in err, f"{command}: the package failed ({e}) but the CLI said: {err}"
            continue
        (theirs,) = json.loads(out)
        close(ours, theirs, path=command)
