//! The Tera templates: the built-in defaults, overridden file by file by the project's templates/.

use std::path::Path;

use anyhow::Result;

/// The defaults carried by the binary: the same files as this repository's templates/.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("regions.html", include_str!("../../templates/regions.html")),
    (
        "questions.html",
        include_str!("../../templates/questions.html"),
    ),
    ("region.html", include_str!("../../templates/region.html")),
    (
        "question.html",
        include_str!("../../templates/question.html"),
    ),
    (
        "region_question.html",
        include_str!("../../templates/region_question.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("chart.html", include_str!("../../templates/chart.html")),
    (
        "commentary.html",
        include_str!("../../templates/commentary.html"),
    ),
    ("table.html", include_str!("../../templates/table.html")),
    (
        "question_list.html",
        include_str!("../../templates/question_list.html"),
    ),
    (
        "region_table.html",
        include_str!("../../templates/region_table.html"),
    ),
    ("map.html", include_str!("../../templates/map.html")),
];

/// Static files copied into site/assets/, overridable by templates/assets/<name>.
pub const ASSETS: &[(&str, &str)] = &[
    (
        "style.css",
        include_str!("../../templates/assets/style.css"),
    ),
    // Sorting the tables of every region (regions index, question pages) by a column.
    ("sort.js", include_str!("../../templates/assets/sort.js")),
];

/// The style of a project with several editions (only its sites ship it).
pub const EDITIONS_CSS: (&str, &str) = (
    "editions.css",
    include_str!("../../templates/assets/editions.css"),
);

/// The progressive enhancement that swaps static SVG charts for interactive ones.
pub const CHARTS_JS: &str = include_str!("../../templates/assets/charts.js");

/// A template's source and where it came from (for error messages).
struct Source {
    name: String,
    file: String,
    text: String,
}

/// The loaded templates, and which file each came from (for error messages).
pub struct Templates {
    tera: tera::Tera,
    files: Vec<(String, String)>,
}

pub fn load(root: &Path) -> Result<Templates> {
    let dir = root.join("templates");
    let mut sources: Vec<Source> = DEFAULTS
        .iter()
        .map(|(name, text)| Source {
            name: (*name).into(),
            file: format!("(built-in) templates/{name}"),
            text: (*text).into(),
        })
        .collect();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let name = path
                .strip_prefix(&dir)?
                .to_string_lossy()
                .replace('\\', "/");
            let file = format!("templates/{name}");
            let text = crate::load::read_text(path, &file)?;
            match sources.iter_mut().find(|s| s.name == name) {
                Some(s) => {
                    s.text = text;
                    s.file = file;
                }
                None => sources.push(Source { name, file, text }),
            }
        }
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html"]);
    let files: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.name.clone(), s.file.clone()))
        .collect();
    tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())))
        .map_err(|e| {
            let texts: Vec<(String, String)> = sources
                .iter()
                .map(|s| (s.name.clone(), s.text.clone()))
                .collect();
            template_error(&e, &files, &texts)
        })?;
    Ok(Templates { tera, files })
}

/// The project's override of an asset, or the built-in one.
/// The project's own files in templates/assets/ (a logo, a font, extra CSS), by name, except
/// those the build writes itself (`ASSETS`, charts.js).
pub fn extra_assets(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = root.join("templates/assets");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(&dir)?
            .to_string_lossy()
            .replace('\\', "/");
        if ASSETS.iter().any(|(n, _)| *n == name)
            || name == "charts.js"
            || name == EDITIONS_CSS.0
            || name.starts_with('.')
        {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .map_err(|e| anyhow::anyhow!("reading templates/assets/{name}: {e}"))?;
        out.push((name, bytes));
    }
    Ok(out)
}

pub fn asset(root: &Path, name: &str, default: &str) -> Result<Vec<u8>> {
    let path = root.join("templates/assets").join(name);
    if path.is_file() {
        Ok(std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("reading templates/assets/{name}: {e}"))?)
    } else {
        Ok(default.as_bytes().to_vec())
    }
}

pub fn render(templates: &Templates, name: &str, context: &serde_json::Value) -> Result<String> {
    render_context(templates, name, &context_of(context)?)
}

/// A template context from a JSON object (its keys are the templates' variables).
pub fn context_of(context: &serde_json::Value) -> Result<tera::Context> {
    tera::Context::from_serialize(context).map_err(|e| anyhow::anyhow!("template context: {e}"))
}

/// Renders template `name` with a context made ready (see `context_of`).
pub fn render_context(
    templates: &Templates,
    name: &str,
    context: &tera::Context,
) -> Result<String> {
    templates
        .tera
        .render(name, context)
        .map_err(|e| template_error(&e, &templates.files, &[]))
}

/// The template a template extends: `{% extends "base.html" %}` → "base.html".
fn extends(text: &str) -> Option<String> {
    let start = text.find("{%")?;
    let tag = text[start + 2..].trim_start_matches('-').trim_start();
    let rest = tag.strip_prefix("extends")?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let name = &rest[1..];
    Some(name[..name.find(quote)?].to_string())
}

/// Tera reports `error: message` then ` --> name:line:col` and a snippet. We print
/// `templates/name:line:col: message` (naming the built-in or the project's file), then the snippet.
fn template_error(
    e: &tera::Error,
    files: &[(String, String)],
    sources: &[(String, String)],
) -> anyhow::Error {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!("\n{s}"));
        source = s.source();
    }
    let mut message = Vec::new();
    let mut location = None;
    let mut snippet = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(loc) = trimmed.strip_prefix("--> ") {
            location = Some(loc.trim().to_string());
        } else if location.is_none() {
            message.push(trimmed.trim_start_matches("error: ").to_string());
        } else if trimmed.starts_with("error: ") {
            // The error's sources repeat it: one copy is enough.
            break;
        } else {
            snippet.push(line.to_string());
        }
    }
    let message = message.join(" ").trim().to_string();
    let Some(location) = location else {
        return anyhow::anyhow!("templates: {message}");
    };
    let (name, pos) = location.split_once(':').unwrap_or((&location, ""));
    let file = files
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| format!("templates/{name}"), |(_, f)| f.clone());
    let snippet = snippet.join("\n");
    // A page template fills a block its parent lacks: the parent is the file to fix (an
    // emptied base.html would otherwise be blamed on the first page template).
    if let Some(block) = message
        .strip_prefix("Block `")
        .and_then(|m| m.strip_suffix("` is not defined in any parent template"))
        && let Some(parent) = sources
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, text)| extends(text))
    {
        let parent_file = files
            .iter()
            .find(|(n, _)| *n == parent)
            .map_or_else(|| format!("templates/{parent}"), |(_, f)| f.clone());
        return anyhow::anyhow!(
            "{parent_file}: has no `{{% block {block} %}}`, which {file}:{pos} fills (every page template extends {parent} and puts its content in that block)"
        );
    }
    if pos.is_empty() {
        anyhow::anyhow!("{file}: {message}\n{snippet}")
    } else {
        anyhow::anyhow!("{file}:{pos}: {message}\n{snippet}")
    }
}
