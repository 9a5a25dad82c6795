//! Monte Carlo of the temperature-series route: bias and 95 % coverage of both activation energies over replicate
//! simulated series with an electrode tail (the model of `data/nzsp_series/`, new noise seeds per replicate).
//!
//! `cargo run --release --example series_monte_carlo [REPLICATES] [ROUTE]`, ROUTE one of
//! - `documented` (default): `R0-p(R1,CPE1)-p(R2,CPE2)-CPE3` over the whole range, the README's route;
//! - `fmin20`: the former route, `R0-p(R1,CPE1)-p(R2,CPE2)` above 20 Hz, without the tail element;
//! - `global`: the documented circuit fitted with `--global`, the CPEs shared and R0, R1, R2 tied by the
//!   Arrhenius law (separator E_A = R1.E_A, interface E_A = R2.E_A; intervals ±1.96 SE).
//!
//! It prints, per activation energy, the mean bias in eV and in units of the mean reported standard error, the
//! scatter of E_A against that standard error, and the coverage of the t-based 95 % interval (ν = n − 2) and of
//! ±1.96 SE.

#[path = "support/monte_carlo.rs"]
mod monte_carlo;
#[path = "support/nzsp.rs"]
mod nzsp;

use monte_carlo::{run, Route};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let name = std::env::args().nth(2).unwrap_or_else(|| "documented".into());
    let route = match name.as_str() {
        "documented" => Route {
            circuit: nzsp::CIRCUIT.into(),
            fmin: None,
            global: false,
        },
        "fmin20" => Route {
            circuit: "R0-p(R1,CPE1)-p(R2,CPE2)".into(),
            fmin: Some(20.0),
            global: false,
        },
        "global" => Route {
            circuit: nzsp::CIRCUIT.into(),
            fmin: None,
            global: true,
        },
        other => return Err(format!("unknown route '{other}' (documented, fmin20 or global)").into()),
    };
    let started = std::time::Instant::now();
    let (summaries, failed) = run(&route, 10_000, n);
    println!(
        "route {name}: {} {}, {n} replicate series ({failed} without an Arrhenius fit), {:.1} s",
        route.circuit,
        route
            .fmin
            .map_or("whole range".to_string(), |f| format!("above {f} Hz")),
        started.elapsed().as_secs_f64()
    );
    for (q, s) in ["separator", "interface"].iter().zip(&summaries) {
        println!(
            "  {q:<10} bias {:+.5} eV = {:+.3} SE   SD/SE = {:.3}   coverage t95 {:.1} %   ±1.96 SE {:.1} %   ({} series)",
            s.bias,
            s.bias_in_se(),
            s.sd / s.mean_stderr,
            100.0 * s.coverage_t,
            100.0 * s.coverage_z,
            s.n
        );
    }
    Ok(())
}
