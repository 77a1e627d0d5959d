//! Reading a report project from disk: report.yaml, the codebook and CSV data, the commentary.
//! Every error names `file:line` (and the column where it is known) and what was expected.

pub mod codebook;
pub mod content;
pub mod editions;
pub mod geo;
pub mod quotes;
pub mod report;
pub mod responses;
pub mod sheet;
pub mod table_estimates;
pub mod tables;

use std::fmt::Display;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::Config;
use crate::model::Survey;
use content::Commentary;

/// Everything a build reads, validated.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    pub survey: Survey,
    pub commentary: Vec<Commentary>,
    /// Show commentary marked `draft: true` (serve does, build does not).
    pub drafts: bool,
    /// The codebook's `map:` (load/geo.rs), if it has one.
    pub map: Option<geo::Map>,
    /// Every edition, oldest first (load/editions.rs); empty for a one-edition project. The
    /// latest's survey is `survey`.
    pub editions: Vec<crate::model::Edition>,
    /// The edition these pages are of (an index into `editions`): the latest unless the project
    /// was made by `for_edition` for an earlier one.
    pub current: usize,
    /// Commentary of earlier editions (content/editions/<id>/…), by edition id.
    pub edition_commentary: std::collections::BTreeMap<String, Vec<Commentary>>,
}

impl Project {
    /// The project as an earlier edition's pages see it: that edition's survey and commentary,
    /// published under `<id>/`. `None` for the latest (this project itself).
    pub fn for_edition(&self, index: usize) -> Option<Project> {
        let edition = self.editions.get(index)?;
        if index + 1 == self.editions.len() {
            return None;
        }
        Some(Project {
            root: self.root.clone(),
            config: self.config.clone(),
            survey: (*edition.survey).clone(),
            commentary: self
                .edition_commentary
                .get(&edition.id)
                .cloned()
                .unwrap_or_default(),
            drafts: self.drafts,
            map: self.map.clone(),
            editions: self.editions.clone(),
            current: index,
            edition_commentary: std::collections::BTreeMap::new(),
        })
    }

    /// The site path prefix of these pages: "" for the latest, "2024/" for an earlier edition.
    pub fn edition_prefix(&self) -> String {
        match self.editions.get(self.current) {
            Some(e) if self.current + 1 < self.editions.len() => format!("{}/", e.id),
            _ => String::new(),
        }
    }

    /// The edition before the one these pages are of, if any.
    pub fn previous_edition(&self) -> Option<&crate::model::Edition> {
        self.current
            .checked_sub(1)
            .and_then(|i| self.editions.get(i))
    }
}

pub fn project(root: &Path) -> Result<Project> {
    let config = report::load(root)?;
    let mut survey = codebook::load(root)?;
    crate::render::strings::localize_defaults(&config.language, &mut survey);
    let encoding = config.settings.encoding.as_deref();
    // Small-cell suppression applies to each edition's figures alike.
    let suppress = |survey: &mut Survey, rows: Option<&crate::aggregate::FromRows>| {
        if let Some(s) = &config.settings.suppression {
            let t = crate::render::strings::of(&config.language);
            crate::aggregate::suppress_small_cells_in(survey, s, rows, t);
        }
    };
    let editions = editions::load(root, &survey, encoding, &suppress)?;
    let (editions, survey) = match editions {
        Some(list) => {
            // The latest edition is the survey every page of today's URLs shows.
            let latest = list.last().map(|e| (*e.survey).clone());
            (list, latest.unwrap_or(survey))
        }
        None => {
            // Respondent rows (if the codebook declares them), then the aggregated tables.
            let rows = responses::load(root, &mut survey, encoding)?;
            suppress(&mut survey, rows.as_ref());
            (Vec::new(), survey)
        }
    };
    let (commentary, edition_commentary) =
        editions::split_commentary(content::load(root, &survey)?, &editions);
    let map = geo::load(root, &survey)?;
    Ok(Project {
        root: root.to_path_buf(),
        config,
        survey,
        commentary,
        drafts: false,
        map,
        current: editions.len().saturating_sub(1),
        editions,
        edition_commentary,
    })
}

/// Collects every problem of the inputs, so that one run reports them all.
#[derive(Default)]
pub struct Problems(Vec<anyhow::Error>);

impl Problems {
    pub fn add(&mut self, result: Result<()>) {
        if let Err(e) = result {
            self.0.push(e);
        }
    }

    /// One error holding every problem, one per line.
    pub fn finish(self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self
                .0
                .into_iter()
                .next()
                .unwrap_or_else(|| anyhow::anyhow!("?"))),
            n => {
                let lines: Vec<String> = self.0.iter().map(|e| format!("{e:#}")).collect();
                anyhow::bail!("{n} problems:\n{}", lines.join("\n"))
            }
        }
    }
}

/// Reads a text file, dropping a UTF-8 BOM; line ends (CR, LF, CRLF, mixed) all become LF, so
/// every reader counts lines alike. Bytes that are not UTF-8 are an error naming their line.
pub fn read_text(path: &Path, shown: &str) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {shown}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = line_at(&bytes[..bad]);
        located(
            shown,
            line,
            None,
            format!(
                "not valid UTF-8 text (byte 0x{:02X}): save the file as UTF-8",
                bytes.get(bad).copied().unwrap_or(0)
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(normalize_newlines(text))
}

/// The 1-based line at the end of `before` (CR, LF and CRLF each end one line).
fn line_at(before: &[u8]) -> u64 {
    let mut line = 1;
    let mut prev_cr = false;
    for &b in before {
        match b {
            b'\r' => line += 1,
            b'\n' if !prev_cr => line += 1,
            _ => {}
        }
        prev_cr = b == b'\r';
    }
    line
}

/// CRLF and a lone CR (old Mac, some Excel exports) become LF.
pub fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Cell text as an error message shows it: in quotes, control characters escaped, at most
/// `QUOTE_MAX` characters (then `…`), so a huge or hostile cell never reaches stderr whole.
pub fn quote_cell(text: &str) -> String {
    format!("\"{}\"", escaped(text, 80, true))
}

/// At most `max` characters (then `…`), control characters escaped as `\u{1b}`; quotes and
/// backslashes too when the text goes between quotes.
fn escaped(text: &str, max: usize, quotes: bool) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '"' if quotes => out.push_str("\\\""),
            '\\' if quotes => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// C0 controls, DEL and C1 controls, and the bidi overrides that reorder what a terminal or
/// page shows.
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` may hold a character `is_control` is true of, by its bytes alone: those
/// characters are the bytes below 0x20 and 0x7F, or begin with 0xC2 (U+0080–U+009F) or 0xE2
/// (U+202A–U+202E, U+2066–U+2069). False means none is there; true, that the characters must
/// be looked at (most Japanese text begins its characters with 0xE3–0xE9).
pub fn may_hold_control(text: &str) -> bool {
    // 32 bytes at a time without stopping early, which the compiler turns into vector compares.
    text.as_bytes().chunks(32).any(|chunk| {
        chunk.iter().fold(false, |seen, &b| {
            seen | (b < 0x20) | (b == 0x7F) | (b == 0xC2) | (b == 0xE2)
        })
    })
}

/// Made-up numbers for tests that try many texts (xorshift from `seed`): `next(n)` is below `n`.
#[cfg(test)]
pub(crate) fn made_up(mut seed: u64) -> impl FnMut(u64) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n) as usize
    }
}

/// `text.trim()`, answered from the bytes at its ends when they show that neither end is white
/// space (a cell such as `導入している` or `1.5`), as most cells are. White space
/// (`char::is_whitespace`) is U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A,
/// U+2028, U+2029, U+202F, U+205F and U+3000: outside ASCII, they begin with 0xC2 or 0xE1–0xE3
/// and end with 0x80–0x8A, 0x9F, 0xA0, 0xA8, 0xA9 or 0xAF; an end byte that may be one of them
/// is matched with the character's whole bytes (た, E3 81 9F, is not U+205F, E2 81 9F).
pub fn trim_cell(text: &str) -> &str {
    let b = text.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return text;
    };
    let space_first = match first {
        0x21..=0x7E | 0xC3..=0xE0 | 0xE4..=0xF4 => false,
        0xC2 | 0xE1..=0xE3 => matches!(
            b,
            [0xC2, 0x85 | 0xA0, ..]
                | [0xE1, 0x9A, 0x80, ..]
                | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
                | [0xE2, 0x81, 0x9F, ..]
                | [0xE3, 0x80, 0x80, ..]
        ),
        // ASCII white space and control characters: `trim` tells.
        _ => true,
    };
    let space_last = match last {
        0x21..=0x7E => false,
        0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF => matches!(
            b,
            [.., 0xC2, 0x85 | 0xA0]
                | [.., 0xE1, 0x9A, 0x80]
                | [.., 0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
                | [.., 0xE2, 0x81, 0x9F]
                | [.., 0xE3, 0x80, 0x80]
        ),
        0x8B..=0xBF => false,
        _ => true,
    };
    if space_first || space_last {
        text.trim()
    } else {
        text
    }
}

/// Free text from respondents without control characters (line breaks and tabs are kept), so
/// none reaches a page or a terminal raw.
pub fn clean_text(text: &str) -> String {
    if !may_hold_control(text) || !text.chars().any(is_control) {
        return text.to_string();
    }
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !is_control(c))
        .collect()
}

/// `file:line[:column]: message` — the shape of every input error.
pub fn located(file: &str, line: u64, column: Option<u64>, message: impl Display) -> anyhow::Error {
    match column {
        Some(c) => anyhow::anyhow!("{file}:{line}:{c}: {message}"),
        None => anyhow::anyhow!("{file}:{line}: {message}"),
    }
}

/// Parses YAML, turning the parser's error into `file:line:column: message`. `line_offset` is
/// added to the line (front matter starts below the `---`).
pub fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    line_offset: u64,
) -> Result<T> {
    serde_saphyr::from_str(text).map_err(|e| yaml_error(&e, file, line_offset))
}

fn yaml_error(e: &serde_saphyr::Error, file: &str, line_offset: u64) -> anyhow::Error {
    let message = yaml_message(e);
    match e.location() {
        Some(loc) if loc.line() > 0 => {
            located(file, loc.line() + line_offset, Some(loc.column()), message)
        }
        _ => anyhow::anyhow!("{file}: {message}"),
    }
}

/// The parser's message without its own location and source snippet (we print `file:line`).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("invalid YAML").trim();
    // "… at line 3, column 5" duplicates our prefix
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // "duplicate mapping key: a, set DuplicateKeyPolicy in Options if acceptable": the option
    // is the library's, not the reader's.
    if let Some(rest) = first.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .rsplit_once(", set DuplicateKeyPolicy")
            .map_or(rest, |(k, _)| k);
        return format!(
            "duplicate key {} (each key may appear once here; keep one)",
            quote_cell(key)
        );
    }
    // The parser may quote the input (an unknown key, a value): shortened and escaped like a cell.
    escaped(first, 400, false)
}

/// The closest of `known` to `wanted`, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted: Vec<char> = wanted.chars().collect();
    known
        .into_iter()
        .map(|k| (edit_distance(&wanted, &k.chars().collect::<Vec<_>>()), k))
        // Close enough to be a typo: at most half the length, and never the whole id (for
        // one-letter ids any other would do).
        .filter(|(d, k)| {
            *d <= k.chars().count().max(wanted.len()) / 2
                && *d < k.chars().count().max(wanted.len())
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `region "x" is not in the codebook (did you mean "y"?)`: one wording wherever an id is looked up.
pub fn not_in_codebook<'a>(
    what: &str,
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> String {
    format!(
        "{what} {} is not in the codebook{}",
        quote_cell(id),
        did_you_mean(id, known)
    )
}

/// ` (did you mean "x"?)` or nothing.
pub fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, known)
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

/// Ids appear in URLs and file names: keep them to ASCII slugs.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with('-')
        && !id.ends_with('-')
        // `--` joins ids in chart ids and file names: an id never holds it.
        && !id.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_cell_is_trim() {
        let mut buf = [0; 4];
        let mut edges = vec![""];
        let all: Vec<String> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .map(|c| c.encode_utf8(&mut buf).to_string())
            .collect();
        edges.extend(all.iter().map(String::as_str));
        for c in &edges {
            for text in [
                c.to_string(),
                format!("{c}x"),
                format!("x{c}"),
                format!("{c}導{c}"),
                format!("{c}{c}"),
            ] {
                assert_eq!(trim_cell(&text), text.trim(), "{text:?}");
            }
        }
    }

    #[test]
    fn every_control_character_is_seen_by_its_bytes() {
        let mut buf = [0; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_control(c) {
                assert!(may_hold_control(c.encode_utf8(&mut buf)), "{c:?}");
            }
        }
        assert!(!may_hold_control("導入している, その他 abc 1.5"));
        assert_eq!(clean_text("a\u{202e}b\u{85}c\td"), "abc\td");
    }

    #[test]
    fn closest_finds_a_near_id() {
        assert_eq!(
            closest("adoptd", ["adopted", "planned", "none"]),
            Some("adopted")
        );
        assert_eq!(closest("zzzzzz", ["adopted", "planned"]), None);
        assert_eq!(closest("北", ["東", "南"]), None);
        assert_eq!(closest("a", ["t", "b"]), None);
        assert_eq!(closest("q9", ["q1", "q2"]), Some("q1"));
    }

    #[test]
    fn yaml_errors_name_file_line_and_column() {
        let err =
            parse_yaml::<serde_json::Value>("a: [1, 2\nb: c\n", "data/x.yaml", 0).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("data/x.yaml:"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }

    #[test]
    fn a_duplicate_yaml_key_is_named_without_library_options() {
        let err = parse_yaml::<serde_json::Value>("a: 1\nb: 2\na: 3\n", "data/x.yaml", 0)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "data/x.yaml:3:1: duplicate key \"a\" (each key may appear once here; keep one)"
        );
    }

    #[test]
    fn cells_are_quoted_short_and_escaped() {
        assert_eq!(quote_cell("導入済"), "\"導入済\"");
        assert_eq!(
            quote_cell("a\u{1b}[31mb\u{0}\"c"),
            "\"a\\u{1b}[31mb\\u{0}\\\"c\""
        );
        let huge = "あ".repeat(1_000_000);
        let q = quote_cell(&huge);
        assert_eq!(q.chars().count(), 80 + 3, "{q}");
        assert!(q.ends_with("あ…\""), "{q}");
    }

    #[test]
    fn free_text_loses_control_characters_but_keeps_lines_and_tabs() {
        assert_eq!(
            clean_text("a\u{0}b\u{1b}[2Jc\u{7f}d\u{85}e\n\tf"),
            "ab[2Jcde\n\tf"
        );
        assert_eq!(clean_text("普通の回答"), "普通の回答");
    }

    #[test]
    fn every_line_end_counts_alike() {
        assert_eq!(normalize_newlines("a\rb\r\nc\nd\r"), "a\nb\nc\nd\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, b"a\rb\r\nc\n\xff").unwrap();
        let err = read_text(&path, "data/x.csv").unwrap_err().to_string();
        assert!(err.starts_with("data/x.csv:4: not valid UTF-8"), "{err}");
    }

    #[test]
    fn slugs() {
        assert!(is_slug("ku-seinanbu"));
        assert!(is_slug("q1"));
        assert!(!is_slug("区西南部"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(".."));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("a-"));
    }
}
