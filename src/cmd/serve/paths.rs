//! Request path → file of the site: percent-decoded (assets may have Japanese or space names),
//! under the base path, `dir/` → `dir/index.html`, `dir` → a redirect to `dir/`; anything that
//! could step outside the site (`..`, `.`, backslashes, NUL or other control characters, bytes
//! that are not UTF-8) names nothing.

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, relative to the site's root ("regions/a/index.html").
    File(String),
    /// Where to send the browser instead (an absolute path, still percent-encoded).
    Redirect(String),
    NotFound,
}

/// Decodes `%XX` escapes. None for a malformed escape or a result that is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves the path of a request (`/repo/regions/a/?x=1`) against the base path ("/repo/"),
/// with `exists` telling which site files there are.
pub fn resolve(target: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    let raw = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = percent_decode(raw) else {
        return Target::NotFound;
    };
    // The site's own paths never hold these: whatever does is not ours to serve.
    if path.split('/').any(|s| s == ".." || s == ".")
        || path.contains('\\')
        || path.chars().any(char::is_control)
    {
        return Target::NotFound;
    }
    if path == "/" && base_path != "/" {
        return Target::Redirect(base_path.to_string());
    }
    if path.len() + 1 == base_path.len() && base_path.starts_with(path.as_str()) {
        return Target::Redirect(base_path.to_string());
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        return Target::NotFound;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if exists(&file) {
        Target::File(file)
    } else if exists(&format!("{rel}/index.html")) {
        Target::Redirect(format!("{raw}/"))
    } else {
        Target::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &'static [&'static str]) -> impl Fn(&str) -> bool {
        move |f| paths.contains(&f)
    }

    #[test]
    fn requests_resolve_under_the_base_path() {
        let f = files(&[
            "index.html",
            "regions/a/index.html",
            "assets/style.css",
            "404.html",
        ]);
        assert_eq!(resolve("/", "/", &f), Target::File("index.html".into()));
        assert_eq!(
            resolve("/regions/a/", "/", &f),
            Target::File("regions/a/index.html".into())
        );
        assert_eq!(
            resolve("/regions/a", "/", &f),
            Target::Redirect("/regions/a/".into())
        );
        assert_eq!(
            resolve("/repo/assets/style.css?v=1", "/repo/", &f),
            Target::File("assets/style.css".into())
        );
        assert_eq!(
            resolve("/", "/repo/", &f),
            Target::Redirect("/repo/".into())
        );
        assert_eq!(
            resolve("/repo", "/repo/", &f),
            Target::Redirect("/repo/".into())
        );
        assert_eq!(resolve("/assets/style.css", "/repo/", &f), Target::NotFound);
        assert_eq!(resolve("/nope/", "/", &f), Target::NotFound);
    }

    #[test]
    fn escaped_names_are_decoded() {
        let f = files(&["assets/地図 東京.png", "regions/東/index.html", "a%b.txt"]);
        assert_eq!(
            resolve(
                "/assets/%E5%9C%B0%E5%9B%B3%20%E6%9D%B1%E4%BA%AC.png",
                "/",
                &f
            ),
            Target::File("assets/地図 東京.png".into())
        );
        // A redirect keeps the path as the browser sent it (a header is ASCII).
        assert_eq!(
            resolve("/regions/%E6%9D%B1", "/", &f),
            Target::Redirect("/regions/%E6%9D%B1/".into())
        );
        assert_eq!(
            resolve("/a%25b.txt", "/", &f),
            Target::File("a%b.txt".into())
        );
        // Malformed escapes and non-UTF-8 bytes name nothing.
        assert_eq!(resolve("/a%b.txt", "/", &f), Target::NotFound);
        assert_eq!(resolve("/assets/%E5%9C.png", "/", &f), Target::NotFound);
        assert_eq!(resolve("/assets/%", "/", &f), Target::NotFound);
        assert_eq!(percent_decode("%e6%9d%b1"), Some("東".into()));
    }

    #[test]
    fn traversal_is_refused() {
        let f = |_: &str| true;
        for target in [
            "/../etc/passwd",
            "/regions/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2f..%2fetc/passwd",
            "/assets/..%5c..%5cCargo.toml",
            "/./index.html",
            "/%2e/index.html",
            "/index.html%00.png",
            "/a%0d%0aSet-Cookie:x",
        ] {
            assert_eq!(resolve(target, "/", f), Target::NotFound, "{target}");
        }
    }
}
