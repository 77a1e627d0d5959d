//! Every URL the site contains is made here.
//!
//! Links between pages are relative (`../../questions/q1/`), so the same files work at a domain
//! root, under a GitHub Pages sub-path and on an intranet share. Absolute URLs (canonical,
//! sitemap, OpenGraph) come from the base URL. The 404 page is served at any depth, so its links
//! are rooted at the base URL's path instead.

/// A site path: "" for home, "regions/tokyo/" for a page, "assets/style.css" for a file.
pub type SitePath<'a> = &'a str;

#[derive(Debug, Clone)]
pub enum Linker {
    /// Links relative to the page at this site path. `edition` ("2024/" or "") is the folder of
    /// the edition the page belongs to: links to pages stay in it, links to the site's shared
    /// files (assets/, pagefind/) do not.
    Relative { from: String, edition: String },
    /// Links rooted at the base path (e.g. "/repo/"): for pages served at any URL (404).
    Rooted { base_path: String },
}

impl Linker {
    pub fn for_page(page: SitePath) -> Linker {
        Linker::for_edition_page(page, "")
    }

    /// A page of an earlier edition, published under `edition` ("2024/"); `page` is its whole
    /// site path ("2024/regions/tokyo/").
    pub fn for_edition_page(page: SitePath, edition: &str) -> Linker {
        Linker::Relative {
            from: page.to_string(),
            edition: edition.to_string(),
        }
    }

    pub fn rooted(base_url: &str) -> Linker {
        Linker::Rooted {
            base_path: base_path(base_url),
        }
    }

    /// The href from this page to `to`.
    pub fn href(&self, to: SitePath) -> String {
        match self {
            Linker::Relative { from, edition } => {
                let depth = from.matches('/').count();
                let shared = to.starts_with("assets/") || to.starts_with("pagefind/");
                let edition = if shared { "" } else { edition.as_str() };
                let href = format!("{}{edition}{}", "../".repeat(depth), to);
                if href.is_empty() { "./".into() } else { href }
            }
            Linker::Rooted { base_path } => format!("{base_path}{to}"),
        }
    }

    /// The prefix that leads to the site root ("../../", "./" or "/repo/"), where the shared
    /// files are (for every edition).
    pub fn root(&self) -> String {
        match self {
            Linker::Relative { from, .. } => {
                let href = "../".repeat(from.matches('/').count());
                if href.is_empty() { "./".into() } else { href }
            }
            Linker::Rooted { base_path } => base_path.clone(),
        }
    }

    /// The href from this page to a site path outside its edition (another edition's page,
    /// written with that edition's folder: "2025/regions/tokyo/", or "regions/tokyo/" for the
    /// latest).
    pub fn href_site(&self, to: SitePath) -> String {
        match self {
            Linker::Relative { from, .. } => Linker::for_page(from).href(to),
            Linker::Rooted { base_path } => format!("{base_path}{to}"),
        }
    }
}

/// The path of the base URL, starting and ending with `/`: "https://a.io/repo" → "/repo/".
pub fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, rest)| {
        rest.split_once('/').map_or("", |(_, p)| p)
    });
    let trimmed = rest.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The absolute URL of a site path, or `None` without a base URL.
pub fn absolute(base_url: &str, to: SitePath) -> Option<String> {
    if base_url.is_empty() {
        return None;
    }
    Some(format!("{}/{}", base_url.trim_end_matches('/'), to))
}

pub fn validate_base_url(base_url: &str) -> Result<(), String> {
    let Some((scheme, rest)) = base_url.split_once("://") else {
        return Err(format!(
            "\"{base_url}\" is not an absolute URL (expected e.g. https://user.github.io/repo/)"
        ));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(format!(
            "\"{base_url}\" is not an http(s) URL with a host (expected e.g. https://user.github.io/repo/)"
        ));
    }
    // The URL lands in attributes, robots.txt and the preview server's paths: keep it plain.
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~/:".contains(c);
    if let Some(c) = rest.chars().find(|c| !plain(*c)) {
        return Err(format!(
            "\"{base_url}\" holds {c:?}: use a plain ASCII URL (letters, digits, - . _ ~ /), without query, fragment or spaces"
        ));
    }
    let path = rest.split_once('/').map_or("", |(_, p)| p);
    if path.split('/').any(|s| s == "." || s == "..")
        || path.contains("//")
        || path.starts_with('/')
    {
        return Err(format!(
            "\"{base_url}\" has an empty, . or .. segment in its path"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_climb_to_the_root() {
        assert_eq!(
            Linker::for_page("").href("regions/tokyo/"),
            "regions/tokyo/"
        );
        assert_eq!(Linker::for_page("").href(""), "./");
        assert_eq!(Linker::for_page("regions/tokyo/").href(""), "../../");
        assert_eq!(
            Linker::for_page("regions/tokyo/q1/").href("questions/q1/"),
            "../../../questions/q1/"
        );
        assert_eq!(
            Linker::for_page("questions/q1/").href("assets/style.css"),
            "../../assets/style.css"
        );
    }

    #[test]
    fn an_earlier_editions_links_stay_in_it_but_share_the_assets() {
        let l = Linker::for_edition_page("2024/regions/tokyo/", "2024/");
        assert_eq!(l.href("questions/q1/"), "../../../2024/questions/q1/");
        assert_eq!(l.href(""), "../../../2024/");
        assert_eq!(l.href("assets/style.css"), "../../../assets/style.css");
        assert_eq!(l.root(), "../../../");
        assert_eq!(l.href_site("regions/tokyo/"), "../../../regions/tokyo/");
        assert_eq!(Linker::for_page("").root(), "./");
    }

    #[test]
    fn rooted_links_use_the_base_path() {
        assert_eq!(
            Linker::rooted("https://user.github.io/repo/").href("assets/style.css"),
            "/repo/assets/style.css"
        );
        assert_eq!(
            Linker::rooted("https://user.github.io/repo").href(""),
            "/repo/"
        );
        assert_eq!(
            Linker::rooted("https://example.org").href("regions/a/"),
            "/regions/a/"
        );
        assert_eq!(Linker::rooted("").href(""), "/");
    }

    #[test]
    fn absolute_urls_join_the_base_url() {
        assert_eq!(
            absolute("https://u.github.io/repo/", "regions/a/").unwrap(),
            "https://u.github.io/repo/regions/a/"
        );
        assert_eq!(
            absolute("https://u.github.io/repo", "").unwrap(),
            "https://u.github.io/repo/"
        );
        assert_eq!(absolute("", "x"), None);
    }

    #[test]
    fn base_urls_are_checked() {
        assert!(validate_base_url("https://u.github.io/repo/").is_ok());
        assert!(validate_base_url("u.github.io/repo").is_err());
        assert!(validate_base_url("ftp://x/").is_err());
        assert!(validate_base_url("https:///x").is_err());
        assert!(validate_base_url("https://example.jp/報告書/").is_err());
        assert!(validate_base_url("https://example.jp/a\nb/").is_err());
        assert!(validate_base_url("https://example.jp/a/../b/").is_err());
        assert!(validate_base_url("https://example.jp//a/").is_err());
        assert!(validate_base_url("https://example.jp/a?x=1").is_err());
        assert!(validate_base_url("http://localhost:8000/repo/").is_ok());
    }
}
