//! The rows of a CSV respondent file, read by csv_core straight from the decoded text
//! (`Decode`, which lends its buffer) into each row's buffers, which are reused row after row:
//! no copy of the text between them, and each cell's end as csv_core gives it. The rows, line
//! numbers and errors are those of the csv crate's `Reader` with a header and `flexible(false)`,
//! which drives csv_core the same way (csv 1.4, `Reader::read_byte_record_impl`).

use std::io::BufRead;

use anyhow::Result;
use csv_core::ReadRecordResult;

use super::decode::Decode;
use crate::load::located;

/// A CSV file being read, its header already taken (`CsvRows::open`).
pub struct CsvRows {
    decode: Decode<std::fs::File>,
    core: csv_core::Reader,
    file: String,
    /// The header's number of cells: every row must have as many.
    width: usize,
    done: bool,
}

/// One row as csv_core writes it: its cells' bytes side by side (`bytes[..len]`) and where each
/// cell ends (`ends[..cells]`). The buffers only grow.
#[derive(Debug, Default)]
pub struct RawRow {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    cells: usize,
    /// The line the row starts on.
    pub line: u64,
}

impl RawRow {
    /// The cells' bytes side by side.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Where each cell ends in `bytes`.
    pub fn ends(&self) -> &[usize] {
        &self.ends[..self.cells]
    }
}

impl CsvRows {
    /// Starts reading `decode` (shown as `file`): the header's cells, trimmed, and the rows
    /// after it. An empty file is an error.
    pub fn open(decode: Decode<std::fs::File>, file: &str) -> Result<(CsvRows, Vec<String>)> {
        let mut rows = CsvRows {
            decode,
            core: csv_core::Reader::new(),
            file: file.to_string(),
            width: 0,
            done: false,
        };
        let mut row = RawRow::default();
        let header = if rows.read(&mut row)? {
            let text = std::str::from_utf8(row.bytes()).map_err(|e| {
                located(
                    file,
                    row.line,
                    None,
                    format!("the header is not valid UTF-8 text ({e})"),
                )
            })?;
            let mut start = 0;
            row.ends()
                .iter()
                .map(|&end| {
                    let cell = text.get(start..end).unwrap_or("").trim().to_string();
                    start = end;
                    cell
                })
                .collect()
        } else {
            Vec::new()
        };
        if header.iter().all(|h: &String| h.is_empty()) {
            anyhow::bail!(
                "{file}: the file is empty (expected a header row naming the columns, then one row per respondent)"
            );
        }
        rows.width = row.cells;
        Ok((rows, header))
    }

    /// Reads the next row into `row`; false at the end of the file. A row whose number of
    /// cells is not the header's is an error naming its line.
    pub fn next(&mut self, row: &mut RawRow) -> Result<bool> {
        if !self.read(row)? {
            return Ok(false);
        }
        if row.cells != self.width {
            return Err(located(
                &self.file,
                row.line,
                None,
                format!(
                    "this row has {} fields, expected {} like the header (is a quote left open?)",
                    row.cells, self.width
                ),
            ));
        }
        Ok(true)
    }

    fn read(&mut self, row: &mut RawRow) -> Result<bool> {
        row.line = self.core.line();
        row.len = 0;
        row.cells = 0;
        if self.done {
            return Ok(false);
        }
        // Small to begin with (thousands of rows are in flight, src/load/responses/ahead.rs),
        // doubled when a row needs more.
        if row.bytes.is_empty() {
            row.bytes.resize(128, 0);
            row.ends.resize(16, 0);
        }
        loop {
            // Decode's own errors already say where.
            let input = self.decode.fill_buf().map_err(|e| {
                self.done = true;
                anyhow::anyhow!("{e}")
            })?;
            let (result, read, written, ended) =
                self.core
                    .read_record(input, &mut row.bytes[row.len..], &mut row.ends[row.cells..]);
            self.decode.consume(read);
            row.len += written;
            row.cells += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => row.bytes.resize(row.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => row.ends.resize(row.ends.len() * 2, 0),
                ReadRecordResult::Record => return Ok(true),
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    /// The decoder (its encoding and digest).
    pub fn decode(&self) -> &Decode<std::fs::File> {
        &self.decode
    }

    pub fn decode_mut(&mut self) -> &mut Decode<std::fs::File> {
        &mut self.decode
    }
}
