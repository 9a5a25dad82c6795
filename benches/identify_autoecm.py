#!/usr/bin/env python3
"""Top-1/top-3 of `eisfit identify` on the AutoECM labelled spectra, per class, and the time per spectrum.

    python3 benches/identify_autoecm.py [EISFIT] [--data ../shared/data/autoecm/spectra.jsonl] [--per-class N]
                                        [--json OUT.json]

Run from the project root after `cargo build --release` (EISFIT defaults to target/release/eisfit). Standard
library only. The spectra are written as CSV files to a temporary folder and ranked by ONE `eisfit identify FILE...
--output json` process with default options (the built-in library); the time is that process's wall time over the
number of spectra. --per-class N takes the first N spectra of each class after a seeded shuffle.

A ranked circuit is the true one when it has the same structure: labels dropped, series and parallel groups
flattened and their parts sorted, Zarc and K read as the p(R,CPE) and p(R,C) they equal. AutoECM's `Rs_Ws` class
has a Warburg with a free exponent, eisfit's Wsp: its true circuit is R-Wsp (R-Ws in the data's
`eisfit_circuit`, written before eisfit had the element). Repeats of a structure are dropped before counting.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

PREFIXES = ["CPE", "TLMQ", "Zarc", "Wsp", "Wop", "Gs", "HN", "La", "Wo", "Ws", "R", "C", "L", "W", "G", "K"]


def parse(s):
    """impedance.py notation -> ('s'|'p', [children]) or ('e', type)."""
    s = s.replace(" ", "")
    pos = 0

    def term():
        nonlocal pos
        if s.startswith("p(", pos):
            pos += 2
            items = [series()]
            while s[pos] == ",":
                pos += 1
                items.append(series())
            assert s[pos] == ")", s
            pos += 1
            return ("p", items)
        m = re.match(r"[A-Za-z]+[0-9_][A-Za-z0-9_]*", s[pos:])
        assert m, s
        label = m.group(0)
        pos += len(label)
        kind = next(p for p in PREFIXES if label.startswith(p) and (label[len(p)].isdigit() or label[len(p)] == "_"))
        return ("e", kind)

    def series():
        items = [term()]
        nonlocal pos
        while pos < len(s) and s[pos] == "-":
            pos += 1
            items.append(term())
        return ("s", items) if len(items) > 1 else items[0]

    t = series()
    assert pos == len(s), s
    return t


def canonical(circuit):
    def canon(t):
        if t[0] == "e":
            if t[1] == "Zarc":
                return ("p", [("e", "CPE"), ("e", "R")])
            if t[1] == "K":
                return ("p", [("e", "C"), ("e", "R")])
            return t
        parts = []
        for c in t[1]:
            cc = canon(c)
            parts.extend(cc[1] if cc[0] == t[0] else [cc])
        return (t[0], parts) if len(parts) > 1 else parts[0]

    def render(t):
        return t[1] if t[0] == "e" else t[0] + "(" + ",".join(sorted(render(c) for c in t[1])) + ")"

    try:
        return render(canon(parse(circuit)))
    except (AssertionError, StopIteration, IndexError):
        return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eisfit", nargs="?", default="target/release/eisfit")
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "autoecm", "spectra.jsonl"))
    ap.add_argument("--per-class", type=int, default=0)
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    if not os.path.exists(a.data):
        print(f"skipped: {a.data} not found (the shared AutoECM data)")
        return 0
    rows = [json.loads(line) for line in open(a.data)]
    if a.per_class:
        random.Random(0).shuffle(rows)
        seen, keep = {}, []
        for d in rows:
            if seen.get(d["class"], 0) < a.per_class:
                seen[d["class"]] = seen.get(d["class"], 0) + 1
                keep.append(d)
        rows = sorted(keep, key=lambda d: d["id"])
    tmp = tempfile.mkdtemp(prefix="identify-autoecm-")
    try:
        files = []
        for d in rows:
            path = os.path.join(tmp, d["id"] + ".csv")
            with open(path, "w") as out:
                out.write("frequency_hz,z_real_ohm,z_imag_ohm\n")
                for f, re_, im in zip(d["frequency_hz"], d["z_real_ohm"], d["z_imag_ohm"]):
                    out.write(f"{f!r},{re_!r},{im!r}\n")
            files.append(path)
        t0 = time.perf_counter()
        pr = subprocess.run([os.path.abspath(a.eisfit), "identify", *files, "--output", "json"],
                            capture_output=True, text=True)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    try:
        out = {os.path.basename(o["file"])[:-4]: o for o in json.loads(pr.stdout)}
    except json.JSONDecodeError:
        print(f"no JSON from eisfit identify (exit {pr.returncode}): {pr.stderr[-300:]}")
        return 1
    per, detail = {}, {}
    for d in rows:
        true = d["eisfit_circuit"].replace("Ws", "Wsp") if d["class"] == "Rs_Ws" else d["eisfit_circuit"]
        true = canonical(true)
        ranked = []
        for r in out.get(d["id"], {}).get("ranking", []):
            k = canonical(r["circuit"])
            if k not in ranked:
                ranked.append(k)
        h1, h3 = bool(ranked) and ranked[0] == true, true in ranked[:3]
        p = per.setdefault(d["class"], [0, 0, 0])
        p[0] += 1
        p[1] += h1
        p[2] += h3
        detail[d["id"]] = {"class": d["class"], "top1": h1, "top3": h3, "ranked": ranked[:3]}
    n = len(rows)
    print(f"{'class':22s} {'n':>4s} {'top-1':>6s} {'top-3':>6s}")
    for c in sorted(per):
        m, h1, h3 = per[c]
        print(f"{c:22s} {m:4d} {h1 / m:6.3f} {h3 / m:6.3f}")
    t1 = sum(p[1] for p in per.values()) / n
    t3 = sum(p[2] for p in per.values()) / n
    print(f"top-1 {t1:.3f}, top-3 {t3:.3f} over {n} spectra; {wall / n * 1e3:.1f} ms per spectrum "
          f"(wall, one process, {os.cpu_count()} cores)")
    if a.json:
        json.dump(detail, open(a.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
