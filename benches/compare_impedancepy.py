#!/usr/bin/env python3
"""Side-by-side speed and accuracy: impedance.py and eisfit on the ../shared/bench spectra, in one run.

For each bench spectrum it fits
  * impedance.py's CustomCircuit.fit (its defaults: scipy TRF, finite differences, unweighted) from the
    start values of ../shared/bench/bench_impedancepy.py (GUESS_RULES), timing the median of REPS runs;
  * eisfit from the same start values, unweighted, one start (`--weight unit --multistart 0`), timed as a whole
    `eisfit fit` process over a batch of BATCH copies of the file (so process start-up and file reading are
    included, amortised over the batch);
  * eisfit with automatic start values (default options, adaptive multi-start), timed the same way;
and prints the times, the ratios, and the largest parameter difference between the two tools in units of
eisfit's standard errors.

Usage (from the repository root):
  python3 -m venv benches/.venv && benches/.venv/bin/pip install impedance==1.7.1 numpy scipy pandas
  cargo build --release
  benches/.venv/bin/python benches/compare_impedancepy.py [--reps 5] [--batch 200]
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
sys.path.insert(0, BENCH)
from bench_impedancepy import load_spectra  # noqa: E402  (the same spectra and start values as the published run)


def impedancepy_fit(s, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        c = CustomCircuit(s["circuit"], initial_guess=list(s["guess"]))
        c.fit(s["f"], s["Z"])
        times.append(time.perf_counter() - t)
    return statistics.median(times), dict(zip(s["names"], c.parameters_))


def eisfit_batch(s, batch, extra):
    tmp = tempfile.mkdtemp(prefix="eisfit-cmp-")
    try:
        src = os.path.join(SPEC, s["file"])
        files = []
        for i in range(batch):
            dst = os.path.join(tmp, f"{i:05d}.csv")
            shutil.copyfile(src, dst)
            files.append(dst)
        cmd = [EISFIT, "fit", *files, "--circuit", s["circuit"], "--output", "json", *extra]
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        if out.returncode not in (0, 1):
            raise RuntimeError(out.stderr)
        fits = json.loads(out.stdout)
        return elapsed / batch, fits[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=200)
    a = ap.parse_args()
    if not os.path.exists(EISFIT):
        sys.exit("build eisfit first: cargo build --release")
    print(f"{'spectrum':<15} {'impedance.py':>12} {'eisfit same start':>18} {'ratio':>7} {'eisfit auto':>12} {'ratio':>7} {'max |Δp|/σ':>11}")
    for s in load_spectra():
        t_py, p_py = impedancepy_fit(s, a.reps)
        init = ",".join(f"{n}={v!r}" for n, v in zip(s["names"], s["guess"]))
        same = ["--init", init, "--weight", "unit", "--multistart", "0", "--no-canonical-order"]
        t_same, fit_same = eisfit_batch(s, a.batch, same)
        t_auto, _ = eisfit_batch(s, a.batch, [])
        dmax = 0.0
        by_name = {p["name"]: p for p in fit_same["parameters"]}
        for n, v in p_py.items():
            name = n.replace("_0", ".Q").replace("_1", ".n") if n.startswith("CPE") else n
            p = by_name.get(name)
            if p and p["stderr"]:
                dmax = max(dmax, abs(p["value"] - v) / p["stderr"])
        name = s["file"][:-4]
        print(f"{name:<15} {t_py*1e3:>9.1f} ms {t_same*1e6:>15.0f} µs {t_py/t_same:>6.0f}x {t_auto*1e6:>9.0f} µs "
              f"{t_py/t_auto:>6.0f}x {dmax:>11.2e}")


if __name__ == "__main__":
    main()
