//! Tells the tests whether the third-party data in `../shared` (next to the checkout) is there: the tests that read
//! it are then run, and otherwise counted as ignored with the reason, instead of passing without checking anything.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(eisfit_shared_data)");
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    println!("cargo::rerun-if-changed={}", shared.display());
    if shared.join("data").is_dir() {
        println!("cargo::rustc-cfg=eisfit_shared_data");
    }
}
