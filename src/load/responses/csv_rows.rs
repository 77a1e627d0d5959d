//! The rows of a CSV respondent file, read straight from the decoded text (`Decode`, which
//! lends its buffer). The rows, line numbers and errors are those of the csv crate's `Reader`
//! with a header and `flexible(false)`, which drives csv_core the same way (csv 1.4,
//! `Reader::read_byte_record_impl`).
//!
//! Most rows are one line without a quote: such a row is split at its commas where it lies
//! (`CsvRows::quick`), which is what csv_core would make of it, byte for byte, at a fraction of
//! the cost. Any other row (a quote, a cell over two lines, a blank line, a row cut by the end
//! of the decoded chunk or of the file) is read by csv_core.

use std::io::BufRead;

use anyhow::Result;
use csv_core::ReadRecordResult;

use super::decode::Decode;
use super::source::Cells;
use crate::load::located;

/// A CSV file being read, its header already taken (`CsvRows::open`).
pub struct CsvRows<R = std::fs::File> {
    decode: Decode<R>,
    core: csv_core::Reader,
    file: String,
    /// The header's number of cells: every row must have as many.
    width: usize,
    done: bool,
    /// The row csv_core writes (reused row after row).
    raw: RawRow,
    /// The last row ended with the LF of its line, so csv_core waits at the start of a line
    /// for a new record: the next row may be split by `quick` without it.
    line_start: bool,
    /// Whether `quick` is tried (tests compare with csv_core alone).
    quick: bool,
    /// Rows split by `quick` (tests check it is used).
    quick_rows: u64,
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

impl<R: std::io::Read> CsvRows<R> {
    /// Starts reading `decode` (shown as `file`): the header's cells, trimmed, and the rows
    /// after it. An empty file is an error.
    pub fn open(decode: Decode<R>, file: &str) -> Result<(CsvRows<R>, Vec<String>)> {
        let mut rows = CsvRows {
            decode,
            core: csv_core::Reader::new(),
            file: file.to_string(),
            width: 0,
            done: false,
            raw: RawRow::default(),
            line_start: false,
            quick: true,
            quick_rows: 0,
        };
        let header = if rows.read()? {
            let row = &rows.raw;
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
        rows.width = rows.raw.cells;
        Ok((rows, header))
    }

    /// Reads the next row into `cells`: the line it starts on, or `None` at the end of the file.
    /// A row whose number of cells is not the header's is an error naming its line.
    pub fn next(&mut self, cells: &mut Cells) -> Result<Option<u64>> {
        if self.line_start
            && self.quick
            && let Some(line) = self.quick(cells)?
        {
            return Ok(Some(line));
        }
        if !self.read()? {
            return Ok(None);
        }
        let line = self.raw.line;
        self.check_width(self.raw.cells, line)?;
        cells
            .set(&self.raw)
            .map_err(|e| not_utf8(&self.file, line, e))?;
        Ok(Some(line))
    }

    /// The next row, if it is a whole line of the decoded text whose cells are plain or
    /// quoted without a quote inside (`a,"b, c",d`): its cells lie in the line as csv_core
    /// would give them. `None` leaves the row to csv_core, having read nothing.
    fn quick(&mut self, cells: &mut Cells) -> Result<Option<u64>> {
        let line = self.core.line();
        let input = match self.decode.fill_buf() {
            Ok(input) => input,
            // Decode's own errors already say where.
            Err(e) => {
                self.done = true;
                anyhow::bail!("{e}");
            }
        };
        let Some(end) = memchr::memchr(b'\n', input) else {
            return Ok(None);
        };
        let text = &input[..end];
        // csv_core skips a blank line. (It would also end a row at a CR, but Decode leaves
        // none: CRLF and a lone CR are made LF.)
        cells.clear();
        if end == 0 || !split_line(text, cells.spans_mut()) {
            return Ok(None);
        }
        let text = match simdutf8::basic::from_utf8(text) {
            Ok(text) => text,
            // Only the slower check says where the bad byte is.
            Err(_) => {
                simdutf8::compat::from_utf8(text).map_err(|e| not_utf8(&self.file, line, e))?
            }
        };
        cells.set_text(text);
        self.check_width(cells.width(), line)?;
        self.decode.consume(end + 1);
        self.core.set_line(line + 1);
        self.quick_rows += 1;
        Ok(Some(line))
    }

    fn check_width(&self, cells: usize, line: u64) -> Result<()> {
        if cells == self.width {
            return Ok(());
        }
        Err(located(
            &self.file,
            line,
            None,
            format!(
                "this row has {cells} fields, expected {} like the header (is a quote left open?)",
                self.width
            ),
        ))
    }

    /// Reads the next row into `raw` by csv_core; false at the end of the file.
    fn read(&mut self) -> Result<bool> {
        let row = &mut self.raw;
        row.line = self.core.line();
        row.len = 0;
        row.cells = 0;
        if self.done {
            return Ok(false);
        }
        // Doubled when a row needs more.
        if row.bytes.is_empty() {
            row.bytes.resize(1024, 0);
            row.ends.resize(64, 0);
        }
        self.line_start = false;
        loop {
            // Decode's own errors already say where.
            let input = self.decode.fill_buf().map_err(|e| {
                self.done = true;
                anyhow::anyhow!("{e}")
            })?;
            let (result, read, written, ended) =
                self.core
                    .read_record(input, &mut row.bytes[row.len..], &mut row.ends[row.cells..]);
            // A row ended by an LF leaves csv_core at a line's start, waiting for a record.
            let by_lf = read > 0 && input[read - 1] == b'\n';
            self.decode.consume(read);
            row.len += written;
            row.cells += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => row.bytes.resize(row.bytes.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => row.ends.resize(row.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    self.line_start = by_lf;
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    /// The decoder (its encoding and digest).
    pub fn decode(&self) -> &Decode<R> {
        &self.decode
    }

    pub fn decode_mut(&mut self) -> &mut Decode<R> {
        &mut self.decode
    }
}

fn not_utf8(file: &str, line: u64, e: simdutf8::compat::Utf8Error) -> anyhow::Error {
    anyhow::anyhow!("{file}:{line}: the row is not valid UTF-8 text ({e})")
}

/// Where the cells of one CSV line (its line end left out) lie in it, pushed onto `spans`:
/// between commas, or between the quotes of a quoted cell. False, leaving the line to
/// csv_core, when a cell needs more than that: a quote inside a cell (`a"b`, `"a""b"`,
/// `"a"b`) or a quoted cell that goes on past the line's end.
///
/// The line is read 64 bytes at a time: where its commas and quotes are is worked out for
/// all of them at once (`marks`), then only those bytes are looked at, in order.
fn split_line(text: &[u8], spans: &mut Vec<(usize, usize)>) -> bool {
    // Where the cell being read starts (its opening quote, if it has one).
    let mut start = 0;
    let mut quoted = false;
    // The closing quote of the quoted cell being read: a comma must follow it at once.
    let mut close = None;
    for (block, bytes) in text.chunks(64).enumerate() {
        let (commas, quotes) = marks(bytes);
        let mut hits = commas | quotes;
        while hits != 0 {
            let bit = hits.trailing_zeros();
            hits &= hits - 1;
            let at = block * 64 + bit as usize;
            let quote = quotes >> bit & 1 == 1;
            if let Some(c) = close {
                if quote || at != c + 1 {
                    return false;
                }
                spans.push((start + 1, c));
                close = None;
                start = at + 1;
            } else if quoted {
                if quote {
                    quoted = false;
                    close = Some(at);
                }
            } else if quote {
                if at != start {
                    return false;
                }
                quoted = true;
            } else {
                spans.push((start, at));
                start = at + 1;
            }
        }
    }
    match close {
        _ if quoted => false,
        Some(c) if c + 1 != text.len() => false,
        Some(c) => {
            spans.push((start + 1, c));
            true
        }
        None => {
            spans.push((start, text.len()));
            true
        }
    }
}

/// Which of (up to) 64 bytes are commas and which are quotes, as bit masks (bit i: byte i),
/// worked out 8 bytes at a time without a branch per byte.
fn marks(bytes: &[u8]) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The top bit of each byte of `x` that is 0, and no other bit.
    let zeros = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    // Those top bits gathered into 8 bits (bit k: byte k).
    let gather = |x: u64| (x >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let (mut commas, mut quotes) = (0, 0);
    for (k, chunk) in bytes.chunks(8).enumerate() {
        let word = match <[u8; 8]>::try_from(chunk) {
            Ok(word) => u64::from_le_bytes(word),
            // The last bytes, fewer than 8 (zeros are neither commas nor quotes).
            Err(_) => chunk
                .iter()
                .enumerate()
                .fold(0, |word, (j, &b)| word | u64::from(b) << (8 * j)),
        };
        commas |= gather(zeros(word ^ (ONES * u64::from(b',')))) << (8 * k);
        quotes |= gather(zeros(word ^ (ONES * u64::from(b'"')))) << (8 * k);
    }
    (commas, quotes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::responses::decode::Encoding;

    /// Hands out `step` bytes a read (all of them if 0), to cut lines and characters between
    /// the decoder's chunks.
    struct Pieces<'a> {
        text: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let step = if self.step == 0 {
                usize::MAX
            } else {
                self.step
            };
            let n = buf.len().min(step).min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    /// Everything a reader of `text` sees: the header, each row's line and cells, and the error
    /// that ends the reading, if one does; and how many rows `quick` split.
    fn read_all(text: &[u8], step: usize, quick: bool) -> (Vec<String>, u64) {
        let decode = Decode::new(Pieces { text, step }, Encoding::Utf8, "data/r.csv");
        let mut seen = Vec::new();
        let mut rows = match CsvRows::open(decode, "data/r.csv") {
            Ok((rows, header)) => {
                seen.push(format!("header {header:?}"));
                rows
            }
            Err(e) => return (vec![format!("error {e}")], 0),
        };
        rows.quick = quick;
        let mut cells = Cells::default();
        loop {
            match rows.next(&mut cells) {
                Ok(Some(line)) => {
                    let all: Vec<&str> = cells.iter().collect();
                    seen.push(format!("{line}: {all:?} blank {}", cells.is_blank()));
                }
                Ok(None) => break,
                Err(e) => {
                    seen.push(format!("error {e}"));
                    break;
                }
            }
        }
        (seen, rows.quick_rows)
    }

    /// Reads `text` with and without `quick`, whole and in pieces of a few bytes (what the
    /// decoder finds, e.g. a quote problem, comes earlier or later with the pieces, but the
    /// same with and without `quick`). The rows `quick` split when reading it whole.
    fn same(text: &[u8]) -> u64 {
        for step in [1, 3, 7, 64] {
            let (reference, none) = read_all(text, step, false);
            assert_eq!(none, 0);
            let (seen, _) = read_all(text, step, true);
            let shown = String::from_utf8_lossy(text);
            assert_eq!(seen, reference, "{shown:?} read {step} bytes at a time");
        }
        let (reference, _) = read_all(text, 0, false);
        let (seen, quick_rows) = read_all(text, 0, true);
        assert_eq!(seen, reference, "{:?}", String::from_utf8_lossy(text));
        quick_rows
    }

    #[test]
    fn commas_and_quotes_are_marked_at_every_place() {
        for len in 0..=64 {
            for at in 0..len {
                for (b, comma, quote) in [(b',', 1, 0), (b'"', 0, 1), (0xE3, 0, 0), (0, 0, 0)] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(marks(&bytes), (comma << at, quote << at), "{len} {at} {b}");
                }
            }
        }
        let line = b"\",\",,\x2c\x22\xff\xac\xa2,";
        assert_eq!(marks(line), (0b100_0011_1010, 0b100_0101));
    }

    #[test]
    fn lines_without_csv_core_are_read_as_csv_core_reads_them() {
        let text = "地域,回答,件数\n区西南部,\"導入している, その他\",3\n,,\n \"a\",b\"c,\"\"\n";
        let (seen, quick_rows) = read_all(text.as_bytes(), 0, true);
        assert_eq!(
            seen,
            [
                r#"header ["地域", "回答", "件数"]"#,
                r#"2: ["区西南部", "導入している, その他", "3"] blank false"#,
                r#"3: ["", "", ""] blank true"#,
                r#"4: [" \"a\"", "b\"c", ""] blank false"#,
            ]
        );
        // The last row has quotes inside its cells: csv_core's.
        assert_eq!(quick_rows, 2);
        assert_eq!(same(text.as_bytes()), 2);
    }

    #[test]
    fn made_up_files_give_the_same_rows_lines_and_errors_with_and_without_csv_core() {
        // Rows of three cells, each plain, quoted (with commas, line ends and doubled quotes
        // inside) or damaged, and blank lines; then texts of the bytes that matter.
        let plain = ["", "a", " b ", "導入", "é x", "1.5"];
        let quoted = [
            "\"\"",
            "\"a, b\"",
            "\"x\ny\"",
            "\"q\"\"r\"",
            "\"ü\"",
            "\" \"",
        ];
        let damaged = ["a\"b", "\"a\"b", "\"open", "a,b", "\r"];
        let mut next = crate::load::made_up(0x2545_F491_4F6C_DD1D_u64);
        let mut quick_rows = 0;
        for _ in 0..400 {
            let mut text = String::from("h1,h2,h3\n");
            for _ in 0..next(12) {
                if next(10) == 0 {
                    text.push('\n');
                    continue;
                }
                let cells: Vec<&str> = (0..3)
                    .map(|_| match next(60) {
                        0 => damaged[next(damaged.len() as u64)],
                        1..=20 => quoted[next(quoted.len() as u64)],
                        _ => plain[next(plain.len() as u64)],
                    })
                    .collect();
                text.push_str(&cells.join(","));
                text.push('\n');
            }
            if next(4) == 0 {
                text.pop();
            }
            quick_rows += same(text.as_bytes());
        }
        assert!(quick_rows > 500, "{quick_rows}");
        let alphabet = ["\"", ",", "\n", "\r", "a", " ", "あ", "\r\n"];
        for _ in 0..3_000 {
            let text: String = (0..next(40)).map(|_| alphabet[next(8)]).collect();
            same(format!("a,b\n{text}").as_bytes());
        }
    }
}
