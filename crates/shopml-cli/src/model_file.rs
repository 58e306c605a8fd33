//! Saved models: JSON with the kind of model, so a file saved by one
//! subcommand is refused by another with a clear message.

use std::path::Path;

use serde::{Deserialize, Serialize, de::DeserializeOwned};

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    shopml_model: String,
    version: u32,
    model: T,
}

/// Writes `model` as a `kind` model.
pub fn save<T: Serialize>(path: &Path, kind: &str, model: &T) -> Result<(), Box<dyn std::error::Error>> {
    let file = std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &Envelope { shopml_model: kind.to_string(), version: 1, model })?;
    Ok(())
}

/// Reads a `kind` model (validated by the model's own deserialiser).
pub fn load<T: DeserializeOwned>(path: &Path, kind: &str) -> Result<T, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let head: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: not a shopml model file: {e}", path.display()))?;
    let found = head.get("shopml_model").and_then(|v| v.as_str()).unwrap_or("");
    if found != kind {
        return Err(format!("{}: this is a '{found}' model file; this command needs a '{kind}' model", path.display()).into());
    }
    let env: Envelope<T> = serde_json::from_value(head).map_err(|e| format!("{}: invalid {kind} model: {e}", path.display()))?;
    Ok(env.model)
}
