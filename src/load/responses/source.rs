//! Where respondent rows come from: a CSV file (streamed), a sheet of an Excel workbook or an
//! SPSS .sav file (read whole), each handed out as the same header and rows of cell text, with
//! places named the way a person finds them: `file:line:column`, `file:Sheet1!C14`,
//! `file: case 14, variable "q1"`.

use std::path::Path;

use anyhow::Result;

use super::csv_rows::{CsvRows, RawRow};
use super::decode::{Encoding, open};
use crate::load::quote_cell;

/// What kind of file the rows are in, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    /// .xlsx, .xlsm, .xls, .ods
    Workbook,
    /// SPSS .sav / .zsav
    Sav,
}

impl Kind {
    pub fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xls" | "ods" => Kind::Workbook,
            "sav" | "zsav" => Kind::Sav,
            _ => Kind::Csv,
        }
    }

    /// The extension a copy of such a file keeps.
    pub fn extension(path: &Path) -> String {
        match Kind::of(path) {
            Kind::Csv => "csv".into(),
            _ => path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default(),
        }
    }
}

/// How a place in the file is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// `file:line:column`
    Line,
    /// `file:Sheet!C14`: the sheet and the column of the header's first cell (0 = A).
    Cell { sheet: String, first_column: u32 },
    /// `file: case 14, variable "q1"`
    Case,
}

impl Place {
    /// `file:line:col: column "header": `, `file:Sheet1!C14: column "header": ` or
    /// `file: case 14, variable "name": `, followed by `message`.
    pub fn error(
        &self,
        file: &str,
        at: u64,
        column: usize,
        header: &str,
        message: impl std::fmt::Display,
    ) -> anyhow::Error {
        match self {
            Place::Line => crate::load::located(
                file,
                at,
                Some(column as u64 + 1),
                format!("column {}: {message}", quote_cell(header)),
            ),
            Place::Cell {
                sheet,
                first_column,
            } => anyhow::anyhow!(
                "{file}:{}: column {}: {message}",
                cell_name(sheet, first_column + column as u32, at),
                quote_cell(header)
            ),
            Place::Case => anyhow::anyhow!(
                "{file}: case {at}, variable {}: {message}",
                quote_cell(header)
            ),
        }
    }

    /// `line 4`, `row 4`, `case 4`: how a message refers to another row.
    pub fn row_word(&self) -> &'static str {
        match self {
            Place::Line => "line",
            Place::Cell { .. } => "row",
            Place::Case => "case",
        }
    }
}

/// `Sheet1!C14`, or `'My sheet'!C14` when the name needs quotes (as Excel writes a reference).
pub fn cell_name(sheet: &str, column: u32, row: u64) -> String {
    let plain = sheet
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !sheet.is_empty();
    let sheet = if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!("{sheet}!{}{row}", column_letters(column))
}

/// 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut column: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// One row of a workbook or .sav file, already turned into cell text.
#[derive(Debug, Default, Clone)]
pub struct TableRow {
    /// The sheet's row number or the case number (1-based).
    pub at: u64,
    pub cells: Vec<String>,
    /// Cells that cannot be read (an Excel error value such as #DIV/0!): column and why.
    pub bad: Vec<(usize, String)>,
}

/// A workbook sheet or a .sav file in memory.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub place: Option<Place>,
    pub rows: Vec<TableRow>,
}

enum Rows {
    Csv(Box<CsvRows>),
    Table(std::vec::IntoIter<TableRow>),
}

/// One row's cells as text: one string and where each cell lies in it. A CSV row is checked
/// as UTF-8 once, whole (csv's own `StringRecord` checks it cell by cell, which cost more than
/// the check itself). The text is either the cells side by side (csv_core's bytes, a
/// workbook's cells) or a CSV line as it was written (`CsvRows::quick`): then the commas and
/// the quotes around a cell lie between the cells.
#[derive(Debug, Default)]
pub struct Cells {
    text: String,
    /// Each cell's start and end in `text`.
    spans: Vec<(usize, usize)>,
    /// Whether some cell may hold a control character (`crate::load::may_hold_control`).
    control: bool,
}

impl Cells {
    /// The cell of column `c`.
    pub fn get(&self, c: usize) -> Option<&str> {
        let &(start, end) = self.spans.get(c)?;
        self.text.get(start..end)
    }

    /// The number of cells.
    pub(super) fn width(&self) -> usize {
        self.spans.len()
    }

    /// Every cell is empty or white space.
    pub(super) fn is_blank(&self) -> bool {
        self.iter().all(|c| c.trim_start().is_empty())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.spans.len()).filter_map(|c| self.get(c))
    }

    /// False when no cell holds a control character (then none needs cleaning).
    pub fn may_hold_control(&self) -> bool {
        self.control
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.control = false;
    }

    pub fn push_field(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(cell);
        self.spans.push((start, self.text.len()));
        self.control |= crate::load::may_hold_control(cell);
    }

    /// Where the cells lie in the text, for a CSV line as it was written (`CsvRows::quick`,
    /// after `clear`; the text follows with `set_text`).
    pub(super) fn spans_mut(&mut self) -> &mut Vec<(usize, usize)> {
        &mut self.spans
    }

    /// The CSV line whose cells `spans_mut` placed.
    pub(super) fn set_text(&mut self, text: &str) {
        self.text.push_str(text);
        self.control = crate::load::may_hold_control(text);
    }

    /// The cells of a CSV row as csv_core reads it; an error when its bytes are not UTF-8
    /// (never for what `Decode` hands out).
    pub(super) fn set(&mut self, row: &RawRow) -> Result<(), simdutf8::compat::Utf8Error> {
        self.clear();
        let text = simdutf8::compat::from_utf8(row.bytes())?;
        self.text.push_str(text);
        let mut start = 0;
        self.spans.extend(row.ends().iter().map(|&end| {
            let span = (start, end);
            start = end;
            span
        }));
        self.control = crate::load::may_hold_control(text);
        Ok(())
    }
}

/// One row as the loader reads it.
#[derive(Debug, Default)]
pub struct Record {
    pub cells: Cells,
    /// Its line (CSV), sheet row (workbook) or case (.sav).
    pub at: u64,
    /// Its position among the records, counting from 0 (finds it again).
    pub index: u64,
    pub bad: Vec<(usize, String)>,
    /// Set by `Source::next` (on the thread that reads ahead, when there is one).
    blank: bool,
}

impl Record {
    /// Every cell is empty or white space (such a row is skipped, not counted).
    pub fn is_blank(&self) -> bool {
        self.blank
    }
}

/// The rows of a respondent file, whatever its kind.
pub struct Source {
    pub file: String,
    pub headers: Vec<String>,
    pub place: Place,
    rows: Rows,
    next_index: u64,
}

impl Source {
    /// Opens `path` (shown as `shown`) by its extension. `sheet`: the workbook's sheet (default:
    /// the first); `encoding`: a CSV's.
    pub fn open(
        path: &Path,
        shown: &str,
        encoding: Encoding,
        sheet: Option<&str>,
    ) -> Result<Source> {
        Source::open_with(path, shown, encoding, sheet, false)
    }

    /// `open`, taking a digest of a CSV's bytes as they are read (`digest`).
    pub(super) fn open_digesting(
        path: &Path,
        shown: &str,
        encoding: Encoding,
        sheet: Option<&str>,
    ) -> Result<Source> {
        Source::open_with(path, shown, encoding, sheet, true)
    }

    fn open_with(
        path: &Path,
        shown: &str,
        encoding: Encoding,
        sheet: Option<&str>,
        digest: bool,
    ) -> Result<Source> {
        let kind = Kind::of(path);
        if sheet.is_some() && kind != Kind::Workbook {
            anyhow::bail!(
                "{shown}: a sheet is named, but the file is not an Excel workbook (.xlsx)"
            );
        }
        match kind {
            Kind::Csv => {
                let (reader, headers) = CsvRows::open(open(path, shown, encoding, digest)?, shown)?;
                Ok(Source {
                    file: shown.to_string(),
                    headers,
                    place: Place::Line,
                    rows: Rows::Csv(Box::new(reader)),
                    next_index: 0,
                })
            }
            Kind::Workbook => Ok(Source::table(shown, super::xlsx::read(path, shown, sheet)?)),
            Kind::Sav => Ok(Source::table(shown, super::sav::read(path, shown)?.table)),
        }
    }

    /// The rows of a workbook or .sav file already read.
    pub fn from_table(shown: &str, t: Table) -> Source {
        Source::table(shown, t)
    }

    fn table(shown: &str, t: Table) -> Source {
        Source {
            file: shown.to_string(),
            headers: t.headers,
            place: t.place.unwrap_or(Place::Line),
            rows: Rows::Table(t.rows.into_iter()),
            next_index: 0,
        }
    }

    /// The CSV's encoding as detected so far (UTF-8 for other kinds).
    pub fn encoding(&self) -> Encoding {
        match &self.rows {
            Rows::Csv(r) => r.decode().encoding(),
            Rows::Table(_) => Encoding::Utf8,
        }
    }

    /// The digest of a CSV opened by `open_digesting`, once every row has been read (`None`
    /// before, or for a workbook or .sav file).
    pub(super) fn digest(&mut self) -> Option<super::cache::Digested> {
        match &mut self.rows {
            Rows::Csv(r) => r.decode_mut().digest(),
            Rows::Table(_) => None,
        }
    }

    /// Reads the next row into `record`; false at the end.
    pub fn next(&mut self, record: &mut Record) -> Result<bool> {
        record.bad.clear();
        match &mut self.rows {
            Rows::Csv(reader) => {
                let Some(line) = reader.next(&mut record.cells)? else {
                    return Ok(false);
                };
                record.at = line;
            }
            Rows::Table(rows) => {
                let Some(row) = rows.next() else {
                    return Ok(false);
                };
                record.cells.clear();
                for c in &row.cells {
                    record.cells.push_field(c);
                }
                record.at = row.at;
                record.bad = row.bad;
            }
        }
        record.blank = record.bad.is_empty() && record.cells.is_blank();
        record.index = self.next_index;
        self.next_index += 1;
        Ok(true)
    }

    /// The error of a cell that cannot be read, if `wanted` says its column is read.
    pub fn bad_cell(
        &self,
        record: &Record,
        wanted: impl Fn(usize) -> bool,
    ) -> Option<anyhow::Error> {
        record.bad.iter().find(|(c, _)| wanted(*c)).map(|(c, why)| {
            let header = self.headers.get(*c).map_or("", String::as_str);
            self.place.error(&self.file, record.at, *c, header, why)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_name("Sheet1", 2, 14), "Sheet1!C14");
        assert_eq!(cell_name("Form 1", 0, 2), "'Form 1'!A2");
        assert_eq!(cell_name("回答", 1, 3), "回答!B3");
        assert_eq!(cell_name("it's", 0, 1), "'it''s'!A1");
    }
}
