//! Arbitrary JSON into every fitted model of the workspace (the first byte
//! picks the type). Loading either fails with an error or gives a model whose
//! predictions, forecasts, recommendations or suggestions are an error or a
//! value without NaN — never a panic, never NaN as a success — and that
//! re-serialises and re-loads. The seed corpus (`fuzz/corpus/json_models/`)
//! holds one small fitted model per type, written by
//! `SHOPML_WRITE_FUZZ_SEEDS=1 cargo test --test fuzz_seeds` at the root.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((sel, body)) = data.split_first() else { return };
    shopml_fuzz::models::load_and_use(*sel, body);
});
