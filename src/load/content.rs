//! content/: markdown commentary with YAML front matter, one file per page.
//!
//! The file's path mirrors the page's URL: `content/index.md` is the home page,
//! `content/regions/tokyo/index.md` (or `content/regions/tokyo.md`) is `/regions/tokyo/`,
//! `content/regions/tokyo/q1.md` is `/regions/tokyo/q1/`.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::{located, parse_yaml, read_text};
use crate::model::Survey;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Heading of the commentary (the page keeps its own title).
    #[serde(default)]
    pub title: Option<String>,
    /// One sentence shown on parent pages beside the link.
    #[serde(default)]
    pub summary: Option<String>,
    /// For `<meta name="description">` and OpenGraph.
    #[serde(default)]
    pub description: Option<String>,
    /// Sort key among sibling pages (lower first); codebook order otherwise.
    #[serde(default)]
    pub order: Option<i64>,
    /// Left out of `build`.
    #[serde(default)]
    pub draft: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Commentary {
    /// As shown in messages: `content/regions/tokyo/index.md`.
    pub file: String,
    /// The page it belongs to: "" for home, "regions/tokyo/" ...
    pub page: String,
    pub front: FrontMatter,
    pub body: String,
    /// Line of the file where `body` starts.
    pub body_line: u64,
}

pub fn load(root: &Path, _survey: &Survey) -> Result<Vec<Commentary>> {
    let dir = root.join("content");
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Commentary> = Vec::new();
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // Links are followed (a commentary file may be a link to one kept elsewhere in the
    // project); a loop, or a link leaving the project, is an error, never skipped.
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| walk_error(&e, &shown))?;
        let path = entry.path();
        let file = shown(path);
        if entry.path_is_symlink() {
            let target = path
                .canonicalize()
                .with_context(|| format!("{file}: following the link"))?;
            if !target.starts_with(&inside) {
                anyhow::bail!(
                    "{file}: a link to {}, outside the project folder (copy it into content/, so that a build elsewhere finds it too)",
                    target.display()
                );
            }
        }
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = file.rsplit('/').next().unwrap_or("");
        if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') {
            continue; // editor temp files
        }
        if !entry.file_type().is_file() {
            let what = if entry.file_type().is_dir() {
                "a folder"
            } else {
                "not a regular file (a pipe, socket or device)"
            };
            anyhow::bail!(
                "{file}: this is {what}, but its name ends in .md, which names a commentary file (rename it)"
            );
        }
        let page = page_of(&file);
        if let Some(other) = out.iter().find(|c| c.page == page) {
            anyhow::bail!(
                "{file}: commentary for the same page as {} (keep one of the two)",
                other.file
            );
        }
        let text = read_text(path, &file)?;
        let (front, body, body_line) = split_front_matter(&text, &file)?;
        out.push(Commentary {
            file,
            page,
            front,
            body,
            body_line,
        });
    }
    Ok(out)
}

/// A walk error as `content/...: what happened`: a link loop names the folder it comes back to.
fn walk_error(e: &walkdir::Error, shown: &dyn Fn(&Path) -> String) -> anyhow::Error {
    let at = e.path().map(shown).unwrap_or_else(|| "content".into());
    match e.loop_ancestor() {
        Some(back) => anyhow::anyhow!(
            "{at}: a link that loops back to {} (a folder inside itself): remove the link",
            shown(back)
        ),
        None => anyhow::anyhow!(
            "{at}: {}",
            e.io_error()
                .map_or_else(|| e.to_string(), ToString::to_string)
        ),
    }
}

/// `content/regions/tokyo/index.md` and `content/regions/tokyo.md` → `regions/tokyo/`.
pub fn page_of(file: &str) -> String {
    let rel = file.strip_prefix("content/").unwrap_or(file);
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    // Only a whole `index` segment names its folder's page: `c-index.md` is page `c-index`.
    let stem = if stem == "index" {
        ""
    } else {
        stem.strip_suffix("/index").unwrap_or(stem)
    };
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// Splits `---\nYAML\n---\nbody`. A file without front matter is all body.
pub fn split_front_matter(text: &str, file: &str) -> Result<(FrontMatter, String, u64)> {
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return Ok((FrontMatter::default(), text.to_string(), 1)),
    }
    let mut yaml = String::new();
    let mut line_no = 1;
    for line in lines.by_ref() {
        line_no += 1;
        if line.trim_end() == "---" {
            let front: FrontMatter = if yaml.trim().is_empty() {
                FrontMatter::default()
            } else {
                parse_yaml(&yaml, file, 1)?
            };
            let body: String = lines.collect();
            return Ok((front, body, line_no + 1));
        }
        yaml.push_str(line);
    }
    Err(located(
        file,
        1,
        None,
        "front matter starts with `---` but has no closing `---` line",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_mirror_urls() {
        assert_eq!(page_of("content/index.md"), "");
        assert_eq!(page_of("content/regions/tokyo/index.md"), "regions/tokyo/");
        assert_eq!(page_of("content/regions/tokyo.md"), "regions/tokyo/");
        assert_eq!(page_of("content/regions/tokyo/q1.md"), "regions/tokyo/q1/");
        assert_eq!(
            page_of("content/questions/c-index.md"),
            "questions/c-index/"
        );
        assert_eq!(
            page_of("content/questions/reindex/index.md"),
            "questions/reindex/"
        );
    }

    #[test]
    fn front_matter_errors_count_lines_from_the_file_start() {
        let err =
            split_front_matter("---\ntitle: a\norder: [\n---\nbody\n", "content/x.md").unwrap_err();
        assert!(err.to_string().starts_with("content/x.md:"), "{err}");
        let (front, body, line) =
            split_front_matter("---\ntitle: 見出し\norder: 2\n---\n本文\n", "x").unwrap();
        assert_eq!(front.title.as_deref(), Some("見出し"));
        assert_eq!(front.order, Some(2));
        assert_eq!(body, "本文\n");
        assert_eq!(line, 5);
    }
}
