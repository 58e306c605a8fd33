//! Step 1 — what is in the export: read, clean, and account for every line.

use crate::clean::{ReadOptions, read, read_with};
use crate::privacy::{Key, PrivacyHook, Pseudonymiser, PseudonymiserParams};
use crate::report::ReportError;

use super::context::Context;
use super::thousands;

pub(crate) fn run(cx: &mut Context) -> Result<(), ReportError> {
    let cfg = cx.config;
    let cleaned = match &cfg.pseudonymise_key_file {
        None => read(cfg.data.as_path(), &cfg.schema, &cfg.rules)?,
        Some(key_file) => {
            let pseudonymiser = Pseudonymiser::new(Key::from_file(key_file)?, PseudonymiserParams::default())?;
            let hook = PrivacyHook::pseudonymise_and_mask(&cfg.schema, &pseudonymiser)?;
            let cleaned = read_with(cfg.data.as_path(), &cfg.schema, &cfg.rules, ReadOptions::new().hook(&hook))?;
            let masked = hook.report().total().total();
            cx.md.paragraph(&format!(
                "Customer ids are pseudonymised as they are read (HMAC-SHA-256 under the key with fingerprint `{}`); \
                 {masked} e-mail addresses, phone, card or IBAN numbers were masked in descriptions. No raw customer id appears below.",
                pseudonymiser.key_fingerprint()
            ));
            cleaned
        }
    };
    let r = &cleaned.report;
    let quarantined: u64 = r.quarantined.values().sum();
    if r.rows_read != r.rows_kept + r.returns + quarantined {
        return Err(ReportError::Step {
            step: "cleaning",
            message: format!(
                "accounting does not balance: read {} ≠ kept {} + returns {} + quarantined {quarantined}",
                r.rows_read, r.rows_kept, r.returns
            ),
        });
    }
    cx.md.paragraph(&format!(
        "{} lines read: {} sales kept, {} returns set aside, {} quarantined with a reason. Every line is accounted for.",
        thousands(r.rows_read),
        thousands(r.rows_kept),
        thousands(r.returns),
        thousands(quarantined)
    ));
    let mut rows = vec![vec!["sales kept".to_string(), thousands(r.rows_kept)], vec!["returns".to_string(), thousands(r.returns)]];
    for (reason, n) in &r.quarantined {
        rows.push(vec![format!("quarantined: {reason}"), thousands(*n)]);
    }
    rows.push(vec!["**lines read**".to_string(), format!("**{}**", thousands(r.rows_read))]);
    cx.md.table(&["outcome", "lines"], &rows);
    for t in cleaned.transactions.iter().chain(&cleaned.returns) {
        if let Some(d) = &t.description {
            cx.descriptions.entry(t.product.clone()).or_insert_with(|| d.clone());
        }
    }
    cx.lines = cleaned.transactions.iter().chain(&cleaned.returns).filter(|t| t.customer.is_some()).cloned().collect();
    cx.cleaned = Some(std::sync::Arc::new(cleaned));
    Ok(())
}
