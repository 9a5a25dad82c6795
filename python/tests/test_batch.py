"""fit_many: the same results as one fit at a time, from 2-D arrays or from spectra, and its tables."""

import numpy as np
import pytest

import eisfit

CIRCUIT = "R0-p(R1,C1)-W1"


def randles(f, r0, r1, c1, aw):
    """R0 - p(R1, C1) - W1 written out: R0 + R1/(1 + jωR1C1) + Aw (1 - j)/sqrt(ω)."""
    w = 2 * np.pi * f
    return r0 + 1.0 / (1.0 / r1 + 1j * w * c1) + aw * (1 - 1j) / np.sqrt(w)


@pytest.fixture(scope="module")
def batch():
    f = np.logspace(5, -1, 43)
    rng = np.random.default_rng(11)
    truth = [(10.0 * k, 100.0 * k, 1e-6, 5.0) for k in (1.0, 1.5, 2.0, 3.0, 4.5)]
    z = np.array([randles(f, *p) * (1 + 0.002 * rng.standard_normal(len(f))) for p in truth])
    return f, z, truth


def test_rows_equal_single_fits(batch):
    f, z, truth = batch
    many = eisfit.fit_many(f, z, CIRCUIT)
    assert isinstance(many, list) and len(many) == len(z)
    for row, r, p in zip(z, many, truth):
        single = eisfit.fit(f, row, CIRCUIT)
        assert r.to_dict() == single.to_dict()
        assert r.parameters["R1"] == pytest.approx(p[1], rel=0.02)
        assert r.parameters["W1"] == pytest.approx(p[3], rel=0.05)


def test_two_dimensional_frequencies_and_spectra_lists(batch):
    f, z, _ = batch
    expected = [r.parameters for r in eisfit.fit_many(f, z, CIRCUIT)]
    f2 = np.tile(f, (len(z), 1))
    assert [r.parameters for r in eisfit.fit_many(f2, z, CIRCUIT)] == expected
    spectra = [eisfit.Spectrum(f, row) for row in z]
    assert [r.parameters for r in eisfit.fit_many(spectra, circuit=CIRCUIT)] == expected
    assert [r.parameters for r in eisfit.fit_many(spectra=spectra, circuit=CIRCUIT)] == expected
    # spectra of different lengths
    short = eisfit.Spectrum(f[5:], z[0][5:])
    out = eisfit.fit_many([short, spectra[1]], CIRCUIT)
    assert out[0].n_points == len(f) - 5 and out[1].n_points == len(f)


def test_failures_raise_with_their_index_or_become_none(batch):
    f, z, _ = batch
    bad = z.copy()
    bad[2, 4] = np.nan
    with pytest.raises(eisfit.SpectrumError, match=r"spectrum 2: point 4: Re\(Z\) is not finite"):
        eisfit.fit_many(f, bad, CIRCUIT)
    out = eisfit.fit_many(f, bad, CIRCUIT, keep_going=True)
    assert out[2] is None and out[1] is not None and out[3] is not None
    spectra = [eisfit.Spectrum(f, z[0]), eisfit.Spectrum(f[:2], z[1][:2])]
    with pytest.raises(eisfit.SpectrumError, match="spectrum 1: a spectrum needs at least 3 points, got 2"):
        eisfit.fit_many(spectra, CIRCUIT)
    out = eisfit.fit_many(spectra, CIRCUIT, keep_going=True)
    assert out[0].converged and out[1] is None
    # three points cannot determine seven parameters: a FitError, naming the spectrum
    with pytest.raises(eisfit.FitError, match="spectrum 0: 3 points give 6 residuals"):
        eisfit.fit_many([eisfit.Spectrum(f[:3], z[0][:3])], "R0-p(R1,CPE1)-p(R2,CPE2)")


def test_dataframe(batch):
    pd = pytest.importorskip("pandas")
    f, z, _ = batch
    many = eisfit.fit_many(f, z, CIRCUIT)
    df = many.to_dataframe()
    assert isinstance(df, pd.DataFrame) and len(df) == len(z)
    for column in ("converged", "chi2", "aic", "bic", "R0", "R0_stderr", "W1", "adequate", "warnings"):
        assert column in df.columns
    np.testing.assert_array_equal(df["R1"].to_numpy(), [r.parameters["R1"] for r in many])
    assert eisfit.to_dataframe(list(many)).shape == df.shape
    assert many.to_dicts()[0] == many[0].to_dict()


def test_fit_many_releases_the_gil(batch):
    """Another Python thread runs while the batch is fitted: it records times in the middle of the call, which it
    could not do if the extension held the GIL throughout."""
    import threading
    import time

    f, z, _ = batch
    big = np.tile(z, (60, 1))
    stamps, stop = [], threading.Event()

    def ticker():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        t0 = time.perf_counter()
        eisfit.fit_many(f, big, CIRCUIT)
        t1 = time.perf_counter()
    finally:
        stop.set()
        t.join()
    middle = [s for s in stamps if t0 + 0.25 * (t1 - t0) < s < t0 + 0.75 * (t1 - t0)]
    assert middle, f"no Python thread ran during the {1e3 * (t1 - t0):.1f} ms of fit_many"
