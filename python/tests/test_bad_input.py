"""Bad input from Python gives an exception with a clear message, never a crash of the interpreter."""

import numpy as np
import pytest

import eisfit
from eisfit import _eisfit

CIRCUIT = "R0-p(R1,C1)"


@pytest.fixture
def data():
    f = np.logspace(4, -1, 30)
    return f, eisfit.simulate(CIRCUIT, [10.0, 100.0, 1e-5], f)


def test_wrong_dtypes(data):
    f, z = data
    with pytest.raises(eisfit.InputError, match=r"z must be an array of complex numbers \(build it as z_real"):
        eisfit.fit(f, z.real, CIRCUIT)
    with pytest.raises(eisfit.InputError, match="frequency_hz must be an array of real numbers, got dtype complex"):
        eisfit.fit(f.astype(complex), z, CIRCUIT)
    with pytest.raises(eisfit.InputError, match="dtype <U"):
        eisfit.fit(["a", "b", "c"], z[:3], CIRCUIT)
    with pytest.raises(eisfit.InputError, match="dtype object"):
        eisfit.fit(f, np.array([None] * len(f)), CIRCUIT)
    # integer frequencies and complex64 impedances are converted, not refused
    r = eisfit.fit(np.round(f * 1000).astype(np.int64), z.astype(np.complex64), CIRCUIT)
    assert r.converged


def test_wrong_dtype_straight_to_the_extension_is_a_type_error_not_a_crash(data):
    f, z = data
    plan = _eisfit.FitPlan(CIRCUIT)
    with pytest.raises(TypeError):
        _eisfit.fit(plan, f.astype(np.float32), z)
    with pytest.raises(TypeError):
        _eisfit.fit(plan, f, z.real)


def test_mismatched_lengths(data):
    f, z = data
    with pytest.raises(eisfit.SpectrumError, match="length mismatch: 30 frequencies but 29 impedance values"):
        eisfit.fit(f, z[:-1], CIRCUIT)
    with pytest.raises(eisfit.SpectrumError, match="length mismatch"):
        _eisfit.fit(_eisfit.FitPlan(CIRCUIT), f, z[:-1])


def test_nan_and_inf_name_the_point(data):
    f, z = data
    z = z.copy()
    z[7] = complex(np.nan, -1.0)
    with pytest.raises(eisfit.SpectrumError, match=r"point 7: Re\(Z\) is not finite \(NaN\)"):
        eisfit.fit(f, z, CIRCUIT)
    f = f.copy()
    f[3] = np.inf
    with pytest.raises(eisfit.SpectrumError, match="point 3: frequency is not finite"):
        eisfit.validate(f, data[1])
    with pytest.raises(eisfit.SpectrumError, match="frequency must be > 0"):
        eisfit.drt(-data[0], data[1])


def test_non_contiguous_arrays_are_fitted_as_their_copies(data):
    f, z = data
    f2, z2 = np.repeat(f, 2)[::2], np.repeat(z, 2)[::2]  # every other element: strided views
    assert not f2.flags["C_CONTIGUOUS"] and not z2.flags["C_CONTIGUOUS"]
    a = eisfit.fit(f2, z2, CIRCUIT)
    b = eisfit.fit(f.copy(), z.copy(), CIRCUIT)
    assert a.parameters == b.parameters
    # straight to the extension as well, and for a batch given as a transposed (Fortran-ordered) array
    c = _eisfit.fit(_eisfit.FitPlan(CIRCUIT), f2, z2)
    assert c.parameters == b.parameters
    batch = np.asfortranarray(np.array([z, z]))
    assert [r.parameters for r in _eisfit.fit_many(_eisfit.FitPlan(CIRCUIT), f, batch)] == [b.parameters] * 2
    reversed_view = eisfit.fit(f[::-1], z[::-1], CIRCUIT)
    assert reversed_view.parameters["R1"] == pytest.approx(b.parameters["R1"], rel=1e-9)


def test_one_dimensional_z_to_fit_many(data):
    f, z = data
    with pytest.raises(eisfit.InputError, match="must be a 2-D array with one spectrum per row, got 1 dimension"):
        eisfit.fit_many(f, z, CIRCUIT)
    with pytest.raises(eisfit.InputError, match="fit_many needs z as a 2-D array"):
        _eisfit.fit_many(_eisfit.FitPlan(CIRCUIT), f, z)


def test_fit_many_frequency_shape(data):
    f, z = data
    with pytest.raises(eisfit.InputError, match=r"frequency_hz of shape \(30,\)"):
        eisfit.fit_many(f[:-1], np.array([z, z]), CIRCUIT)


def test_bad_circuits_names_and_values(data):
    f, z = data
    with pytest.raises(eisfit.CircuitError, match="unknown element 'X1'"):
        eisfit.fit(f, z, "R0-X1")
    with pytest.raises(eisfit.CircuitError, match="init"):
        eisfit.fit(f, z, CIRCUIT, init={"R7": 1.0})
    with pytest.raises(eisfit.FitError, match="expected 3 start values, got 2"):
        eisfit.fit(f, z, CIRCUIT, init=[1.0, 2.0])
    with pytest.raises(eisfit.FitError, match="start value of R1 = -5 is outside its bounds"):
        eisfit.fit(f, z, CIRCUIT, init={"R1": -5.0})
    with pytest.raises(eisfit.FitError, match="invalid bounds for R1"):
        eisfit.fit(f, z, CIRCUIT, bounds={"R1": (10.0, 1.0)})
    with pytest.raises(eisfit.InputError, match="needs \\(lower, upper\\)"):
        eisfit.fit(f, z, CIRCUIT, bounds={"R1": 3.0})
    with pytest.raises(eisfit.InputError, match="unknown weighting 'cubic'"):
        eisfit.fit(f, z, CIRCUIT, weight="cubic")
    with pytest.raises(eisfit.FitError, match="sigma weighting needs per-point standard deviations"):
        eisfit.fit(f, z, CIRCUIT, weight="sigma")
    with pytest.raises(eisfit.InputError, match="max_evaluations must be at least 1"):
        eisfit.fit(f, z, CIRCUIT, max_evaluations=0)
    with pytest.raises(eisfit.InputError, match="multistart"):
        eisfit.fit(f, z, CIRCUIT, multistart=-1)
    with pytest.raises(eisfit.SpectrumError, match="leaves|at least 3"):
        eisfit.fit(f, z, CIRCUIT, fmin=1e3, fmax=1.1e3)
    with pytest.raises(eisfit.InputError, match="a circuit is needed"):
        eisfit.fit(f, z)


def test_exception_hierarchy():
    assert issubclass(eisfit.FitError, ValueError) and issubclass(eisfit.FitError, eisfit.EisfitError)
    assert issubclass(eisfit.SpectrumError, eisfit.InputError)
    assert issubclass(eisfit.ReadError, OSError)


def test_read_errors(tmp_path):
    with pytest.raises(eisfit.ReadError, match="nothing_here.csv"):
        eisfit.read(tmp_path / "nothing_here.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("this is not\na spectrum\n")
    with pytest.raises(eisfit.ReadError, match="bad.csv"):
        eisfit.read(bad)
    with pytest.raises(eisfit.InputError):
        eisfit.read(bad, format="no-such-format")
