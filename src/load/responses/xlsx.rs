//! A sheet of an Excel workbook (Microsoft Forms' 「Excel で開く」 download, or any sheet in the
//! layout of a CSV export) as header and rows of cell text, read with calamine: formulas as
//! their cached values, dates as `2024/06/01 10:00:00`, percentages as `33.4%` (.xlsx), an error
//! value (#DIV/0!) kept aside so that a read of that cell is an error naming it.

use std::path::Path;

use anyhow::Result;
use calamine::{Data, Reader};

use super::source::{Place, Table, TableRow, cell_name};

mod percent;

/// The last serial date Excel shows (9999-12-31): past it a number is no date.
const MAX_SERIAL: f64 = 2_958_466.0;

/// Reads sheet `sheet` (default: the first) of the workbook at `path`, shown as `shown`.
pub fn read(path: &Path, shown: &str, sheet: Option<&str>) -> Result<Table> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: cannot be read as an Excel workbook ({e}): save it again from Excel as .xlsx"
        )
    })?;
    let names = book.sheet_names();
    let name = match sheet {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("{shown}: the workbook has no sheet"))?,
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s.trim())
            .cloned()
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{shown}: there is no sheet {} (the sheets are: {}){}",
                    crate::load::quote_cell(s),
                    names
                        .iter()
                        .map(|n| crate::load::quote_cell(n))
                        .collect::<Vec<_>>()
                        .join(", "),
                    crate::load::did_you_mean(s, names.iter().map(String::as_str))
                )
            })?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| anyhow::anyhow!("{shown}: sheet {name:?} cannot be read ({e})"))?;
    let Some((first_row, first_column)) = range.start() else {
        anyhow::bail!(
            "{shown}:{}: the sheet is empty (expected a header row naming the columns, then one row per respondent)",
            cell_name(&name, 0, 1)
        );
    };
    // Cells formatted as % hold 0.334 for 33.4%; calamine gives the 0.334.
    let percent_cells = match book {
        calamine::Sheets::Xlsx(_) => percent::cells(path, shown, &name)?,
        _ => Default::default(),
    };
    let place = Place::Cell {
        sheet: name.clone(),
        first_column,
    };
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let at = u64::from(first_row) + i as u64 + 1;
        let mut row = TableRow {
            at,
            cells: Vec::with_capacity(cells.len()),
            bad: Vec::new(),
        };
        let sheet_row = first_row + i as u32;
        for (c, cell) in cells.iter().enumerate() {
            let is_percent = || percent_cells.contains(&(sheet_row, first_column + c as u32));
            let shown = match cell {
                Data::Float(f) if is_percent() => Ok(percent::text(*f)),
                Data::Int(i) if is_percent() => Ok(percent::text(*i as f64)),
                _ => text(cell),
            };
            match shown {
                Ok(t) => row.cells.push(t),
                Err(why) => {
                    row.cells.push(String::new());
                    row.bad.push((c, why));
                }
            }
        }
        row
    });
    // The header is the first row that is not blank (a title above it is not allowed:
    // Forms and CSV layouts start with the header).
    let Some(head) = rows.next() else {
        anyhow::bail!("{shown}: the sheet {name:?} is empty");
    };
    if let Some((c, why)) = head.bad.first() {
        anyhow::bail!(
            "{shown}:{}: the header {why}",
            cell_name(&name, first_column + *c as u32, head.at),
            why = why.replacen("the cell holds", "holds", 1)
        );
    }
    if head.cells.iter().all(|h| h.trim().is_empty()) {
        anyhow::bail!(
            "{shown}:{}: the header row is empty (expected the column names)",
            cell_name(&name, first_column, head.at)
        );
    }
    let mut headers: Vec<String> = head.cells.iter().map(|h| h.trim().to_string()).collect();
    // Trailing columns without a header and without a value are Excel's used range, not data.
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    let width = headers.len();
    let mut out = Vec::new();
    for mut row in rows {
        if row.cells[width.min(row.cells.len())..]
            .iter()
            .any(|c| !c.trim().is_empty())
        {
            let c = row.cells[width..]
                .iter()
                .position(|c| !c.trim().is_empty())
                .unwrap_or(0)
                + width;
            anyhow::bail!(
                "{shown}:{}: a value in a column without a header (give the column a name in row {})",
                cell_name(&name, first_column + c as u32, row.at),
                head.at
            );
        }
        row.cells.truncate(width);
        row.bad.retain(|(c, _)| *c < width);
        out.push(row);
    }
    Ok(Table {
        headers,
        place: Some(place),
        rows: out,
    })
}

/// A cell as text: numbers as written (1, not 1.0), dates as `2024/06/01 10:00:00`, TRUE/FALSE;
/// an error value is an `Err` saying what it is.
pub fn text(cell: &Data) -> std::result::Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace("\r\n", "\n").replace('\r', "\n"),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => {
            let v = d.as_f64();
            if d.is_datetime() && (0.0..MAX_SERIAL).contains(&v) {
                let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
                if v.fract() == 0.0 {
                    format!("{y:04}/{mo:02}/{da:02}")
                } else {
                    format!("{y:04}/{mo:02}/{da:02} {h:02}:{mi:02}:{s:02}")
                }
            } else {
                number(v)
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            return Err(format!(
                "the cell holds the error value {e} (a formula that failed, read as its last result): correct it in the workbook or clear the cell"
            ));
        }
    })
}

/// 3 for 3.0, 0.5 for 0.5: as Excel shows a number in the General format.
fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_excel_shows_them() {
        assert_eq!(text(&Data::Float(3.0)), Ok("3".into()));
        assert_eq!(text(&Data::Float(0.5)), Ok("0.5".into()));
        assert_eq!(text(&Data::Bool(true)), Ok("TRUE".into()));
        let date = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(text(&date(45444.0)), Ok("2024/06/01".into()));
        assert_eq!(text(&date(45444.5)), Ok("2024/06/01 12:00:00".into()));
        // Out of Excel's range: the number, never a panic.
        assert_eq!(text(&date(1e300)), Ok(format!("{}", 1e300)));
        assert_eq!(text(&date(-1.0)), Ok("-1".into()));
        let e = text(&Data::Error(CellErrorType::Div0)).unwrap_err();
        assert!(e.contains("#DIV/0!"), "{e}");
    }
}
