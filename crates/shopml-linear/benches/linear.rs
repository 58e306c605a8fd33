//! Criterion benches of the hot paths (quick settings).
fn main() {}
