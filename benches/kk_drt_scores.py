#!/usr/bin/env python3
"""Scores `eisfit validate` and `eisfit drt` on the shared test sets the way their READMEs describe, one
`eisfit ... --output json` process per spectrum (so process start-up, reading and writing are included).

Kramers-Kronig (../shared/data/kk): AUC of pseudo_chi2 and of max_abs_residual for separating compliant from
drifting spectra at each noise level, accuracy of `valid`, wall time per process.

DRT (../shared/data/drt): relative L2 error of gamma where the exact gamma is at least 1 % of its maximum (eisfit's
gamma interpolated linearly in ln tau onto the exact grid, zero outside eisfit's range), the error of R_pol (area
under eisfit's gamma), peak position errors in decades (local maxima with a prominence of at least 5 % of the
maximum, refined by a parabola in ln tau), whether the ratio-10 pair is resolved, spurious peaks, wall time per
process.

Usage (from the repository root):
  cargo build --release --bin eisfit
  /work/main/.venv/bin/python benches/kk_drt_scores.py [--shared ../shared] [--bin target/release/eisfit]
"""
import argparse
import json
import math
import subprocess
import time
from pathlib import Path


def run(binary, args):
    t0 = time.perf_counter()
    out = subprocess.run([binary, *args, "--output", "json"], capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"{args}: exit {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)[0], dt


def auc(valid, invalid):
    s = 0.0
    for b in invalid:
        for a in valid:
            s += 1.0 if b > a else (0.5 if b == a else 0.0)
    return s / (len(valid) * len(invalid))


def kk(binary, d):
    labels = json.loads((d / "labels.json").read_text())
    meta = json.loads((d / "meta.json").read_text())
    by_noise, right, times = {}, 0, []
    for ident, ok in sorted(labels.items()):
        r, dt = run(binary, ["validate", str(d / f"{ident}.csv")])
        times.append(dt)
        right += r["valid"] == ok
        e = by_noise.setdefault(meta[ident]["noise_percent"], ([], [], [], []))
        if ok:
            e[0].append(r["pseudo_chi2"])
            e[2].append(r["max_abs_residual"])
        else:
            e[1].append(r["pseudo_chi2"])
            e[3].append(r["max_abs_residual"])
    print("Kramers-Kronig, ../shared/data/kk:")
    for noise, (v, i, vm, im) in sorted(by_noise.items()):
        print(f"  noise {noise:>5} %: AUC(pseudo_chi2) {auc(v, i):.4f}, AUC(max_abs_residual) {auc(vm, im):.4f}")
    times.sort()
    print(f"  valid flag right on {right}/{len(labels)} = {100 * right / len(labels):.1f} %")
    print(f"  wall time per process: median {1e3 * times[len(times) // 2]:.2f} ms, "
          f"max {1e3 * times[-1]:.2f} ms")


def peaks_of(tau, gamma):
    """Local maxima with prominence >= 5 % of the maximum, refined by a parabola in ln tau."""
    n, top = len(gamma), max(gamma)
    out = []
    for i in range(n):
        left = gamma[i - 1] if i > 0 else 0.0
        right = gamma[i + 1] if i + 1 < n else 0.0
        if not (gamma[i] > left and gamma[i] >= right and gamma[i] > 0):
            continue
        lo = hi = gamma[i]
        j = i
        while j > 0 and gamma[j - 1] <= gamma[i]:
            j -= 1
            lo = min(lo, gamma[j])
        lo = min(lo, 0.0) if j == 0 else lo
        j = i
        while j + 1 < n and gamma[j + 1] <= gamma[i]:
            j += 1
            hi = min(hi, gamma[j])
        hi = min(hi, 0.0) if j == n - 1 else hi
        if gamma[i] - max(lo, hi) < 0.05 * top:
            continue
        u = math.log(tau[i])
        if 0 < i < n - 1:
            a, b, c = gamma[i - 1], gamma[i], gamma[i + 1]
            den = a - 2 * b + c
            if den < 0:
                du = math.log(tau[i + 1]) - u
                u += max(-0.5, min(0.5, 0.5 * (a - c) / den)) * du
        out.append(math.exp(u))
    return out


def l2(tau, gamma, exact):
    top = max(g for _, g in exact)
    lt = [math.log(t) for t in tau]
    num = den = 0.0
    for t, g in exact:
        if g < 0.01 * top:
            continue
        u = math.log(t)
        if u < lt[0] or u > lt[-1]:
            ours = 0.0
        else:
            k = next(k for k in range(1, len(lt)) if lt[k] >= u)
            w = (u - lt[k - 1]) / (lt[k] - lt[k - 1])
            ours = gamma[k - 1] * (1 - w) + gamma[k] * w
        num += (ours - g) ** 2
        den += g * g
    return math.sqrt(num / den)


def drt(binary, d):
    print("DRT, ../shared/data/drt:")
    print(f"  {'spectrum':26} {'L2':>6} {'dR_pol%':>8} {'peaks':>6}  peak errors (decades)")
    times = []
    for sub in ("generated", "pydrttools"):
        base = d / sub
        truth = json.loads((base / "truth.json").read_text())
        for ident, t in truth.items():
            r, dt = run(binary, ["drt", str(base / t["file"])])
            times.append(dt)
            tau, gamma = r["tau_s"], r["gamma_ohm"]
            area = sum(0.5 * (gamma[k] + gamma[k + 1]) * math.log(tau[k + 1] / tau[k]) for k in range(len(tau) - 1))
            exact = None
            if t.get("gamma_file"):
                rows = (base / t["gamma_file"]).read_text().split("\n")[1:]
                exact = [tuple(map(float, x.split(","))) for x in rows if x.strip()]
            found = peaks_of(tau, gamma)
            errs = [min((math.log10(p / q) for q in t["peaks_tau_s"]), key=abs) for p in found]
            print(f"  {ident:26} {l2(tau, gamma, exact) if exact else float('nan'):6.3f} "
                  f"{100 * (area - t['r_pol']) / t['r_pol']:8.3f} {len(found):>3}/{len(t['peaks_tau_s'])}  "
                  + " ".join(f"{e:+.3f}" for e in errs))
    times.sort()
    print(f"  wall time per process: median {1e3 * times[len(times) // 2]:.2f} ms, max {1e3 * times[-1]:.2f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--bin", default="target/release/eisfit")
    a = ap.parse_args()
    shared = Path(a.shared)
    kk(a.bin, shared / "data" / "kk")
    drt(a.bin, shared / "data" / "drt")


if __name__ == "__main__":
    main()
