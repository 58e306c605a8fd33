//! Privacy at read time: [`PrivacyHook`] plugs a [`Pseudonymiser`] and a
//! [`PiiPolicy`] into shopml-clean's readers (a
//! [`RecordHook`]), so that raw customer ids and
//! personal data never leave the reader.
//!
//! What it does to every kept sale, return and event:
//! - the customer id (events: the user id) is replaced by its keyed
//!   pseudonym whenever a pseudonymiser is given, whatever the policy says;
//! - each text field — invoice, description, country, category, and every
//!   extra attribute — goes through the policy of its column (named as in the
//!   export's header; a column given by position is named by the field:
//!   `invoice`, `description`, `country`, `category`). A required field the
//!   policy drops becomes empty text; a value a generalisation cannot parse
//!   is dropped (never passed through) and counted;
//! - a quarantined record's raw bytes, which may hold any of the above, are
//!   replaced by `[redacted]` when a pseudonymiser is given.
//!
//! The counts of what was masked, dropped, generalised and pseudonymised are
//! in [`PrivacyHook::report`].
//!
//! ```
//! use shopml_clean::{CleaningRules, ReadOptions, TransactionSchema, read_with};
//! use shopml_privacy::{ColumnPolicy, Key, PiiPolicy, PrivacyHook, Pseudonymiser, PseudonymiserParams};
//! let csv = "order,sku,qty,time,price,customer,note\nA1,P1,2,2024-03-01 10:00:00,5.0,alice,mail jo@example.com\n";
//! let schema = TransactionSchema::new("order", "sku", "qty", "time", "price").customer("customer").attributes(["note"]);
//! let key = Key::from_bytes(vec![7u8; 32]).unwrap();
//! let pseudo = Pseudonymiser::new(key, PseudonymiserParams::default()).unwrap();
//! let hook = PrivacyHook::for_transactions(&schema, PiiPolicy::new().column("note", ColumnPolicy::Mask), Some(&pseudo)).unwrap();
//! let out = read_with(csv.as_bytes(), &schema, &CleaningRules::default(), ReadOptions::new().hook(&hook)).unwrap();
//! let t = &out.transactions[0];
//! assert_eq!(t.customer.as_deref(), Some(pseudo.pseudonymise("alice").as_str()));
//! assert_eq!(t.attributes.get("note"), Some("mail [EMAIL]"));
//! assert_eq!(hook.report().pseudonymised["customer"], 1);
//! ```

use std::borrow::Cow;
use std::sync::Mutex;

use shopml_clean::{Column, Event, EventSchema, RecordHook, Transaction, TransactionSchema};

use crate::error::{PrivacyError, Result};
use crate::pii::PiiReport;
use crate::policy::PiiPolicy;
use crate::pseudonym::Pseudonymiser;

/// A [`RecordHook`] applying a pseudonymiser and a column policy; see the
/// module documentation for what it rewrites.
pub struct PrivacyHook<'a> {
    pseudonymiser: Option<&'a Pseudonymiser>,
    policy: PiiPolicy,
    /// Column names of the invoice, description, country and category fields.
    names: [String; 4],
    /// Column name of the customer / user id.
    customer: String,
    report: Mutex<PiiReport>,
}

fn name_of(column: Option<&Column>, field: &str) -> String {
    match column {
        Some(Column::Name(n)) => n.clone(),
        _ => field.to_string(),
    }
}

impl<'a> PrivacyHook<'a> {
    /// A hook for order lines read with `schema`.
    ///
    /// Errors: [`PrivacyError::KeyRequired`] when the policy pseudonymises a
    /// column and no pseudonymiser is given; an invalid policy.
    pub fn for_transactions(schema: &TransactionSchema, policy: PiiPolicy, pseudonymiser: Option<&'a Pseudonymiser>) -> Result<Self> {
        let names = [
            name_of(Some(&schema.invoice), "invoice"),
            name_of(schema.description.as_ref(), "description"),
            name_of(schema.country.as_ref(), "country"),
            name_of(schema.category.as_ref(), "category"),
        ];
        Self::new(policy, pseudonymiser, names, name_of(schema.customer.as_ref(), "customer"))
    }

    /// The usual choice for a shared report: customer ids pseudonymised and
    /// the description column masked for e-mails, phones, cards and IBANs;
    /// everything else kept.
    pub fn pseudonymise_and_mask(schema: &TransactionSchema, pseudonymiser: &'a Pseudonymiser) -> Result<Self> {
        let policy = PiiPolicy::new().column(name_of(schema.description.as_ref(), "description"), crate::ColumnPolicy::Mask);
        Self::for_transactions(schema, policy, Some(pseudonymiser))
    }

    /// A hook for events read with `schema` (the user id is the customer).
    pub fn for_events(schema: &EventSchema, policy: PiiPolicy, pseudonymiser: Option<&'a Pseudonymiser>) -> Result<Self> {
        let names = ["invoice".to_string(), "description".to_string(), "country".to_string(), "category".to_string()];
        Self::new(policy, pseudonymiser, names, name_of(Some(&schema.user), "user"))
    }

    fn new(policy: PiiPolicy, pseudonymiser: Option<&'a Pseudonymiser>, names: [String; 4], customer: String) -> Result<Self> {
        policy.check()?;
        if pseudonymiser.is_none() && policy.needs_key() {
            let column = policy.columns.iter().find(|(_, p)| **p == crate::ColumnPolicy::Pseudonymise).map_or("(default)", |(c, _)| c);
            return Err(PrivacyError::KeyRequired { column: column.to_string() });
        }
        Ok(PrivacyHook { pseudonymiser, policy, names, customer, report: Mutex::new(PiiReport::default()) })
    }

    /// What the hook has done so far.
    pub fn report(&self) -> PiiReport {
        self.report.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn apply(&self, column: &str, value: &str, report: &mut PiiReport) -> Option<String> {
        match self.policy.apply(column, value, self.pseudonymiser, report) {
            Ok(v) => v,
            Err(_) => {
                // The value did not fit the column's generalisation: drop it, counted.
                *report.dropped.entry(column.to_owned()).or_default() += 1;
                None
            }
        }
    }

    fn customer(&self, id: &mut Option<String>, report: &mut PiiReport) {
        if let (Some(p), Some(c)) = (self.pseudonymiser, id.as_mut()) {
            *c = p.pseudonymise(c);
            *report.pseudonymised.entry(self.customer.clone()).or_default() += 1;
        }
    }

    fn optional(&self, i: usize, field: &mut Option<String>, report: &mut PiiReport) {
        if let Some(v) = field.take() {
            *field = self.apply(&self.names[i], &v, report);
        }
    }

    fn attributes(&self, attributes: &mut shopml_clean::Attributes, report: &mut PiiReport) {
        let Some(names) = attributes.names().map(<[String]>::to_vec) else { return };
        for (name, value) in names.iter().zip(attributes.values_mut()) {
            if let Some(v) = value.take() {
                *value = self.apply(name, &v, report);
            }
        }
    }
}

impl RecordHook for PrivacyHook<'_> {
    fn transaction(&self, t: &mut Transaction) {
        let mut report = self.report.lock().unwrap_or_else(|e| e.into_inner());
        self.customer(&mut t.customer, &mut report);
        t.invoice = self.apply(&self.names[0], &t.invoice, &mut report).unwrap_or_default();
        self.optional(1, &mut t.description, &mut report);
        self.optional(2, &mut t.country, &mut report);
        self.optional(3, &mut t.category, &mut report);
        self.attributes(&mut t.attributes, &mut report);
    }

    fn event(&self, e: &mut Event) {
        let mut report = self.report.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = self.pseudonymiser {
            e.user = p.pseudonymise(&e.user);
            *report.pseudonymised.entry(self.customer.clone()).or_default() += 1;
        }
    }

    fn quarantined_record<'r>(&self, raw: &'r [u8]) -> Cow<'r, [u8]> {
        if self.pseudonymiser.is_some() { Cow::Borrowed(b"[redacted]") } else { Cow::Borrowed(raw) }
    }
}
