//! The circuit parser (`--circuit`): no panic; a parsed circuit prints as a string that parses to the same
//! circuit and evaluates to finite values at its own defaults.
#![no_main]
use eisfit::Circuit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(circuit) = text.parse::<Circuit>() {
        let printed = circuit.to_string();
        let again: Circuit = printed.parse().unwrap_or_else(|e| panic!("`{printed}` does not parse back: {e}"));
        assert_eq!(again.n_params(), circuit.n_params(), "{printed}");
        assert_eq!(again.to_string(), printed);
    }
});
