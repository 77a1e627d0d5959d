//! Reading a report project from disk: report.yaml, the codebook and CSV data, the commentary.
//! Every error names `file:line` (and the column where it is known) and what was expected.

pub mod codebook;
pub mod content;
pub mod responses;
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
}

pub fn project(root: &Path) -> Result<Project> {
    let config = crate::config::load(root)?;
    let mut survey = codebook::load(root)?;
    // Respondent rows (if the codebook declares them), then the aggregated tables.
    let rows = responses::load(root, &mut survey, config.settings.encoding.as_deref())?;
    if let Some(s) = &config.settings.suppression {
        crate::aggregate::suppress_small_cells(&mut survey, s, rows.as_ref());
    }
    let commentary = content::load(root, &survey)?;
    Ok(Project {
        root: root.to_path_buf(),
        config,
        survey,
        commentary,
        drafts: false,
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

/// Reads a text file, dropping a UTF-8 BOM.
pub fn read_text(path: &Path, shown: &str) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {shown}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
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
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
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
        "{what} \"{id}\" is not in the codebook{}",
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
