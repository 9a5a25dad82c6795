"""eisfit.fit on synthetic spectra whose parameters are known: recovery, predict, options, and the result object."""

import math

import numpy as np
import pytest

import eisfit

CIRCUIT = "R0-p(R1,CPE1)"
TRUTH = {"R0": 10.0, "R1": 100.0, "CPE1.Q": 1e-5, "CPE1.n": 0.85}


def cpe_arc(f):
    """R0 + R1 ‖ CPE, written out independently of the library: Z_CPE = 1/(Q (jω)^n)."""
    w = 2 * np.pi * f
    zq = 1.0 / (TRUTH["CPE1.Q"] * (1j * w) ** TRUTH["CPE1.n"])
    return TRUTH["R0"] + 1.0 / (1.0 / TRUTH["R1"] + 1.0 / zq)


@pytest.fixture
def spectrum():
    f = np.logspace(5, -2, 57)
    return f, cpe_arc(f)


def test_exact_data_recover_the_parameters(spectrum):
    f, z = spectrum
    r = eisfit.fit(f, z, CIRCUIT)
    assert r.converged
    assert list(r.parameters) == list(TRUTH)
    for name, value in TRUTH.items():
        assert r.parameters[name] == pytest.approx(value, rel=1e-8)


def test_noisy_data_truth_within_four_standard_errors(spectrum):
    f, z = spectrum
    rng = np.random.default_rng(3)
    noisy = z * (1 + 0.01 * (rng.standard_normal(len(z)) + 1j * rng.standard_normal(len(z))))
    r = eisfit.fit(f, noisy, CIRCUIT)
    assert r.converged
    for name, value in TRUTH.items():
        assert abs(r.parameters[name] - value) < 4 * r.stderr[name], name
    # reduced χ² with modulus weighting ≈ the relative variance of the noise per part (1e-4)
    assert 0.5e-4 < r.reduced_chi2 < 2e-4


def test_predict_is_the_closed_form_at_the_fitted_values(spectrum):
    f, z = spectrum
    r = eisfit.fit(f, z, CIRCUIT)
    g = np.array([1e6, 123.0, 1e-3])
    np.testing.assert_allclose(r.predict(g), cpe_arc(g), rtol=1e-8)
    # a list works as well as an array
    np.testing.assert_allclose(r.predict([123.0]), cpe_arc(np.array([123.0])), rtol=1e-8)


def test_to_dict_is_the_cli_object(spectrum):
    f, z = spectrum
    d = eisfit.fit(f, z, CIRCUIT).to_dict()
    for key in ("circuit", "converged", "termination", "parameters", "chi2", "reduced_chi2", "pseudo_chi2", "aic",
                "bic", "n_points", "n_iterations", "warnings", "diagnostics"):
        assert key in d, key
    assert "file" not in d  # arrays have no file
    assert [p["name"] for p in d["parameters"]] == list(TRUTH)
    assert d["n_points"] == len(f)


def test_fix_init_and_bounds(spectrum):
    f, z = spectrum
    r = eisfit.fit(f, z, CIRCUIT, fix={"R0": 12.0})
    assert r.parameters["R0"] == pytest.approx(12.0, rel=1e-15)
    assert r.stderr["R0"] is None
    r = eisfit.fit(f, z, CIRCUIT, init={"R1": 80.0, "CPE1_1": 0.8})  # impedance.py's positional name works
    assert r.parameters["R1"] == pytest.approx(100.0, rel=1e-8)
    r = eisfit.fit(f, z, CIRCUIT, init=[9.0, 90.0, 2e-5, 0.9])
    assert r.parameters["CPE1.n"] == pytest.approx(0.85, rel=1e-8)
    r = eisfit.fit(f, z, CIRCUIT, bounds={"R1": (0.0, 50.0)})
    assert r.parameters["R1"] <= 50.0


def test_window_and_weighting(spectrum):
    f, z = spectrum
    r = eisfit.fit(f, z, CIRCUIT, fmin=1.0, fmax=1e4, weight="unit")
    assert r.n_points == int(np.sum((f >= 1.0) & (f <= 1e4)))
    assert r.to_dict()["weighting"] == "unit"


def test_spectrum_argument_and_sigma(spectrum):
    f, z = spectrum
    s = eisfit.Spectrum(f, z, sigma=0.01 * np.abs(z) * (1 + 1j))
    a = eisfit.fit(spectrum=s, circuit=CIRCUIT, weight="sigma")
    b = eisfit.fit(s, CIRCUIT, weight="sigma")
    assert a.parameters == b.parameters
    assert a.parameters["R1"] == pytest.approx(100.0, rel=1e-8)


def test_result_repr_and_str(spectrum):
    f, z = spectrum
    r = eisfit.fit(f, z, CIRCUIT)
    assert repr(r).startswith("FitResult(circuit='R0-p(R1,CPE1)', converged=True")
    assert "R1" in str(r)
    assert r.values.shape == (4,)
    cov = r.covariance
    assert cov.shape == (4, 4)
    assert all(math.isfinite(v) for v in r.stderr_values)


def test_simulate_and_parameter_names():
    f = np.array([1e9, 1e-6])
    z = eisfit.simulate("R0-p(R1,C1)", {"R0": 10, "R1": 100, "C1": 1e-6}, f)
    assert z[0].real == pytest.approx(10.0, rel=1e-6)
    assert z[1].real == pytest.approx(110.0, rel=1e-6)
    assert eisfit.parameter_names("R0-p(R1,CPE1)-Wo1") == ["R0", "R1", "CPE1.Q", "CPE1.n", "Wo1.R", "Wo1.tau"]


def test_identify_is_a_clear_hook():
    with pytest.raises(NotImplementedError, match="identify"):
        eisfit.identify()
