//! report.yaml: the report's title, language, base URL and settings, as plain data (read and
//! checked by src/load/report.rs: the loader depends on this file, never the other way).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The report's title, shown on every page.
    pub title: String,
    /// One or two sentences: what the survey asked and of whom (home page, meta description).
    #[serde(default)]
    pub description: String,
    /// Where the numbers come from, shown in every page's footer.
    #[serde(default)]
    pub source: String,
    /// The `lang` of the pages and the language of the interface's words (`ja` or `en`: the
    /// tables in src/render/strings.rs; src/load/report.rs refuses any other).
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site is published, e.g. `https://user.github.io/repo/`. Empty: links stay
    /// relative and no absolute URLs (canonical, sitemap) are written.
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub settings: Settings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Replace the static SVG charts by interactive ECharts when JavaScript is on.
    pub interactive_charts: bool,
    /// Let raw HTML in commentary through (editors are trusted).
    pub allow_html: bool,
    /// Small-cell suppression (off unless given): counts under the threshold are shown as `x`.
    pub suppression: Option<crate::aggregate::Suppression>,
    /// The encoding of respondent exports (`auto`, `utf-8` or `cp932`) when the codebook's
    /// `responses:` block does not say. Default: detected.
    pub encoding: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            interactive_charts: true,
            allow_html: true,
            suppression: None,
            encoding: None,
        }
    }
}

fn default_language() -> String {
    "ja".into()
}
