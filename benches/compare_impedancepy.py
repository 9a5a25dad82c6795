#!/usr/bin/env python3
"""Side-by-side speed and accuracy: impedance.py and eisfit on the ../shared/bench spectra, in one run.

For each bench spectrum it fits
  * impedance.py's CustomCircuit.fit (its defaults: scipy TRF, finite differences, unweighted) from the
    start values of ../shared/bench/bench_impedancepy.py (GUESS_RULES), timing the median of REPS runs;
  * eisfit from the same start values, unweighted, one start (`--weight unit --multistart 0`), timed as a whole
    `eisfit fit` process over a batch of BATCH copies of the file (so process start-up and file reading are
    included, amortised over the batch);
  * eisfit's same fit in process (`examples/profile_fit.rs`, median of five rounds), without process start-up,
    file reading or output: the fair counterpart of the Python timings, which also exclude start-up and reading;
  * the same scipy call on a plain numpy model of the circuit (the fair optimizer baseline of the bench's
    RESULTS.md: scipy TRF without impedance.py's string-built model);
  * eisfit with automatic start values (default options, adaptive multi-start), timed the same way;
each eisfit batch once on one CPU (RAYON_NUM_THREADS=1, pinned with taskset) and once on all cores, with the
JSON written to a file. It prints the times, the ratios, and the largest parameter difference between
impedance.py and eisfit (from the same start), both relative and in units of eisfit's standard errors. The last two columns say which of the two stopped closer to
the exact minimum: "RSS excess" is impedance.py's residual sum of squares relative to eisfit's (positive: eisfit
is lower), and "eisfit polished" how far scipy's MINPACK LM (tolerances 1e-15) moves eisfit's parameters.

Usage (from the repository root):
  python3 -m venv benches/.venv && benches/.venv/bin/pip install impedance==1.7.1 numpy scipy pandas
  cargo build --release --bin eisfit --example profile_fit
  benches/.venv/bin/python benches/compare_impedancepy.py [--reps 5] [--batch 1000]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from impedance.models.circuits import CustomCircuit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "..", "shared", "bench")
SPEC = os.path.join(BENCH, "spectra")
EISFIT = os.path.join(ROOT, "target", "release", "eisfit")
PROFILE_FIT = os.path.join(ROOT, "target", "release", "examples", "profile_fit")
sys.path.insert(0, BENCH)
from bench_impedancepy import MODELS, load_spectra  # noqa: E402  (the same spectra, models and start values)
from impedance.models.circuits.fitting import set_default_bounds  # noqa: E402
from scipy.optimize import curve_fit, least_squares  # noqa: E402


def impedancepy_fit(s, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        c = CustomCircuit(s["circuit"], initial_guess=list(s["guess"]))
        c.fit(s["f"], s["Z"])
        times.append(time.perf_counter() - t)
    return statistics.median(times), dict(zip(s["names"], c.parameters_))


def numpy_trf_fit(s, reps):
    """impedance.py's own curve_fit call (TRF, its bounds and tolerances) on a plain vectorised numpy model."""
    model = MODELS[s["kind"]]
    y = np.hstack([s["Z"].real, s["Z"].imag])
    bounds = set_default_bounds(s["circuit"])

    def fun(ff, *p):
        z = model(p, ff)
        return np.hstack([z.real, z.imag])

    times = []
    for _ in range(reps):
        t = time.perf_counter()
        curve_fit(fun, s["f"], y, p0=s["guess"], bounds=bounds, maxfev=100000, ftol=1e-13)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def residuals(s, p):
    """Stacked real and imaginary residuals of the plain numpy model at `p`."""
    z = MODELS[s["kind"]](p, s["f"]) - s["Z"]
    return np.hstack([z.real, z.imag])


def rss(s, p):
    return float(np.sum(residuals(s, np.asarray(p, dtype=float)) ** 2))


def polish(s, start):
    """`start` polished with scipy's MINPACK LM (tolerances 1e-15, 3-point differences, Jacobian scaling) on a
    plain numpy model: a point that is already a minimum barely moves."""
    r = least_squares(lambda p: residuals(s, p), np.asarray(start, dtype=float), method="lm", ftol=1e-15,
                      xtol=1e-15, gtol=1e-15, x_scale="jac", jac="3-point", max_nfev=100000)
    return r.x


def eisfit_batch(s, batch, extra, threads=None, runs=3):
    """Seconds per spectrum of one `eisfit fit` process over `batch` copies of the file (the median of `runs`
    processes), and the first fit.

    The JSON goes to a file, as in `eisfit fit ... > fits.json`: a pipe read by this script would time the
    script's reading too. With `threads=1` the process is also pinned to one CPU (`taskset`, where available),
    since eisfit's main thread writes the output while the pool fits.
    """
    tmp = tempfile.mkdtemp(prefix="eisfit-cmp-")
    try:
        src = os.path.join(SPEC, s["file"])
        files = []
        for i in range(batch):
            dst = os.path.join(tmp, f"{i:05d}.csv")
            shutil.copyfile(src, dst)
            files.append(dst)
        cmd = [EISFIT, "fit", *files, "--circuit", s["circuit"], "--output", "json", *extra]
        env = dict(os.environ)
        if threads:
            env["RAYON_NUM_THREADS"] = str(threads)
            if threads == 1 and shutil.which("taskset"):
                cmd = ["taskset", "-c", "0", *cmd]
        result = os.path.join(tmp, "fits.json")
        times = []
        for _ in range(runs):
            with open(result, "w") as sink:
                t = time.perf_counter()
                out = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, text=True, env=env)
                times.append(time.perf_counter() - t)
            if out.returncode not in (0, 1):
                raise RuntimeError(out.stderr)
        with open(result) as f:
            fits = json.load(f)
        return statistics.median(times) / batch, fits[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def eisfit_in_process(s, init, reps=2000):
    """Seconds per fit of eisfit's same-start fit in process (median of five rounds of reps / 5 fits)."""
    cmd = [PROFILE_FIT, os.path.join(SPEC, s["file"]), s["circuit"], "same=" + init, str(reps)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    value = out.split(": ", 1)[1].split(" per fit", 1)[0]
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * scale
    raise RuntimeError(f"cannot read the time in {out!r}")


def contract_name(n):
    """impedance.py's positional CPE names (CPE1_0, CPE1_1) as eisfit's (CPE1.Q, CPE1.n)."""
    if n.startswith("CPE") and "_" in n:
        label, k = n.rsplit("_", 1)
        return f"{label}.{'Q' if k == '0' else 'n'}"
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1000)
    a = ap.parse_args()
    if not (os.path.exists(EISFIT) and os.path.exists(PROFILE_FIT)):
        sys.exit("build eisfit first: cargo build --release --bin eisfit --example profile_fit")
    cols = ("spectrum", "impedance.py", "numpy TRF", "same in process", "ratio", "vs numpy", "same 1 thr",
            "ratio", "vs numpy", "same all", "ratio", "auto 1 thr", "ratio", "auto all", "ratio", "max rel Δp",
            "max |Δp|/σ", "RSS excess", "eisfit polished")
    print(" | ".join(cols))
    print("|".join("---" for _ in cols))
    for s in load_spectra():
        t_py, p_py = impedancepy_fit(s, a.reps)
        t_np = numpy_trf_fit(s, a.reps)
        init = ",".join(f"{contract_name(n)}={v!r}" for n, v in zip(s["names"], s["guess"]))
        same = ["--init", init, "--weight", "unit", "--multistart", "0", "--no-canonical-order"]
        t_in = eisfit_in_process(s, init)
        t_same1, fit_same = eisfit_batch(s, a.batch, same, threads=1)
        t_same, _ = eisfit_batch(s, a.batch, same)
        t_auto1, _ = eisfit_batch(s, a.batch, [], threads=1)
        t_auto, _ = eisfit_batch(s, a.batch, [])
        dsig, drel = 0.0, 0.0
        by_name = {p["name"]: p for p in fit_same["parameters"]}
        for n, v in p_py.items():
            p = by_name.get(contract_name(n))
            if p is None:
                continue
            drel = max(drel, abs(p["value"] - v) / abs(v))
            if p["stderr"]:
                dsig = max(dsig, abs(p["value"] - v) / p["stderr"])
        p_eis = [by_name[contract_name(n)]["value"] for n in s["names"]]
        rss_eis = rss(s, p_eis)
        excess = (rss(s, [p_py[n] for n in s["names"]]) - rss_eis) / rss_eis
        polished = polish(s, p_eis)
        moved = max(abs(q - v) / abs(v) for q, v in zip(polished, p_eis))
        name = s["file"][:-4]
        print(f"{name} | {t_py*1e3:.1f} ms | {t_np*1e3:.2f} ms | {t_in*1e6:.0f} µs | {t_py/t_in:.0f}× | "
              f"{t_np/t_in:.0f}× | {t_same1*1e6:.0f} µs | {t_py/t_same1:.0f}× | {t_np/t_same1:.0f}× | "
              f"{t_same*1e6:.0f} µs | {t_py/t_same:.0f}× | {t_auto1*1e6:.0f} µs | {t_py/t_auto1:.0f}× | "
              f"{t_auto*1e6:.0f} µs | {t_py/t_auto:.0f}× | {drel:.1e} | {dsig:.2f} | {excess:+.1e} | {moved:.1e}")

if __name__ == "__main__":
    main()
