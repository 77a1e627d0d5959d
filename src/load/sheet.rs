//! Aggregated tables kept in Excel: data/counts.xlsx (its first sheet) in place of
//! data/counts.csv, and so for respondents, crosstab and answers, in the same layout (a header
//! row naming the columns, then one row per figure). The rows are checked by the same code as
//! the CSV's (src/load/tables.rs); its messages name `file:line`, which here become the sheet
//! and the row's first cell: `data/counts.xlsx:Sheet1!A14`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::responses::source::{Place, cell_name};
use super::responses::xlsx;

/// The tables that may be workbooks.
const TABLES: [&str; 4] = [
    super::tables::RESPONDENTS,
    super::tables::COUNTS,
    super::tables::CROSSTAB,
    super::tables::ANSWERS,
];

/// `data/counts.csv` → `data/counts.xlsx`.
pub fn workbook_name(csv: &str) -> String {
    match csv.strip_suffix(".csv") {
        Some(stem) => format!("{stem}.xlsx"),
        None => format!("{csv}.xlsx"),
    }
}

/// The workbook standing for the CSV table `csv`, if there is one (and no CSV beside it).
pub fn workbook(root: &Path, csv: &str) -> Result<Option<(PathBuf, String)>> {
    let shown = workbook_name(csv);
    let path = root.join(&shown);
    if !path.exists() {
        return Ok(None);
    }
    if root.join(csv).exists() {
        anyhow::bail!(
            "{csv} and {shown} are both in the project: keep one (they would give the same figures twice)"
        );
    }
    Ok(Some((path, shown)))
}

/// A row of a table's sheet: its row number and trimmed cells.
pub type SheetRow = (u64, Vec<String>);

/// A table's sheet: the header (trimmed) and each row that is not blank nor a `#` comment,
/// with its sheet row and trimmed cells. A cell holding an error value is an error naming it.
pub fn rows(path: &Path, shown: &str) -> Result<(Vec<String>, Vec<SheetRow>)> {
    let table = xlsx::read(path, shown, None)?;
    let place = table.place.clone().unwrap_or(Place::Line);
    let mut out = Vec::new();
    for row in table.rows {
        if let Some((c, why)) = row.bad.first() {
            let header = table.headers.get(*c).map_or("", String::as_str);
            return Err(place.error(shown, row.at, *c, header, why));
        }
        let cells: Vec<String> = row.cells.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) || cells[0].starts_with('#') {
            continue;
        }
        out.push((row.at, cells));
    }
    Ok((table.headers, out))
}

/// Names the sheet and cell in a tables error about a workbook: `data/counts.csv:14: …` (as
/// the row checks write it) becomes `data/counts.xlsx:Sheet1!A14: …`, and the CSV's name the
/// workbook's wherever it appears.
pub fn rename(root: &Path, error: anyhow::Error) -> anyhow::Error {
    let mut text = format!("{error:#}");
    let mut changed = false;
    for csv in TABLES {
        let Ok(Some((path, shown))) = workbook(root, csv) else {
            continue;
        };
        // Only to name the sheet and its first column, so only when there is an error.
        let Ok(table) = xlsx::read(&path, &shown, None) else {
            continue;
        };
        let Some(Place::Cell {
            sheet,
            first_column,
        }) = table.place
        else {
            continue;
        };
        text = rename_lines(&text, csv, &shown, &sheet, first_column);
        changed = true;
    }
    if changed {
        anyhow::anyhow!("{text}")
    } else {
        error
    }
}

fn rename_lines(text: &str, csv: &str, shown: &str, sheet: &str, first_column: u32) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(csv) {
        out.push_str(&rest[..i]);
        rest = &rest[i + csv.len()..];
        let digits = rest
            .strip_prefix(':')
            .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
        match rest[1.min(rest.len())..][..digits].parse::<u64>() {
            Ok(row) if digits > 0 => {
                rest = &rest[1 + digits..];
                // `:line:column:` names the cell itself (the column counted from the header's
                // first cell), `:line:` the row's first cell.
                let column = rest.strip_prefix(':').and_then(|r| {
                    let n = r.bytes().take_while(u8::is_ascii_digit).count();
                    let c = r[..n].parse::<u32>().ok().filter(|&c| c > 0)?;
                    r[n..].starts_with(':').then_some((c, 1 + n))
                });
                out.push_str(shown);
                out.push(':');
                match column {
                    Some((c, len)) => {
                        out.push_str(&cell_name(sheet, first_column + c - 1, row));
                        rest = &rest[len..];
                    }
                    None => out.push_str(&cell_name(sheet, first_column, row)),
                }
            }
            _ => out.push_str(shown),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_line_becomes_the_sheet_row() {
        let text = "2 problems:\ndata/counts.csv:14: option \"x\" is not …\ndata/counts.csv: no row for region \"a\" (leave it out of data/counts.csv)";
        assert_eq!(
            rename_lines(text, "data/counts.csv", "data/counts.xlsx", "Sheet1", 0),
            "2 problems:\ndata/counts.xlsx:Sheet1!A14: option \"x\" is not …\ndata/counts.xlsx: no row for region \"a\" (leave it out of data/counts.xlsx)"
        );
        assert_eq!(workbook_name("data/counts.csv"), "data/counts.xlsx");
        assert_eq!(
            rename_lines(
                "data/counts.csv:7:5: estimate \"x\" is not a percent",
                "data/counts.csv",
                "data/counts.xlsx",
                "Sheet1",
                1
            ),
            "data/counts.xlsx:Sheet1!F7: estimate \"x\" is not a percent"
        );
    }
}
