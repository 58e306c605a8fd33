//! Writing tables as CSV or JSON, to stdout or a file.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects, one per row.
    Json,
}

/// Where and how a table is written.
#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Output file (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A cell: text or a number (numbers stay numbers in JSON).
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}
impl From<usize> for Cell {
    fn from(v: usize) -> Self {
        Cell::Number(v as f64)
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

impl OutArgs {
    /// Writes `rows` under `header`.
    pub fn write(&self, header: &[&str], rows: Vec<Vec<Cell>>) -> Result<(), Box<dyn std::error::Error>> {
        let mut out: Box<dyn Write> = match &self.output {
            Some(p) => {
                Box::new(std::io::BufWriter::new(std::fs::File::create(p).map_err(|e| format!("cannot write {}: {e}", p.display()))?))
            }
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        };
        match self.format {
            Format::Csv => {
                writeln!(out, "{}", header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","))?;
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| match c {
                            Cell::Text(s) => csv_field(s),
                            Cell::Number(v) => format!("{v}"),
                        })
                        .collect();
                    writeln!(out, "{}", cells.join(","))?;
                }
            }
            Format::Json => {
                let array: Vec<serde_json::Value> = rows
                    .into_iter()
                    .map(|row| {
                        let obj: serde_json::Map<String, serde_json::Value> = header
                            .iter()
                            .zip(row)
                            .map(|(h, c)| {
                                let v = match c {
                                    Cell::Text(s) => serde_json::Value::String(s),
                                    Cell::Number(v) => {
                                        serde_json::Number::from_f64(v).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
                                    }
                                };
                                (h.to_string(), v)
                            })
                            .collect();
                        serde_json::Value::Object(obj)
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut out, &array)?;
                writeln!(out)?;
            }
        }
        out.flush()?;
        Ok(())
    }
}
