"""read, validate and drt against spectra whose answer is known in closed form."""

import numpy as np
import pytest

import eisfit

R0, R1, C1 = 5.0, 50.0, 2e-5  # one RC arc: a delta in the DRT at τ = R1·C1 with area R1


def arc(f):
    return R0 + R1 / (1 + 2j * np.pi * f * R1 * C1)


def test_read_a_csv_file(tmp_path):
    f = np.logspace(5, -1, 25)
    z = arc(f)
    path = tmp_path / "cell.csv"
    rows = "\n".join(f"{float(a)!r},{float(b.real)!r},{float(b.imag)!r}" for a, b in zip(f, z))
    path.write_text("frequency_hz,z_real_ohm,z_imag_ohm\n" + rows + "\n")
    spectra = eisfit.read(path)
    assert len(spectra) == 1
    s = spectra[0]
    np.testing.assert_array_equal(s.frequency_hz, f)
    np.testing.assert_array_equal(s.z, z)
    assert isinstance(s.metadata, dict) and s.file == str(path) and s.sweep == 0 and s.format
    r = eisfit.fit(spectrum=s, circuit="R0-p(R1,C1)")
    assert r.file == str(path) and r.to_dict()["file"] == str(path) and r.to_dict()["sweep"] == 0
    assert r.parameters["R1"] == pytest.approx(R1, rel=1e-8)


def test_spectrum_to_dataframe():
    pytest.importorskip("pandas")
    f = np.logspace(3, 0, 4)
    df = eisfit.Spectrum(f, arc(f)).to_dataframe()
    assert list(df.columns) == ["frequency_hz", "z_real_ohm", "z_imag_ohm"]
    np.testing.assert_array_equal(df["z_imag_ohm"].to_numpy(), arc(f).imag)


def test_validate_a_kramers_kronig_spectrum_and_a_drifting_one():
    f = np.logspace(5, -2, 71)
    ok = eisfit.validate(f, arc(f))
    assert ok.valid
    assert ok.max_abs_residual < 1e-3
    d = ok.to_dict()
    assert d["valid"] is True and d["n_rc"] == ok.n_rc and len(d["residual_real"]) == len(f)
    assert "file" not in d
    # A drift: the resistance grows by 40 % over the measurement (high to low frequency), which no causal,
    # linear, stable system produces.
    drift = arc(f) * (1 + 0.4 * np.linspace(0, 1, len(f)) ** 2)
    bad = eisfit.validate(f, drift)
    assert not bad.valid
    assert bad.max_abs_residual > 10 * ok.max_abs_residual


def test_drt_of_one_arc_is_one_peak_at_rc():
    f = np.logspace(6, -3, 91)
    d = eisfit.drt(f, arc(f))
    assert d.r_inf_ohm == pytest.approx(R0, rel=0.02)
    assert d.r_pol_ohm == pytest.approx(R1, rel=0.02)
    peaks = d.peaks
    assert len(peaks) >= 1
    main = max(peaks, key=lambda p: p["r_ohm"])
    assert main["tau_s"] == pytest.approx(R1 * C1, rel=0.15)
    assert main["r_ohm"] == pytest.approx(R1, rel=0.05)
    out = d.to_dict()
    assert out["r_inf_ohm"] == d.r_inf_ohm and len(out["tau_s"]) == len(d.tau_s) == len(d.gamma_ohm)
    fixed = eisfit.drt(f, arc(f), lam=1e-3)
    assert fixed.lambda_ == pytest.approx(1e-3)
    with pytest.raises(eisfit.InputError, match="lam must be 'auto' or a positive number"):
        eisfit.drt(f, arc(f), lam="best")
