//! The cells of an .xlsx sheet that Excel shows as a percentage (number format `0%`, `0.0%`, or
//! any format with a `%` that is not quoted text), read as Excel shows them: 0.334 as `33.4%`.
//! calamine tells only dates apart, so without this a 33.4% cell would read as 0.334.
//!
//! An .xlsx workbook is a zip of XML parts; four of them say which cells these are:
//! - `xl/workbook.xml`: each sheet's name and relationship id (`r:id="rId1"`);
//! - `xl/_rels/workbook.xml.rels`: the part holding that sheet (`worksheets/sheet1.xml`);
//! - `xl/styles.xml`: the custom number formats (`<numFmt numFmtId="164" formatCode="0.0%"/>`)
//!   and the list of cell styles (`<cellXfs>`, each `<xf numFmtId="…">`);
//! - the sheet part: each cell's position and style, an index into that list (`<c r="B2" s="3">`).
//!
//! .xls and .ods workbooks are not read here: a percentage cell there still reads as the number
//! it holds (docs/from-forms.md says so).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use anyhow::{Context, Result};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Excel's built-in number formats that are percentages: 9 is `0%`, 10 is `0.00%`. (The other
/// built-in ids below 164 are General, numbers, currencies, dates and text.)
const BUILT_IN_PERCENT: [u32; 2] = [9, 10];

/// A percent-formatted number as Excel shows it, with all the precision it holds: 0.334 →
/// `33.4%`, 0.3342 → `33.42%` (even if the format shows `33%`), 1 → `100%`. value × 100 is
/// rounded to 12 significant digits so that binary noise (0.1 + 0.2 → 30.000000000000004) does
/// not show.
pub fn text(value: f64) -> String {
    let scaled = value * 100.0;
    let rounded: f64 = format!("{scaled:.11e}").parse().unwrap_or(scaled);
    format!("{}%", super::number(rounded))
}

/// The (row, column) positions, counted from 0 as calamine counts them, of the cells of sheet
/// `sheet` of the .xlsx workbook at `path` whose number format is a percentage. Errors name the
/// part of the workbook that cannot be read; `shown` names the workbook.
pub fn cells(path: &Path, shown: &str, sheet: &str) -> Result<HashSet<(u32, u32)>> {
    let file = File::open(path).with_context(|| format!("{shown}: cannot be opened"))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .with_context(|| format!("{shown}: cannot be read as an .xlsx workbook (a zip)"))?;
    let styles = match part(&mut zip, "xl/styles.xml") {
        None => return Ok(HashSet::new()), // no styles: every cell is General
        Some(xml) => percent_styles(xml?)
            .with_context(|| format!("{shown}: the cell styles (xl/styles.xml) cannot be read"))?,
    };
    // Most workbooks have no percentage at all: then the sheet need not be read twice.
    if styles.is_empty() {
        return Ok(HashSet::new());
    }
    let sheet_part = sheet_part(&mut zip, sheet)
        .with_context(|| format!("{shown}: the part holding sheet {sheet:?} cannot be found"))?;
    let xml = part(&mut zip, &sheet_part)
        .with_context(|| format!("{shown}: the workbook has no part {sheet_part}"))?;
    styled_cells(xml?, &styles).with_context(|| {
        format!("{shown}: the cells of sheet {sheet:?} ({sheet_part}) cannot be read")
    })
}

/// A part of the workbook, if there is one. Names are matched ignoring case and `\`, as calamine
/// (and Excel) match them.
fn part<'a, R: Read + Seek>(
    zip: &'a mut zip::ZipArchive<R>,
    name: &str,
) -> Option<Result<Reader<BufReader<zip::read::ZipFile<'a, R>>>>> {
    let same = |n: &str| n.replace('\\', "/").eq_ignore_ascii_case(name);
    let found = zip.file_names().find(|n| same(n))?.to_string();
    Some(
        zip.by_name(&found)
            .map(|f| xml_reader(BufReader::new(f)))
            .with_context(|| format!("{name} cannot be unzipped")),
    )
}

/// An XML reader that gives `<a/>` as `<a></a>`, so that one case reads both.
fn xml_reader<R: BufRead>(input: R) -> Reader<R> {
    let mut xml = Reader::from_reader(input);
    let config = xml.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    xml
}

/// The value of attribute `name` (without its namespace prefix), unescaped.
fn attribute<R>(xml: &Reader<R>, e: &BytesStart, name: &[u8]) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a?;
        if a.key.local_name().as_ref() == name {
            return Ok(Some(
                a.decode_and_unescape_value(xml.decoder())?.into_owned(),
            ));
        }
    }
    Ok(None)
}

/// The indexes into `<cellXfs>` of the cell styles whose number format is a percentage.
fn percent_styles(mut xml: Reader<impl BufRead>) -> Result<HashSet<u32>> {
    let mut codes: HashMap<u32, String> = HashMap::new(); // custom format id → format code
    let mut percent = HashSet::new();
    // Where we are: `<numFmt>` and `<xf>` also appear elsewhere (differential formats, cell
    // style formats), and only those inside `<numFmts>` and `<cellXfs>` are the cells'.
    let (mut in_num_fmts, mut in_cell_xfs) = (false, false);
    let mut xf_index = 0u32;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"numFmts" => in_num_fmts = true,
                b"cellXfs" => in_cell_xfs = true,
                b"numFmt" if in_num_fmts => {
                    let id = attribute(&xml, &e, b"numFmtId")?.and_then(|v| v.parse().ok());
                    let code = attribute(&xml, &e, b"formatCode")?;
                    if let (Some(id), Some(code)) = (id, code) {
                        codes.insert(id, code);
                    }
                }
                b"xf" if in_cell_xfs => {
                    let id: u32 = attribute(&xml, &e, b"numFmtId")?
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0); // no format given: General
                    let is_percent = match codes.get(&id) {
                        Some(code) => is_percent_format(code),
                        None => BUILT_IN_PERCENT.contains(&id),
                    };
                    if is_percent {
                        percent.insert(xf_index);
                    }
                    xf_index = xf_index.saturating_add(1);
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"numFmts" => in_num_fmts = false,
                b"cellXfs" => in_cell_xfs = false,
                _ => {}
            },
            Event::Eof => return Ok(percent),
            _ => {}
        }
    }
}

/// Whether a number format code shows a percentage: a `%` that is not text in quotes (`"%"`),
/// escaped (`\%`), the character of a space or fill (`_%`, `*%`), nor inside brackets (`[$%]`).
/// `0.0%` and `0%;-0%` are; `0.00"%"` is not (it shows the number as it is, then a % sign).
pub fn is_percent_format(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => return true,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// The part holding sheet `sheet`: its relationship id in xl/workbook.xml, then that id's
/// target in xl/_rels/workbook.xml.rels, e.g. `xl/worksheets/sheet1.xml`.
fn sheet_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, sheet: &str) -> Result<String> {
    let mut id = None;
    let mut xml = part(zip, "xl/workbook.xml").context("the workbook has no xl/workbook.xml")??;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e)
                if e.local_name().as_ref() == b"sheet"
                    && attribute(&xml, &e, b"name")?.as_deref() == Some(sheet) =>
            {
                // `r:id`: the only attribute of <sheet> whose name without prefix is `id`.
                id = attribute(&xml, &e, b"id")?;
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let id = id.context("xl/workbook.xml names no such sheet")?;
    drop(xml);
    let mut xml = part(zip, "xl/_rels/workbook.xml.rels")
        .context("the workbook has no xl/_rels/workbook.xml.rels")??;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e)
                if e.local_name().as_ref() == b"Relationship"
                    && attribute(&xml, &e, b"Id")?.as_deref() == Some(id.as_str()) =>
            {
                let target = attribute(&xml, &e, b"Target")?.unwrap_or_default();
                // Relative to xl/, or from the root of the zip when it starts with `/`.
                return Ok(match target.strip_prefix('/') {
                    Some(from_root) => from_root.to_string(),
                    None if target.starts_with("xl/") => target,
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => anyhow::bail!("xl/_rels/workbook.xml.rels has no relationship {id:?}"),
            _ => {}
        }
    }
}

/// The positions of the cells of a sheet part whose style is one of `styles`. A `<c>` without
/// `r` is the one after the cell before it, and a `<row>` without `r` the one after the row
/// before it, as calamine places them.
fn styled_cells(
    mut xml: Reader<impl BufRead>,
    styles: &HashSet<u32>,
) -> Result<HashSet<(u32, u32)>> {
    let mut found = HashSet::new();
    let (mut row, mut column) = (0u32, 0u32);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) if e.local_name().as_ref() == b"row" => {
                if let Some(r) = attribute(&xml, &e, b"r")? {
                    row = r
                        .parse::<u32>()
                        .ok()
                        .and_then(|r| r.checked_sub(1))
                        .with_context(|| format!("row number {r:?} is not a number from 1"))?;
                }
                column = 0;
            }
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                row = row.saturating_add(1);
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                if let Some(r) = attribute(&xml, &e, b"r")? {
                    (row, column) = cell_position(&r)
                        .with_context(|| format!("cell reference {r:?} is not like B2"))?;
                }
                let style = attribute(&xml, &e, b"s")?.and_then(|s| s.parse::<u32>().ok());
                if style.is_some_and(|s| styles.contains(&s)) {
                    found.insert((row, column));
                }
                column = column.saturating_add(1);
            }
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// `B3` → (2, 1): row and column counted from 0. `None` for anything else, or past u32.
fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let digits = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = reference.split_at(digits);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut column = 0u32;
    for b in letters.bytes() {
        let digit = u32::from(b.to_ascii_uppercase() - b'A') + 1;
        column = column.checked_mul(26)?.checked_add(digit)?;
    }
    let row: u32 = number.parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_reads_with_all_its_digits_and_no_binary_noise() {
        assert_eq!(text(0.334), "33.4%");
        assert_eq!(text(0.3342), "33.42%");
        assert_eq!(text(1.0), "100%");
        assert_eq!(text(0.0), "0%");
        assert_eq!(text(-0.0), "0%");
        assert_eq!(text(0.1 + 0.2), "30%");
        assert_eq!(text(0.07), "7%"); // 7.000000000000001 in binary
        assert_eq!(text(0.125), "12.5%");
        assert_eq!(text(-0.05), "-5%");
        assert_eq!(text(0.123456789012345), "12.3456789012%");
        // Never a panic, whatever the cell holds.
        assert_eq!(text(1e300), format!("{}%", 1e302));
        assert_eq!(text(f64::NAN), "NaN%");
    }

    #[test]
    fn percent_formats_are_told_from_a_quoted_percent_sign() {
        for yes in [
            "0%",
            "0.0%",
            "0.00%",
            "#,##0.0%",
            "0%;-0%",
            "[Red]0.0%",
            "0.0 %",
        ] {
            assert!(is_percent_format(yes), "{yes}");
        }
        for no in [
            "General",
            "0.0",
            "0.00\"%\"",
            "0.0\\%",
            "0_%",
            "0*%",
            "[$%-409]0.0",
            "\"rate %\"0",
            "yyyy/m/d",
            "",
            "\"unclosed %",
        ] {
            assert!(!is_percent_format(no), "{no}");
        }
    }

    #[test]
    fn cell_references_are_read_as_excel_writes_them() {
        assert_eq!(cell_position("A1"), Some((0, 0)));
        assert_eq!(cell_position("B3"), Some((2, 1)));
        assert_eq!(cell_position("AA10"), Some((9, 26)));
        assert_eq!(cell_position("xfd1048576"), Some((1_048_575, 16_383)));
        for bad in [
            "",
            "A",
            "1",
            "A0",
            "3B",
            "A1B",
            "ZZZZZZZZZZ1",
            "A99999999999",
            "Ä1",
        ] {
            assert_eq!(cell_position(bad), None, "{bad}");
        }
    }

    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.00&quot;%&quot;"/></numFmts>
  <cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>
  <cellXfs count="5">
    <xf numFmtId="0" fontId="0"/>
    <xf numFmtId="164" applyNumberFormat="1"/>
    <xf numFmtId="165" applyNumberFormat="1"/>
    <xf numFmtId="9" applyNumberFormat="1"><alignment horizontal="right"/></xf>
    <xf numFmtId="14"/>
  </cellXfs>
  <dxfs count="1"><dxf><numFmt numFmtId="166" formatCode="0%"/></dxf></dxfs>
</styleSheet>"#;

    #[test]
    fn styles_give_the_cell_styles_that_are_percentages() {
        let styles = percent_styles(xml_reader(STYLES.as_bytes())).unwrap();
        // 1 (custom 0.0%) and 3 (built-in 0%); not 2 (a quoted "%"), nor the cell style's xf.
        assert_eq!(styles, HashSet::from([1, 3]));
    }

    #[test]
    fn the_sheet_gives_the_positions_of_those_cells() {
        let sheet = r#"<worksheet><sheetData>
          <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>0.334</v></c></row>
          <row r="3"><c r="B3" s="3"><v>1</v></c><c s="1"><v>0.5</v></c><c s="2"><v>7</v></c></row>
          <row><c s="3"/></row>
        </sheetData></worksheet>"#;
        let cells = styled_cells(xml_reader(sheet.as_bytes()), &HashSet::from([1, 3])).unwrap();
        assert_eq!(cells, HashSet::from([(0, 1), (2, 1), (2, 2), (3, 0)]));
    }

    #[test]
    fn malformed_parts_are_errors_not_panics() {
        assert!(percent_styles(xml_reader(&b"<styleSheet><cellXfs><xf numFmtId=9/>"[..])).is_err());
        let bad_reference = r#"<sheetData><row><c r="9Z" s="1"/></row></sheetData>"#;
        let e = styled_cells(xml_reader(bad_reference.as_bytes()), &HashSet::from([1]));
        assert!(format!("{:#}", e.unwrap_err()).contains("\"9Z\" is not like B2"));
        let bad_row = r#"<sheetData><row r="0"><c s="1"/></row></sheetData>"#;
        assert!(styled_cells(xml_reader(bad_row.as_bytes()), &HashSet::from([1])).is_err());
        // Truncated or empty parts end like a finished one: no styles, no cells.
        assert!(percent_styles(xml_reader(&b""[..])).unwrap().is_empty());
        assert!(
            styled_cells(xml_reader(&b"<sheetData><row>"[..]), &HashSet::from([1]))
                .unwrap()
                .is_empty()
        );
    }
}
