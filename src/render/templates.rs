//! The Tera templates: the built-in defaults, overridden file by file by the project's templates/.

use std::path::Path;

use anyhow::Result;

/// The defaults carried by the binary: the same files as this repository's templates/.
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
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
];

/// Static files copied into site/assets/, overridable by templates/assets/<name>.
pub const ASSETS: &[(&str, &str)] = &[(
    "style.css",
    include_str!("../../templates/assets/style.css"),
)];

/// The progressive enhancement that swaps static SVG charts for interactive ones.
pub const CHARTS_JS: &str = include_str!("../../templates/assets/charts.js");

/// A template's source and where it came from (for error messages).
struct Source {
    name: String,
    file: String,
    text: String,
}

pub fn load(root: &Path) -> Result<tera::Tera> {
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
    tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())))
        .map_err(|e| template_error(&e, &sources))?;
    Ok(tera)
}

/// The project's override of an asset, or the built-in one.
pub fn asset(root: &Path, name: &str, default: &str) -> Result<Vec<u8>> {
    let path = root.join("templates/assets").join(name);
    if path.is_file() {
        Ok(std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("reading templates/assets/{name}: {e}"))?)
    } else {
        Ok(default.as_bytes().to_vec())
    }
}

pub fn render(tera: &tera::Tera, name: &str, context: &serde_json::Value) -> Result<String> {
    let ctx = tera::Context::from_serialize(context)
        .map_err(|e| anyhow::anyhow!("template context: {e}"))?;
    tera.render(name, &ctx).map_err(|e| {
        let file = format!("templates/{name}");
        anyhow::anyhow!("{}", tera_message(&e, &file))
    })
}

fn template_error(e: &tera::Error, sources: &[Source]) -> anyhow::Error {
    let text = tera_message(e, "templates");
    // Tera names the template; point at the file it came from.
    let file = sources
        .iter()
        .find(|s| text.contains(&s.name))
        .map(|s| s.file.as_str());
    match file {
        Some(f) => anyhow::anyhow!("{f}: {text}"),
        None => anyhow::anyhow!("{text}"),
    }
}

/// Tera's whole error chain on one or a few lines.
fn tera_message(e: &tera::Error, context: &str) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    if out.is_empty() {
        format!("{context}: template error")
    } else {
        out
    }
}
