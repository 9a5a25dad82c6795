//! Energy density of the study's cell 1: 3.4 V, 36 µm sodium reservoir, 50 µm separator, 200 µm cathode at 63 %
//! porosity, at its measured (2.14 mAh/cm²) and theoretical (2.52 mAh/cm²) areal capacity.
//!
//! Run with `cargo run --example energy_density`.

use eisfit::energy::{CellStack, EnergyError, Measured};

fn main() -> Result<(), EnergyError> {
    for (label, capacity) in [("measured", 2.14), ("theoretical", 2.52)] {
        let cell = CellStack::new(3.4, capacity)
            .with_anode_reservoir_um(36.0)
            // A ±4 µm uncertainty on the separator, to show the propagation.
            .with_separator_um(Measured::new(50.0, 4.0))
            .with_cathode_um(200.0)
            .with_cathode_porosity(0.63);
        let e = cell.energy_density()?;
        println!("cell 1, {label} capacity {capacity} mAh/cm²\n{e}\n");
    }
    Ok(())
}
