# %% [markdown]
# # eisfit from Python, cell by cell
#
# A notebook in the percent format: Jupyter (with jupytext) and VS Code open it as cells; `python
# docs/python_example.py` runs it top to bottom. It uses impedance.py's example spectrum, shipped with the tests
# (`python/tests/data/exampleData.csv`, MIT, see the README there): a battery from 10 kHz down to 3 mHz.

# %%
import pathlib

import numpy as np

import eisfit

here = pathlib.Path(__file__).resolve().parent if "__file__" in globals() else pathlib.Path("docs").resolve()
data = np.loadtxt(here.parent / "python" / "tests" / "data" / "exampleData.csv", delimiter=",")
f, z = data[:, 0], data[:, 1] + 1j * data[:, 2]
print(f"{len(f)} points, {f.min():.3g} to {f.max():.3g} Hz")

# %% [markdown]
# ## Is the spectrum worth fitting? The Kramers–Kronig test
# The high-frequency points are inductive (Im Z > 0), from the cables; the test covers the whole spectrum.

# %%
kk = eisfit.validate(f, z)
print(kk)

# %% [markdown]
# ## Fit without start values
# Two arcs and a finite-space Warburg tail; the inductive points are dropped, as impedance.py's `ignoreBelowX`
# does.

# %%
result = eisfit.fit(f, z, "R0-p(R1,C1)-p(R2-Wo1,C2)", drop_inductive=True)
print(result)
for name, value in result.parameters.items():
    print(f"{name:8s} {value:.4g} ± {result.stderr[name]:.2g}")

# %% [markdown]
# ## The fitted curve and the residuals

# %%
keep = z.imag < 0  # the points fitted
model = result.predict(f[keep])
relative = (z[keep] - model) / np.abs(model)
print(f"largest relative residual: {np.abs(relative).max():.2%}, rms {np.sqrt(np.mean(np.abs(relative) ** 2)):.2%}")

# %% [markdown]
# ## The distribution of relaxation times
# Where the arcs are, without choosing a circuit first.

# %%
d = eisfit.drt(f[keep], z[keep])
for p in d.peaks:
    print(f"peak at tau = {p['tau_s']:.3g} s (f = {p['freq_hz']:.3g} Hz), R = {p['r_ohm']:.3g} Ohm")

# %% [markdown]
# ## Many spectra at once
# 100 noisy copies of the measurement, fitted in parallel without the GIL.

# %%
rng = np.random.default_rng(0)
batch = z[keep] * (1 + 0.005 * rng.standard_normal((100, keep.sum())))
results = eisfit.fit_many(f[keep], batch, "R0-p(R1,C1)-p(R2-Wo1,C2)")
r1 = np.array([r.parameters["R1"] for r in results])
print(f"R1 over 100 copies: {r1.mean():.4g} ± {r1.std():.2g} (one fit's stderr: {result.stderr['R1']:.2g})")

# %% [markdown]
# With pandas installed, `results.to_dataframe()` gives one row per fit.

# %%
try:
    print(results.to_dataframe()[["converged", "chi2", "R1", "R1_stderr"]].describe())
except ImportError:
    print("pandas is not installed")

# %% [markdown]
# ## The same fit as impedance.py's CustomCircuit

# %%
from eisfit.compat import CustomCircuit

circuit = CustomCircuit("R0-p(R1,C1)-p(R2-Wo1,C2)", initial_guess=[.01, .01, 100, .01, .05, 100, 1])
circuit.fit(f[keep], z[keep])
print(circuit)
