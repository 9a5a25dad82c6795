//! Every reader behind format detection, as `eisfit read FILE` runs it.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::check(eisfit::io::read_bytes(data, "fuzz.txt", None));
});
