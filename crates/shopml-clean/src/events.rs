//! Reading and cleaning behaviour events (views, carts, purchases).

use std::borrow::Cow;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use shopml_core::{Error, Params, Timestamp};

use crate::csv::{Fields, Next, RecordReader};
use crate::datetime::DateFormat;
use crate::error::{CleanError, Result};
use crate::input::{FieldError, SeenSet, Sink, normalize_id, number, open_path, open_reader, read_header, text};
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
}

/// Validation rules for events. Order of reasons: unparsable → missing id →
/// exact duplicate → outside the window → unknown event kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanedEvents {
    /// Events that passed every rule, in file order.
    pub events: Vec<Event>,
    /// What happened to every row (`returns` is always 0).
    pub report: CleaningReport,
}

/// Reads and cleans events from a CSV file, plain or gzip.
pub fn read_events(path: &Path, schema: &EventSchema, rules: &EventRules) -> Result<CleanedEvents> {
    let input = open_path(path)?;
    with_sink(rules, |sink| clean(input, schema, rules, sink))
}

/// Reads and cleans events from any reader (plain or gzip bytes).
///
/// ```
/// use shopml_clean::{read_events_from, EventKind, EventRules, EventSchema, Reason};
/// let csv = "user,item,type,time,price\nu1,p1,view,2024-05-01T10:00:00Z,\nu1,p1,cart,2024-05-01T10:01:00Z,9.5\n,p2,view,2024-05-01T10:02:00Z,\n";
/// let schema = EventSchema::new("user", "item", "type", "time").price("price");
/// let out = read_events_from(csv.as_bytes(), &schema, &EventRules::default()).unwrap();
/// assert_eq!(out.events.len(), 2);
/// assert_eq!(out.events[1].kind, EventKind::Cart);
/// assert_eq!(out.events[1].price, Some(9.5));
/// assert_eq!(out.report.quarantined(Reason::MissingId), 1);
/// ```
pub fn read_events_from<R: Read + Send>(reader: R, schema: &EventSchema, rules: &EventRules) -> Result<CleanedEvents> {
    let input = open_reader(reader).map_err(|e| CleanError::io(None, e))?;
    with_sink(rules, |sink| clean(input, schema, rules, sink))
}

/// Like [`read_events_from`], writing quarantined rows to `quarantine`.
pub fn read_events_with_quarantine<R: Read + Send, W: Write>(
    reader: R,
    schema: &EventSchema,
    rules: &EventRules,
    mut quarantine: W,
) -> Result<CleanedEvents> {
    let input = open_reader(reader).map_err(|e| CleanError::io(None, e))?;
    let sink = Sink::new(Some(&mut quarantine), None)?;
    clean(input, schema, rules, sink)
}

fn with_sink<T>(rules: &EventRules, f: impl FnOnce(Sink<'_>) -> Result<T>) -> Result<T> {
    match &rules.quarantine_file {
        None => f(Sink::new(None, None)?),
        Some(p) => {
            let file = std::fs::File::create(p).map_err(|e| CleanError::Quarantine { path: Some(p.clone()), source: e })?;
            let mut w = std::io::BufWriter::new(file);
            f(Sink::new(Some(&mut w), Some(p.clone()))?)
        }
    }
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

fn parse_row<'a, R: BufRead>(rdr: &'a RecordReader<R>, pos: &Pos, schema: &EventSchema, latin1: &mut u64) -> Result<Row<'a>, FieldError> {
    let n = rdr.n_fields();
    match pos.expected {
        Some(e) if n != e => return Err((n.min(e) + 1, format!("expected {e} fields, found {n}"))),
        None if n <= pos.max => {
            return Err((n + 1, format!("expected at least {} fields, found {n}", pos.max + 1)));
        }
        _ => {}
    }
    let enc = schema.csv.encoding;
    let kind_text = text(rdr, pos.kind, enc, latin1)?;
    if kind_text.trim().is_empty() {
        return Err((pos.kind + 1, "empty event type".into()));
    }
    let timestamp = schema.date_format.parse_bytes(rdr.field(pos.timestamp)).map_err(|m| (pos.timestamp + 1, m))?;
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
    Ok(Row {
        user: text(rdr, pos.user, enc, latin1)?,
        item: text(rdr, pos.item, enc, latin1)?,
        kind: EventKind::parse(&kind_text),
        timestamp,
        session,
        price,
    })
}

fn clean(input: Box<dyn BufRead + Send + '_>, schema: &EventSchema, rules: &EventRules, mut sink: Sink<'_>) -> Result<CleanedEvents> {
    rules.check()?;
    schema.csv.check()?;
    let csv = &schema.csv;
    let mut rdr = RecordReader::new(input, csv.delimiter, csv.quote, csv.max_record_bytes);
    let header = read_header(&mut rdr, csv)?;
    let h = header.as_deref();
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
    loop {
        let next = rdr.next_record().map_err(|e| CleanError::io(None, e))?;
        let line = rdr.line();
        let row = match next {
            Next::Eof => break,
            Next::Malformed { column, message } => Err((column, message)),
            Next::Record => parse_row(&rdr, &pos, schema, &mut latin1),
        };
        report.rows_read += 1;
        let row = match row {
            Ok(r) => r,
            Err((column, message)) => {
                report.matched_one(Reason::Unparsable);
                report.quarantine(Reason::Unparsable);
                report.issue(line, Some(column), Reason::Unparsable, &message);
                sink.write(line, Reason::Unparsable, Some(column), &message, rdr.raw())?;
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
        hit(&mut report, Reason::ExactDuplicate, rules.drop_exact_duplicates && !seen.insert(rdr.raw()));
        if let Some((a, b)) = rules.time_window {
            hit(&mut report, Reason::OutsideWindow, row.timestamp < a || row.timestamp >= b);
        }
        if let Some(kinds) = &rules.kinds {
            hit(&mut report, Reason::UnknownEventKind, !kinds.contains(&row.kind));
        }
        match first {
            Some(reason) => {
                report.quarantine(reason);
                sink.write(line, reason, None, "", rdr.raw())?;
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
    report.blank_lines = rdr.blank_lines();
    report.rows_kept = events.len() as u64;
    sink.finish()?;
    Ok(CleanedEvents { events, report })
}
