#!/usr/bin/env bash
# Regenerates the example spectra in data/ with eisfit's own simulator. Deterministic: same seeds, same files.
# Run from the repository root: bash data/generate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sim() { cargo run --quiet --release -- simulate "$@"; }

# Randles cell with semi-infinite diffusion: R_s + (C_dl || (R_ct + W)), 1 MHz .. 0.1 Hz, 0.5 % noise.
sim --circuit 'R0-p(C1,R1-W1)' --params R0=15,C1=2e-6,R1=120,W1=40 \
    --fmax 1e6 --fmin 0.1 --points-per-decade 10 --noise 0.005 --seed 1 > data/randles.csv

# Symmetric Na|NZSP|Na cell at 30 C, as in the study: R_A + (R_B || CPE) + (R_C || CPE),
# 1 MHz .. 1 Hz, 10 points per decade, 0.5 % noise. Values: 110 um separator, 1.6 mS/cm, 8 mm electrodes.
sim --circuit 'R0-p(R1,CPE1)-p(R2,CPE2)' \
    --params R0=5.471,R1=8.206,CPE1.Q=1.437e-6,CPE1.n=0.85,R2=5.968,CPE2.Q=1.502e-5,CPE2.n=0.9 \
    --fmax 1e6 --fmin 1 --points-per-decade 10 --noise 0.005 --seed 2 > data/symmetric_cell_30C.csv
# The same spectrum with the noise's standard deviations (sigma_real_ohm, sigma_imag_ohm), for --weight sigma.
sim --circuit 'R0-p(R1,CPE1)-p(R2,CPE2)' \
    --params R0=5.471,R1=8.206,CPE1.Q=1.437e-6,CPE1.n=0.85,R2=5.968,CPE2.Q=1.502e-5,CPE2.n=0.9 \
    --fmax 1e6 --fmin 1 --points-per-decade 10 --noise 0.005 --seed 2 --write-sigma > data/symmetric_cell_30C_sigma.csv

# Composite cathode: series resistance, three arcs and a blocking CPE, 1 MHz .. 0.1 Hz.
sim --circuit 'R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)-CPE4' \
    --params R0=4,R1=2.5,CPE1.Q=1.3e-6,CPE1.n=0.9,R2=6,CPE2.Q=2.5e-5,CPE2.n=0.85,R3=30,CPE3.Q=7e-4,CPE3.n=0.8,CPE4.Q=0.05,CPE4.n=0.7 \
    --fmax 1e6 --fmin 0.1 --points-per-decade 10 --noise 0.005 --seed 3 > data/cathode_4rc.csv

# Noise-free finite-space diffusion example (battery-like): R_s + (R_ct || C_dl) + Wo.
sim --circuit 'R0-p(R1,C1)-Wo1' --params R0=0.0165,R1=0.0087,C1=3.3,Wo1.R=0.064,Wo1.tau=237 \
    --fmax 1e4 --fmin 3e-3 --points-per-decade 8 > data/battery_wo.csv

# The study's temperature series (symmetric Na|NZSP|Na cell, -10 .. 40 C) with its manifest and true values.
cargo run --quiet --release --example generate_series -- data/nzsp_series
