//! report.yaml → `Config`, checked: the file every command looks for first, so a missing one
//! says where it was looked for and how to point elsewhere.

use std::path::Path;

use anyhow::Result;

use super::{clean_text, parse_yaml, quote_cell, read_text};
use crate::config::Config;

pub const FILE: &str = "report.yaml";

pub fn load(root: &Path) -> Result<Config> {
    let path = root.join(FILE);
    if !path.is_file() {
        let folder = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        anyhow::bail!(
            "no {FILE} in {}: this folder is not a report project. Run surveysite inside one, or name it with --root DIR (surveysite new DIR starts a new one)",
            folder.display()
        );
    }
    let text = read_text(&path, FILE)?;
    let mut config: Config = parse_yaml(&text, FILE, 0)?;
    // A YAML escape (`"\e"`) can put a control character in a title: none reaches a page.
    for field in [
        &mut config.title,
        &mut config.description,
        &mut config.source,
    ] {
        *field = clean_text(field);
    }
    if let Some(e) = &config.settings.encoding
        && super::responses::Encoding::parse(e).is_none()
    {
        anyhow::bail!(
            "{FILE}: settings.encoding {} is not known (write auto, utf-8 or cp932)",
            quote_cell(e)
        );
    }
    if crate::render::strings::for_language(&config.language).is_none() {
        // The key's own line (a top-level key starts its line), else the file.
        let line = text
            .lines()
            .position(|l| l.starts_with("language:"))
            .map_or(1, |i| i as u64 + 1);
        return Err(super::located(
            FILE,
            line,
            None,
            format_args!(
                "language {} has no interface strings (supported: {})",
                quote_cell(&config.language),
                crate::render::strings::supported()
            ),
        ));
    }
    if !config.base_url.is_empty() {
        crate::url::validate_base_url(&config.base_url)
            .map_err(|e| anyhow::anyhow!("{FILE}: base_url: {e}"))?;
    }
    Ok(config)
}
