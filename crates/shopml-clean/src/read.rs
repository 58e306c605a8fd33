//! The one reader entry point: [`read`] / [`read_with`], for order lines and
//! events alike (the schema's type decides which).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{CleanError, Result};
use crate::events::{CleanedEvents, EventRules, EventSchema};
pub use crate::hook::RecordHook;
use crate::input::{Sink, open_path, open_reader};
use crate::rules::CleaningRules;
use crate::schema::TransactionSchema;
use crate::transactions::Cleaned;

/// Where a reader's bytes come from: a file path or any [`Read`]; plain or
/// gzip (detected from the content).
///
/// `From` conversions: `&Path`, `&PathBuf`, `&[u8]`; [`Source::reader`] for
/// anything else that reads.
pub enum Source<'a> {
    /// A file.
    Path(PathBuf),
    /// A stream.
    Reader(Box<dyn Read + Send + 'a>),
}

impl<'a> Source<'a> {
    /// A source reading from `r`.
    pub fn reader(r: impl Read + Send + 'a) -> Self {
        Source::Reader(Box::new(r))
    }
}

impl From<&Path> for Source<'_> {
    fn from(p: &Path) -> Self {
        Source::Path(p.to_path_buf())
    }
}

impl From<&PathBuf> for Source<'_> {
    fn from(p: &PathBuf) -> Self {
        Source::Path(p.clone())
    }
}

impl From<PathBuf> for Source<'_> {
    fn from(p: PathBuf) -> Self {
        Source::Path(p)
    }
}

impl<'a> From<&'a [u8]> for Source<'a> {
    fn from(b: &'a [u8]) -> Self {
        Source::Reader(Box::new(b))
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Source<'a> {
    fn from(b: &'a [u8; N]) -> Self {
        Source::Reader(Box::new(&b[..]))
    }
}

impl<'a> From<&'a Vec<u8>> for Source<'a> {
    fn from(b: &'a Vec<u8>) -> Self {
        Source::Reader(Box::new(&b[..]))
    }
}

/// Options of [`read_with`] beyond the schema and the rules.
#[derive(Default)]
pub struct ReadOptions<'a> {
    pub(crate) quarantine: Option<&'a mut (dyn Write + 'a)>,
    pub(crate) hook: Option<&'a dyn RecordHook>,
    pub(crate) rows: Option<&'a mut (dyn crate::input::QuarantineRows + 'a)>,
}

impl<'a> ReadOptions<'a> {
    /// No quarantine writer (the rules' `quarantine_file`, if any, is used) and no hook.
    pub fn new() -> Self {
        ReadOptions::default()
    }

    /// Writes quarantined rows as CSV (`line,reason,column,message,record`)
    /// to `w` instead of the rules' `quarantine_file`.
    pub fn quarantine(mut self, w: &'a mut (dyn Write + 'a)) -> Self {
        self.quarantine = Some(w);
        self
    }

    /// Passes every record through `hook` (see [`RecordHook`]).
    pub fn hook(mut self, hook: &'a dyn RecordHook) -> Self {
        self.hook = Some(hook);
        self
    }
}

mod sealed {
    use super::*;

    /// The reading machinery behind [`Schema`], not nameable outside the crate.
    pub trait Sealed {
        type Rules;
        type Output;
        fn read_input(
            &self,
            input: Box<dyn std::io::BufRead + Send + '_>,
            rules: &Self::Rules,
            sink: Sink<'_>,
            hook: Option<&dyn RecordHook>,
        ) -> Result<Self::Output>;
        fn quarantine_file(rules: &Self::Rules) -> Option<&Path>;
    }

    impl Sealed for TransactionSchema {
        type Rules = CleaningRules;
        type Output = Cleaned;
        fn read_input(
            &self,
            input: Box<dyn std::io::BufRead + Send + '_>,
            rules: &CleaningRules,
            sink: Sink<'_>,
            hook: Option<&dyn RecordHook>,
        ) -> Result<Cleaned> {
            crate::transactions::clean(input, self, rules, sink, hook)
        }
        fn quarantine_file(rules: &CleaningRules) -> Option<&Path> {
            rules.quarantine_file.as_deref()
        }
    }

    impl Sealed for EventSchema {
        type Rules = EventRules;
        type Output = CleanedEvents;
        fn read_input(
            &self,
            input: Box<dyn std::io::BufRead + Send + '_>,
            rules: &EventRules,
            sink: Sink<'_>,
            hook: Option<&dyn RecordHook>,
        ) -> Result<CleanedEvents> {
            crate::events::clean(input, self, rules, sink, hook)
        }
        fn quarantine_file(rules: &EventRules) -> Option<&Path> {
            rules.quarantine_file.as_deref()
        }
    }
}

/// A schema the readers understand: [`TransactionSchema`] (rules
/// [`CleaningRules`], output [`Cleaned`]) or [`EventSchema`] (rules
/// [`EventRules`], output [`CleanedEvents`]). Sealed.
pub trait Schema: sealed::Sealed<Rules = <Self as Schema>::Rules, Output = <Self as Schema>::Output> {
    /// The rules that go with the schema.
    type Rules;
    /// What a read returns.
    type Output;
}

impl Schema for TransactionSchema {
    type Rules = CleaningRules;
    type Output = Cleaned;
}

impl Schema for EventSchema {
    type Rules = EventRules;
    type Output = CleanedEvents;
}

/// Reads and cleans a CSV export (plain or gzip) of order lines or events.
///
/// ```no_run
/// use shopml_clean::{read, CleaningRules, TransactionSchema};
/// let path = std::path::Path::new("online_retail.csv.gz");
/// let cleaned = read(path, &TransactionSchema::online_retail(), &CleaningRules::online_retail())?;
/// assert!(cleaned.report.balances());
/// # Ok::<(), shopml_clean::CleanError>(())
/// ```
///
/// Errors: unreadable input, a schema column missing from (or repeated in)
/// the header, invalid rules or schema, and a non-empty input of which no
/// row survives ([`CleanError::NothingKept`]). Row-level problems quarantine
/// the row instead (see [`CleaningReport`](crate::CleaningReport)).
pub fn read<'a, S: Schema>(source: impl Into<Source<'a>>, schema: &S, rules: &<S as Schema>::Rules) -> Result<<S as Schema>::Output> {
    read_with(source, schema, rules, ReadOptions::new())
}

/// [`read`] with a quarantine writer and/or a [`RecordHook`].
pub fn read_with<'a, S: Schema>(
    source: impl Into<Source<'a>>,
    schema: &S,
    rules: &<S as Schema>::Rules,
    options: ReadOptions<'_>,
) -> Result<<S as Schema>::Output> {
    let input = match source.into() {
        Source::Path(p) => open_path(&p)?,
        Source::Reader(r) => open_reader(r).map_err(|e| CleanError::io(None, e))?,
    };
    with_sink(<S as sealed::Sealed>::quarantine_file(rules), options, |sink, hook| schema.read_input(input, rules, sink, hook))
}

/// Builds the quarantine [`Sink`] that `options` and the rules' side file ask
/// for and runs `read` with it and the hook.
pub(crate) fn with_sink<T>(
    quarantine_file: Option<&Path>,
    options: ReadOptions<'_>,
    read: impl FnOnce(Sink<'_>, Option<&dyn RecordHook>) -> Result<T>,
) -> Result<T> {
    let ReadOptions { quarantine, hook, rows } = options;
    match (quarantine, quarantine_file) {
        (Some(w), _) => read(Sink::new(Some(w), None, hook)?.with_rows(rows), hook),
        (None, None) => read(Sink::new(None, None, hook)?.with_rows(rows), hook),
        (None, Some(p)) => {
            let file = std::fs::File::create(p).map_err(|e| CleanError::Quarantine { path: Some(p.to_path_buf()), source: e })?;
            let mut w = std::io::BufWriter::new(file);
            // The side file lives shorter than the options' borrows.
            let rows = rows.map(|r| r as &mut dyn crate::input::QuarantineRows);
            read(Sink::new(Some(&mut w), Some(p.to_path_buf()), hook)?.with_rows(rows), hook)
        }
    }
}
