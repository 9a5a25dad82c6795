#!/usr/bin/env python3
"""Writes the seed corpus of the cargo-fuzz targets into fuzz/corpus/<target>/ (git-ignored).

Seeds come from the project's own fixtures (tests/fixtures/io, made by make_fixtures.py) and from inputs made up
here; nothing from ../shared is copied. Run from anywhere: python3 fuzz/make_corpus.py
"""

import cmath
import hashlib
import math
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "io"
CORPUS = ROOT / "fuzz" / "corpus"
N_FORMATS = 19  # Format::ALL.len()
N_COLUMN_LISTS = 8  # LISTS.len() in read_columns.rs


def put(target: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def z_ref(f: float) -> complex:
    return 10 + 100 / (1 + 1j * 2 * math.pi * f * 100 * 1e-5)


def grid(n: int, hi: float, lo: float) -> list:
    return [hi * (lo / hi) ** (k / (n - 1)) for k in range(n)]


def made_up_tables() -> list:
    """Headerless and headed tables in the shapes issue 24 is about."""
    f = grid(21, 1e5, 0.1)
    out = []
    out.append("".join(f"{x},{z_ref(x).real},{z_ref(x).imag}\n" for x in f))
    out.append("".join(f"{x},{z_ref(x).real},{-z_ref(x).imag}\n" for x in f))
    out.append("".join(f"{x};{abs(z_ref(x))};{math.degrees(cmath.phase(z_ref(x)))}\r\n" for x in f))
    rows, t = [], 0.0
    for cycle in (1, 2):
        for x in f:
            z = z_ref(x)
            t += 1 / x + 0.5
            rows.append(f"{t:.3f}\t{cycle}\t{x}\t{z.real}\t{-z.imag}\t{abs(z)}\t{math.degrees(cmath.phase(z))}\n")
    out.append("".join(rows))
    out.append("freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\n100,000\t1,000\t0.5\n10,000\t950\t3.5\n1,000\t800\t40.25\n100\t700\t5.5\n")
    out.append("freq/rad.s-1\tRe(Z)/kOhm.cm2\t-Im(Z)/kOhm.cm2\n6283\t1\t0.5\n628\t2\t1\n62.8\t3\t2\n")
    out.append("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "".join(f"{x},{z_ref(x).real},{z_ref(x).imag}\n" for x in f[::-3] + f[1::3]))
    out.append("freq/Hz,Re(Z)/Ohm,Im(Z)/Ohm\n" + "".join(
        f"{x},{z_ref(x).real},{z_ref(x).imag}\n" for x in grid(11, 1e5, 10) + grid(15, 100, 0.01)))
    out.append("# a comment\n\n\n" + "\n" * 100 + "f Z' Z''\n1 2 -3\n\n10 2 -1\n100 2 -0.5\n")
    return [t.encode("utf-8") for t in out]


def main() -> None:
    fixtures = sorted(p for p in FIXTURES.iterdir() if p.is_file() and p.suffix not in (".py", ".md"))
    files = [p.read_bytes() for p in fixtures] + made_up_tables()
    # A UTF-8 table with one latin-1 comment line.
    files.append(b"# Jos\xe9\n" + "freq/Hz\tRe(Z)/k\u03a9\t-Im(Z)/k\u03a9\n1000\t1\t0.5\n100\t2\t1\n10\t3\t2\n".encode())
    for data in files:
        put("read_detect", data)
        put("read_columns", bytes([0x80 | len(data) % 128]) + data)  # no --columns, a size limit
        if len(data) < 4096:
            for k in range(N_COLUMN_LISTS):
                put("read_columns", bytes([k]) + data)
        for k in range(N_FORMATS):
            put("read_forced", bytes([k]) + data)
    # Gamry rows without their TAB and with a blank line inside the table.
    gamry = (FIXTURES / "gamry_aborted.DTA").read_bytes().split(b"\n")
    start = next(i for i, l in enumerate(gamry) if l.startswith(b"ZCURVE")) + 3
    no_tab = gamry[:]
    no_tab[start + 1] = no_tab[start + 1].lstrip(b"\t")
    blank = gamry[:start + 2] + [b""] + gamry[start + 2:]
    for g in (no_tab, blank):
        put("read_detect", b"\n".join(g))

    circuits = [
        "R0-p(R1,C1)", "R0-p(R1,CPE1)", "R0-p(R1,CPE1)-p(R2,CPE2)", "R0-p(R1,C1)-p(R2-Wo1,C2)", "R0-p(C1,R1-W1)",
        "R(RC)", "R(RQ)(RQ)Q", "R0-L0-p(R1,C1)-W1", "R0-Ws1", "R0-Wo1", "p(R1,p(R2,p(R3,C3)))",
        "R(Q(RW))", "LR(QR)(QR)", "R0-p(R1,C1" , "R0--C1", "((((R))))",
    ]
    for c in circuits:
        put("circuit", c.encode())
    options = [
        "freq,re,im", "freq,re,-im", "skip,sweep,freq,re,-im,mod,phase", "omega,mod,-phase_rad", "freq,mod,phase_deg",
        "0", "all", "12", "-1", "auto", "gamry-dta", "biologic-mpt", "generic", "modulus", "unit", "proportional",
        "sigma", "bulk=R1", "separator=R0+R1", "interface=0.5*R2", "x=R1/2-R2", "=",
    ]
    for o in options:
        put("options", o.encode())
    for circuit in range(4):
        for weighting in range(3):
            f = grid(12, 1e5, 1.0)
            data = bytes([circuit, weighting])
            data += b"".join(struct.pack("<d", x) for x in f)
            data += b"".join(struct.pack("<d", z_ref(x).real) for x in f)
            data += b"".join(struct.pack("<d", z_ref(x).imag) for x in f)
            put("fit", data)
    for target in sorted(p.name for p in CORPUS.iterdir()):
        print(f"{target}: {len(list((CORPUS / target).iterdir()))} seeds")


if __name__ == "__main__":
    main()
