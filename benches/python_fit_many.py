"""Times eisfit.fit_many on N copies of the Randles bench spectrum (../shared/bench/spectra/randles.csv, automatic
start values) and, for comparison, the same batch fitted in process by Rust (examples/batch_parallel.rs).

    pip install .            # or: maturin develop --release
    python benches/python_fit_many.py [N]

Prints the fastest and the median of 15 batches for each, and the Python overhead per fit from the fastest (the
least disturbed by other load on the machine).
"""

import pathlib
import re
import resource
import subprocess
import sys
import time

import numpy as np

import eisfit

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPECTRUM = ROOT.parent / "shared" / "bench" / "spectra" / "randles.csv"
CIRCUIT = "R0-p(R1,C1)-W1"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    s = eisfit.read(SPECTRUM)[0]
    z = np.tile(s.z, (n, 1))
    times, cpu = [], []
    for _ in range(15):
        t, c = time.perf_counter(), time.process_time()
        results = eisfit.fit_many(s.frequency_hz, z, CIRCUIT)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        assert all(r.converged for r in results)
        del results  # freeing the last batch's results is not part of the next batch's time
    times.sort()
    py, py_median = times[0], times[len(times) // 2]
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "batch_parallel"], cwd=ROOT, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [str(ROOT / "target" / "release" / "examples" / "batch_parallel"), str(SPECTRUM), CIRCUIT, str(n)],
        capture_output=True, text=True, check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the example, all threads: 15 batches plus reading one file (negligible).
    rust_cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 15
    m = re.search(r"fastest ([0-9.]+) ms, median ([0-9.]+) ms", out)
    rust, rust_median = float(m.group(1)) / 1e3, float(m.group(2)) / 1e3
    print(f"fit_many, {n} Randles fits: fastest {py * 1e3:.2f} ms, median {py_median * 1e3:.2f} ms")
    print(f"Rust in process:            fastest {rust * 1e3:.2f} ms, median {rust_median * 1e3:.2f} ms")
    print(f"CPU time per fit (all threads): fit_many {min(cpu) * 1e6 / n:.2f} us (fastest batch), Rust "
          f"{rust_cpu * 1e6 / n:.2f} us (mean); on an idle machine with k cores a batch takes about n x that / k")
    print(f"Python overhead per fit:    {(py - rust) * 1e6 / n:+.2f} us (fastest vs fastest wall time)")


if __name__ == "__main__":
    main()
