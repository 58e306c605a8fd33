//! Reading and cleaning behaviour events (views, carts, purchases).

use std::borrow::Cow;
use std::io::BufRead;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, Timestamp};

use crate::csv::{CsvReader, Fields, Next};
use crate::datetime::{DateError, DateFormat};
use crate::dialect::Delimiter;
use crate::error::{CleanError, Result};
use crate::hook::RecordHook;
use crate::input::{SeenSet, Sink, normalize_id, number, read_header, text};
use crate::records::{Event, EventKind};
use crate::report::{CleaningReport, Reason};
use crate::schema::{Column, CsvFormat, resolve};

/// Where each event field lives in a CSV export.
///
/// ```
/// use shopml_clean::{DateFormat, EventSchema};
/// // The RetailRocket layout: timestamp (ms), visitorid, event, itemid, transactionid.
/// let schema = EventSchema::new("visitorid", "itemid", "event", "timestamp").date_format(DateFormat::UnixMillis);
/// assert!(schema.session.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EventSchemaRaw")]
pub struct EventSchema {
    /// User / visitor id (required).
    pub user: Column,
    /// Item id (required).
    pub item: Column,
    /// Event type (required), parsed with [`EventKind::parse`].
    pub kind: Column,
    /// Event time (required).
    pub timestamp: Column,
    /// Session id.
    pub session: Option<Column>,
    /// Price.
    pub price: Option<Column>,
    /// Layout of the timestamp column.
    pub date_format: DateFormat,
    /// CSV layout and encoding.
    pub csv: CsvFormat,
}

impl EventSchema {
    /// A schema with the required columns.
    pub fn new(user: impl Into<Column>, item: impl Into<Column>, kind: impl Into<Column>, timestamp: impl Into<Column>) -> Self {
        EventSchema {
            user: user.into(),
            item: item.into(),
            kind: kind.into(),
            timestamp: timestamp.into(),
            session: None,
            price: None,
            date_format: DateFormat::Auto,
            csv: CsvFormat::default(),
        }
    }

    /// Sets the session column.
    pub fn session(mut self, c: impl Into<Column>) -> Self {
        self.session = Some(c.into());
        self
    }

    /// Sets the price column.
    pub fn price(mut self, c: impl Into<Column>) -> Self {
        self.price = Some(c.into());
        self
    }

    /// Sets the timestamp layout.
    pub fn date_format(mut self, f: DateFormat) -> Self {
        self.date_format = f;
        self
    }

    /// Sets whether the first line is a header.
    pub fn has_header(mut self, yes: bool) -> Self {
        self.csv.has_header = yes;
        self
    }

    /// Sets the whole CSV layout.
    pub fn csv(mut self, csv: CsvFormat) -> Self {
        self.csv = csv;
        self
    }

    /// Sets the field delimiter: a byte, a `char`, a string or [`Delimiter::Whitespace`].
    pub fn delimiter(mut self, d: impl Into<Delimiter>) -> Self {
        self.csv.delimiter = d.into();
        self
    }

    /// Sets the cell values meaning "missing" ([`CsvFormat::missing_values`]).
    pub fn missing_values(mut self, tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.csv = self.csv.missing_values(tokens);
        self
    }

    /// Checks the CSV layout.
    pub fn check(&self) -> shopml_core::Result<()> {
        self.csv.check()
    }
}

#[derive(Deserialize)]
struct EventSchemaRaw {
    user: Column,
    item: Column,
    kind: Column,
    timestamp: Column,
    session: Option<Column>,
    price: Option<Column>,
    date_format: DateFormat,
    csv: CsvFormat,
}

impl TryFrom<EventSchemaRaw> for EventSchema {
    type Error = Error;
    fn try_from(r: EventSchemaRaw) -> shopml_core::Result<Self> {
        let s = EventSchema {
            user: r.user,
            item: r.item,
            kind: r.kind,
            timestamp: r.timestamp,
            session: r.session,
            price: r.price,
            date_format: r.date_format,
            csv: r.csv,
        };
        s.check()?;
        Ok(s)
    }
}

/// Validation rules for events. Order of reasons: unparsable → missing id →
/// exact duplicate → outside the window → unknown event kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EventRulesRaw")]
pub struct EventRules {
    /// Quarantine a line identical to an earlier one (default `true`).
    pub drop_exact_duplicates: bool,
    /// Keep only `start <= t < end` (default: any time).
    pub time_window: Option<(Timestamp, Timestamp)>,
    /// Accept only these kinds (default `None`: every kind, including `Other`).
    pub kinds: Option<Vec<EventKind>>,
    /// Write quarantined rows with their reason to this CSV file.
    pub quarantine_file: Option<PathBuf>,
}

impl Default for EventRules {
    fn default() -> Self {
        EventRules { drop_exact_duplicates: true, time_window: None, kinds: None, quarantine_file: None }
    }
}

impl EventRules {
    /// Sets [`kinds`](Self::kinds).
    pub fn kinds(mut self, kinds: Vec<EventKind>) -> Self {
        self.kinds = Some(kinds);
        self
    }

    /// Sets [`time_window`](Self::time_window).
    pub fn time_window(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.time_window = Some((start, end));
        self
    }

    /// Sets [`drop_exact_duplicates`](Self::drop_exact_duplicates).
    pub fn drop_exact_duplicates(mut self, yes: bool) -> Self {
        self.drop_exact_duplicates = yes;
        self
    }
}

#[derive(Deserialize)]
struct EventRulesRaw {
    drop_exact_duplicates: bool,
    time_window: Option<(Timestamp, Timestamp)>,
    kinds: Option<Vec<EventKind>>,
    quarantine_file: Option<PathBuf>,
}

impl TryFrom<EventRulesRaw> for EventRules {
    type Error = Error;
    fn try_from(r: EventRulesRaw) -> shopml_core::Result<Self> {
        let rules = EventRules {
            drop_exact_duplicates: r.drop_exact_duplicates,
            time_window: r.time_window,
            kinds: r.kinds,
            quarantine_file: r.quarantine_file,
        };
        rules.check()?;
        Ok(rules)
    }
}

impl EventRules {
    /// Sets [`quarantine_file`](Self::quarantine_file).
    pub fn quarantine_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.quarantine_file = Some(path.into());
        self
    }
}

impl Params for EventRules {
    fn check(&self) -> shopml_core::Result<()> {
        if let Some((a, b)) = self.time_window
            && a >= b
        {
            return Err(Error::param("time_window", format!("start {a} must be before end {b}")));
        }
        if let Some(k) = &self.kinds
            && k.is_empty()
        {
            return Err(Error::param("kinds", "an empty list would quarantine every event; use None to accept all"));
        }
        Ok(())
    }
}

/// The result of cleaning events.
///
/// Loaded from JSON it is checked: every event as in [`Event`]'s own
/// loading, and `report.rows_kept` equals the number of events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CleanedEventsRaw")]
pub struct CleanedEvents {
    /// Events that passed every rule, in file order.
    pub events: Vec<Event>,
    /// What happened to every row (`returns` is always 0).
    pub report: CleaningReport,
}

struct Pos {
    user: usize,
    item: usize,
    kind: usize,
    timestamp: usize,
    session: Option<usize>,
    price: Option<usize>,
    expected: Option<usize>,
    max: usize,
}

struct Row<'a> {
    user: Cow<'a, str>,
    item: Cow<'a, str>,
    kind: EventKind,
    timestamp: Timestamp,
    session: Option<Cow<'a, str>>,
    price: Option<f64>,
}

/// (one-based column, message, reason).
type RowError = (usize, String, Reason);

fn parse_row<'a, F: Fields + ?Sized>(rdr: &'a F, pos: &Pos, schema: &EventSchema, latin1: &mut u64) -> Result<Row<'a>, RowError> {
    let n = rdr.n_fields();
    match pos.expected {
        Some(e) if n != e => return Err((n.min(e) + 1, format!("expected {e} fields, found {n}"), Reason::Unparsable)),
        None if n <= pos.max => {
            return Err((n + 1, format!("expected at least {} fields, found {n}", pos.max + 1), Reason::Unparsable));
        }
        _ => {}
    }
    let (user, item, kind, session, price) = parse_fields(rdr, pos, schema, latin1).map_err(|(c, m)| (c, m, Reason::Unparsable))?;
    let timestamp = schema.date_format.parse_bytes(rdr.field(pos.timestamp)).map_err(|e| {
        let reason = if matches!(e, DateError::OutOfRange { .. }) { Reason::DateOutOfRange } else { Reason::Unparsable };
        (pos.timestamp + 1, e.to_string(), reason)
    })?;
    Ok(Row { user, item, kind, timestamp, session, price })
}

type Parts<'a> = (Cow<'a, str>, Cow<'a, str>, EventKind, Option<Cow<'a, str>>, Option<f64>);

fn parse_fields<'a, F: Fields + ?Sized>(
    rdr: &'a F,
    pos: &Pos,
    schema: &EventSchema,
    latin1: &mut u64,
) -> Result<Parts<'a>, (usize, String)> {
    let enc = schema.csv.encoding;
    let kind_text = text(rdr, pos.kind, enc, latin1)?;
    if kind_text.trim().is_empty() {
        return Err((pos.kind + 1, "empty event type".into()));
    }
    let price = match pos.price {
        None => None,
        Some(i) => {
            let s = text(rdr, i, enc, latin1)?;
            if schema.csv.is_missing(&s) { None } else { Some(number(&s, i, "price")?) }
        }
    };
    let session = match pos.session {
        None => None,
        Some(i) => {
            let s = text(rdr, i, enc, latin1)?;
            if schema.csv.is_missing(&s) { None } else { Some(s) }
        }
    };
    Ok((text(rdr, pos.user, enc, latin1)?, text(rdr, pos.item, enc, latin1)?, EventKind::parse(&kind_text), session, price))
}

/// A stream of records for the event reader: the CSV reader, or Arrow rows
/// turned into the fields a CSV export would hold.
pub(crate) trait Records {
    /// Moves to the next record: `None` at the end, `Some(Err((column,
    /// message)))` for a record that could not be split into fields.
    fn advance(&mut self) -> Result<Option<Result<(), (usize, String)>>>;
    /// The current record's fields.
    fn fields(&self) -> &dyn Fields;
    /// The current record's raw bytes.
    fn raw(&self) -> &[u8];
    /// The current record's one-based line.
    fn line(&self) -> u64;
    /// Blank lines skipped so far.
    fn blank_lines(&self) -> u64;
}

impl<R: BufRead> Records for CsvReader<R> {
    fn advance(&mut self) -> Result<Option<Result<(), (usize, String)>>> {
        Ok(match self.next_record().map_err(|e| CleanError::io(None, e))? {
            Next::Eof => None,
            Next::Record => Some(Ok(())),
            Next::Malformed { column, message } => Some(Err((column, message))),
        })
    }
    fn fields(&self) -> &dyn Fields {
        self
    }
    fn raw(&self) -> &[u8] {
        CsvReader::raw(self)
    }
    fn line(&self) -> u64 {
        CsvReader::line(self)
    }
    fn blank_lines(&self) -> u64 {
        CsvReader::blank_lines(self)
    }
}

pub(crate) fn clean(
    input: Box<dyn BufRead + Send + '_>,
    schema: &EventSchema,
    rules: &EventRules,
    sink: Sink<'_>,
    hook: Option<&dyn RecordHook>,
) -> Result<CleanedEvents> {
    rules.check()?;
    schema.check()?;
    let csv = &schema.csv;
    let mut rdr = CsvReader::new(input, csv);
    let header = read_header(&mut rdr, csv)?;
    clean_records(header.as_deref(), &mut rdr, schema, rules, sink, hook)
}

/// Cleans the events of `records`, whose columns are named by `header`.
pub(crate) fn clean_records(
    header: Option<&[String]>,
    records: &mut dyn Records,
    schema: &EventSchema,
    rules: &EventRules,
    mut sink: Sink<'_>,
    hook: Option<&dyn RecordHook>,
) -> Result<CleanedEvents> {
    rules.check()?;
    schema.check()?;
    let csv = &schema.csv;
    let h = header;
    let width = h.map(|h| h.len());
    let r = |c: &Column, f: &'static str| resolve(c, f, h, width);
    let pos = Pos {
        user: r(&schema.user, "user")?,
        item: r(&schema.item, "item")?,
        kind: r(&schema.kind, "kind")?,
        timestamp: r(&schema.timestamp, "timestamp")?,
        session: schema.session.as_ref().map(|c| r(c, "session")).transpose()?,
        price: schema.price.as_ref().map(|c| r(c, "price")).transpose()?,
        expected: width,
        max: 0,
    };
    let pos = Pos {
        max: [pos.user, pos.item, pos.kind, pos.timestamp].into_iter().chain(pos.session).chain(pos.price).max().unwrap_or(0),
        ..pos
    };

    let mut report = CleaningReport::default();
    let mut events = Vec::new();
    let mut seen = SeenSet::default();
    let mut latin1 = 0u64;
    while let Some(next) = records.advance()? {
        let line = records.line();
        let row = match next {
            Err((column, message)) => Err((column, message, Reason::Unparsable)),
            Ok(()) => parse_row(records.fields(), &pos, schema, &mut latin1),
        };
        report.rows_read += 1;
        let row = match row {
            Ok(r) => r,
            Err((column, message, reason)) => {
                report.matched_one(reason);
                report.quarantine(reason);
                report.issue(line, Some(column), reason, &message);
                sink.write(line, reason, Some(column), &message, records.raw())?;
                continue;
            }
        };
        let mut first = None;
        let mut hit = |report: &mut CleaningReport, reason: Reason, applies: bool| {
            if applies {
                report.matched_one(reason);
                first.get_or_insert(reason);
            }
        };
        hit(&mut report, Reason::MissingId, csv.is_missing(&row.user) || csv.is_missing(&row.item));
        hit(&mut report, Reason::ExactDuplicate, rules.drop_exact_duplicates && !seen.insert(records.raw()));
        if let Some((a, b)) = rules.time_window {
            hit(&mut report, Reason::OutsideWindow, row.timestamp < a || row.timestamp >= b);
        }
        if let Some(kinds) = &rules.kinds {
            hit(&mut report, Reason::UnknownEventKind, !kinds.contains(&row.kind));
        }
        match first {
            Some(reason) => {
                report.quarantine(reason);
                sink.write(line, reason, None, "", records.raw())?;
            }
            None => events.push(Event {
                user: normalize_id(&row.user).to_string(),
                item: normalize_id(&row.item).to_string(),
                kind: row.kind,
                timestamp: row.timestamp,
                session: row.session.map(|s| s.trim().to_string()),
                price: row.price,
                line,
            }),
        }
    }
    report.latin1_fields = latin1;
    report.blank_lines = records.blank_lines();
    report.rows_kept = events.len() as u64;
    sink.finish()?;
    if report.rows_read > 0 && events.is_empty() {
        return Err(sink.nothing_kept(report.rows_read));
    }
    if let Some(h) = hook {
        events.iter_mut().for_each(|e| h.event(e));
    }
    Ok(CleanedEvents { events, report })
}

#[derive(Deserialize)]
struct CleanedEventsRaw {
    events: Vec<Event>,
    report: CleaningReport,
}

impl TryFrom<CleanedEventsRaw> for CleanedEvents {
    type Error = Error;
    fn try_from(r: CleanedEventsRaw) -> shopml_core::Result<Self> {
        if r.events.len() as u64 != r.report.rows_kept || r.report.returns != 0 {
            return Err(Error::param("report", "rows_kept must equal the number of events, and returns must be 0"));
        }
        Ok(CleanedEvents { events: r.events, report: r.report })
    }
}
