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
    // the search box in the header (base.html)
    "search-input",
    "search-results",
];

/// The markdown dialect of commentary (shortcodes are found with the same one).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

pub fn to_html(markdown: &str, allow_html: bool) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options())
        .map(|e| match e {
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
            other => other,
        })
        .collect();
    let events = add_heading_ids(events);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
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
            let mut unique = slug.clone();
            let mut n = 1;
            while used.contains(&unique) {
                unique = format!("{slug}-{n}");
                n += 1;
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
    fn tables_and_footnotes() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 出典\n",
            true,
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("footnote"));
    }
}
