//! Commentary markdown → HTML: CommonMark with tables, footnotes and heading anchors.
//! Commentary is written by editors and trusted; raw HTML follows `settings.allow_html`.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Ids the templates give their own elements (the skip link's `main`, the sections' headings).
/// A commentary heading never takes one: the page would have it twice.
pub const TEMPLATE_IDS: &[&str] = &[
    "main",
    "questions",
    "h-table",
    "h-crosstab",
    "h-answers",
    "h-notes",
    "h-commentary",
    "h-regions",
    "h-questions",
    // the map section of region pages (map.html)
    "h-map",
    // the search box in the header (base.html)
    "search-input",
    "search-results",
    // several editions: the trend of a region × question, a question's changes
    "h-trend",
    "trend",
    "h-changes",
];

/// The markdown dialect of commentary (shortcodes are found with the same one).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub fn to_html(markdown: &str, allow_html: bool) -> String {
    to_html_with_blocks(markdown, allow_html, &[]).0
}

/// Markdown → HTML, with each of `blocks` (`(offset, html)`, by increasing offset) put in
/// place of the paragraph that starts at that byte offset of `markdown`. Returns the HTML and
/// the offsets where no paragraph starts (the block's place was swallowed by raw HTML).
pub fn to_html_with_blocks(
    markdown: &str,
    allow_html: bool,
    blocks: &[(usize, String)],
) -> (String, Vec<usize>) {
    let mut events: Vec<Event> = Vec::new();
    let mut pending = blocks.iter().peekable();
    let mut unplaced = Vec::new();
    // Inside a paragraph being replaced by a block: its events are dropped.
    let mut replacing = false;
    // Inside a link or image whose address was refused: its end tag is dropped too.
    let mut refused: Vec<bool> = Vec::new();
    for (e, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        while let Some((offset, _)) = pending.peek().filter(|(o, _)| *o < range.start) {
            unplaced.push(*offset);
            pending.next();
        }
        if replacing {
            replacing = !matches!(e, Event::End(TagEnd::Paragraph));
            continue;
        }
        if let Event::Start(Tag::Paragraph) = e
            && let Some((_, html)) = pending.next_if(|(o, _)| *o == range.start)
        {
            events.push(Event::Html(CowStr::from(html.clone())));
            replacing = true;
            continue;
        }
        events.push(match e {
            Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
            // Commentary sits below the page's h1 and section h2s: its headings start at h3.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: demote(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let refuse = !safe_url(dest_url, false);
                refused.push(refuse);
                if refuse {
                    continue; // the link's text stays, as text
                }
                e
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                let refuse = !safe_url(dest_url, true);
                refused.push(refuse);
                if refuse {
                    continue; // the image's alt text stays, as text
                }
                e
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if refused.pop().unwrap_or(false) {
                    continue;
                }
                e
            }
            other => other,
        });
    }
    unplaced.extend(pending.map(|(offset, _)| *offset));
    let events = add_heading_ids(events);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    (out, unplaced)
}

/// A link or image address that runs nothing: not `javascript:`, `vbscript:` or `data:` (an
/// image may be a `data:image/…` picture, which a browser only draws). Browsers ignore case,
/// white space and control characters in the scheme, so they are ignored here too.
pub fn safe_url(url: &str, image: bool) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':' && *c != '/' && *c != '?' && *c != '#')
        .flat_map(char::to_lowercase)
        .collect();
    let has_scheme = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .nth(scheme.chars().count())
        == Some(':');
    if !has_scheme {
        return true; // a relative address
    }
    match scheme.as_str() {
        "javascript" | "vbscript" => false,
        "data" => {
            let rest: String = url
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .skip(5)
                .take(16)
                .flat_map(char::to_lowercase)
                .collect();
            image
                && ["image/png", "image/jpeg", "image/gif", "image/webp"]
                    .iter()
                    .any(|t| rest.starts_with(t))
        }
        _ => true,
    }
}

/// Whether rendered commentary shows nothing: only white space and HTML comments (a starter
/// file from `new` holds just a comment).
pub fn shows_nothing(html: &str) -> bool {
    let mut rest = html;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return true;
        }
        let Some(comment) = rest.strip_prefix("<!--") else {
            return false;
        };
        rest = comment.find("-->").map_or("", |i| &comment[i + 3..]);
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Gives every heading without an explicit `{#id}` an id made from its text. Japanese headings
/// keep their characters (browsers and GitHub Pages handle UTF-8 fragments); spaces become `-`.
/// A made id steers clear of the templates' ids, of every explicit id (even one further down)
/// and of footnote labels (pulldown-cmark uses them as ids): `-1`, `-2` … is appended.
fn add_heading_ids(mut events: Vec<Event>) -> Vec<Event> {
    let mut used: BTreeSet<String> = TEMPLATE_IDS.iter().map(|id| id.to_string()).collect();
    for e in &events {
        match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                used.insert(id.to_string());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                used.insert(label.to_string());
            }
            _ => {}
        }
    }
    let mut next_number: std::collections::HashMap<String, usize> = Default::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let mut slug = slugify(&text);
            if slug.is_empty() {
                slug = "section".into();
            }
            // Numbers already tried for a slug stay taken (`used` only grows), so the next
            // heading with the same slug starts where the last one stopped: linear, not
            // quadratic, in the number of equal headings.
            let n = next_number.entry(slug.clone()).or_insert(1);
            let mut unique = slug.clone();
            while used.contains(&unique) {
                unique = format!("{slug}-{n}");
                *n += 1;
            }
            used.insert(unique.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique));
            }
        }
        i += 1;
    }
    events
}

pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_headings_get_ids_and_start_below_the_page_heading() {
        let html = to_html("## 導入状況の概要\n\n本文\n\n## 導入状況の概要\n", true);
        assert!(
            html.contains("<h3 id=\"導入状況の概要\">導入状況の概要</h3>"),
            "{html}"
        );
        assert!(html.contains("<h3 id=\"導入状況の概要-1\">"), "{html}");
    }

    #[test]
    fn made_ids_avoid_template_ids_explicit_ids_and_footnotes() {
        let html = to_html(
            "## main\n\n## custom\n\n## 1\n\n## 見出し {#custom}\n\n注[^1]\n\n[^1]: 出典\n",
            true,
        );
        assert!(html.contains("<h3 id=\"main-1\">main</h3>"), "{html}");
        assert!(html.contains("<h3 id=\"custom-1\">custom</h3>"), "{html}");
        assert!(html.contains("<h3 id=\"1-1\">1</h3>"), "{html}");
        assert!(html.contains("<h3 id=\"custom\">見出し</h3>"), "{html}");
        for id in TEMPLATE_IDS {
            let html = to_html(&format!("## {id}\n"), true);
            assert!(html.contains(&format!("id=\"{id}-1\"")), "{html}");
        }
    }

    #[test]
    fn template_ids_lists_every_fixed_id_of_the_default_templates() {
        for (name, text) in crate::render::templates::DEFAULTS {
            for id in crate::linkcheck::attribute_values(text, "id") {
                assert!(
                    id.contains("{{") || TEMPLATE_IDS.contains(&id),
                    "templates/{name} has id=\"{id}\": add it to TEMPLATE_IDS"
                );
            }
        }
    }

    #[test]
    fn raw_html_follows_the_setting() {
        assert!(to_html("a <b>x</b>", true).contains("<b>x</b>"));
        assert!(to_html("a <b>x</b>", false).contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    #[test]
    fn blocks_replace_the_paragraph_at_their_offset_only() {
        let md = "X\n\nX\n\n<pre>\nX\n</pre>\n";
        let second = md[1..].find('X').unwrap() + 1;
        let in_pre = md.rfind('X').unwrap();
        let (html, unplaced) = to_html_with_blocks(
            md,
            true,
            &[(second, "<hr class=\"b\">".into()), (in_pre, "<hr>".into())],
        );
        assert_eq!(html, "<p>X</p>\n<hr class=\"b\"><pre>\nX\n</pre>\n");
        assert_eq!(unplaced, vec![in_pre]);
    }

    #[test]
    fn script_addresses_are_refused() {
        for url in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,x",
        ] {
            assert!(!safe_url(url, false), "{url:?}");
            assert!(!safe_url(url, true), "{url:?}");
        }
        assert!(!safe_url("data:image/png;base64,x", false));
        assert!(safe_url("data:image/png;base64,x", true));
        assert!(!safe_url("data:image/svg+xml,x", true));
        for url in [
            "https://a.jp/",
            "../q1/",
            "#h",
            "mailto:a@b.jp",
            "a/b:c",
            "?q=javascript:",
        ] {
            assert!(safe_url(url, false), "{url:?}");
        }
        let html = to_html("[a](javascript:x) ![b](javascript:y) [c](/ok)", false);
        assert_eq!(html, "<p>a b <a href=\"/ok\">c</a></p>\n");
    }

    #[test]
    fn comments_and_white_space_show_nothing() {
        assert!(shows_nothing(""));
        assert!(shows_nothing("  <!-- a -->\n<!--\nb\n-->\n"));
        assert!(!shows_nothing("<!-- a --><p>x</p>"));
        assert!(!shows_nothing("<p>x</p>"));
    }

    #[test]
    fn many_equal_headings_get_numbered_in_order() {
        let html = to_html(&"## a\n\n".repeat(4), true);
        for id in ["a", "a-1", "a-2", "a-3"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{html}");
        }
    }

    #[test]
    fn tables_and_footnotes() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 出典\n",
            true,
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("footnote"));
    }
}
